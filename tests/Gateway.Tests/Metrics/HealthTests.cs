using NUnit.Framework;
using System.Net;
using Gateway.Tests.Support;
using GovGateway.Spool;

namespace Gateway.Tests.Metrics;

/// <summary>/healthz and /readyz of a whole gateway in this process, and /metrics behind the sign-in when asked.</summary>
[TestFixture]
public sealed class HealthTests
{
    [Test]
    public async Task A_gateway_that_can_take_mail_is_live_and_ready()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var web = await OperationsHost.StartAsync(gateway.Runtime.Operations);
        var (liveStatus, live) = await GetAsync(web, "/healthz");
        var (readyStatus, ready) = await GetAsync(web, "/readyz");
        Assert.That((liveStatus, live), Is.EqualTo((HttpStatusCode.OK, "ok\n")));
        Assert.That((readyStatus, ready), Is.EqualTo((HttpStatusCode.OK, "ready\n")));
        using var head = await web.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/readyz"));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK), "load balancers may ask with HEAD");
    }

    [Test]
    public async Task A_broken_policy_edit_is_a_warning_on_a_ready_gateway_until_it_is_fixed()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var web = await OperationsHost.StartAsync(gateway.Runtime.Operations);
        var policyFile = Path.Combine(gateway.Paths.ConfigDir, "policy.yaml");
        var good = await File.ReadAllTextAsync(policyFile);

        await File.WriteAllTextAsync(policyFile, good.Replace("action: reject", "action: rejct"));
        gateway.Runtime.Policies.Reload(); // what SIGHUP does; the file watcher does the same a moment later
        var (status, body) = await GetAsync(web, "/readyz");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), "the last good policy still serves; a typo must not take the node out of the balancer: " + body);
        Assert.That(body, Does.StartWith("ready\npolicy: the edited policy has "));
        Assert.That(body, Does.Match(@"\npolicy: /.*/policy\.yaml:\d+:\d+: rule 'signature': action must be accept, reject or quarantine, not 'rejct'"), "the file:line to fix, on a line of its own");
        var page = await MetricsPage.ScrapeAsync(web.Client);
        Assert.That(page["govgateway_policy_reloads_total{result=\"failed\"}"], Is.GreaterThanOrEqualTo(1));
        Assert.That(page["govgateway_policy_last_reload_successful"], Is.EqualTo(0));

        await File.WriteAllTextAsync(policyFile, good);
        gateway.Runtime.Policies.Reload();
        (status, body) = await GetAsync(web, "/readyz");
        Assert.That((status, body), Is.EqualTo((HttpStatusCode.OK, "ready\n")));
        page = await MetricsPage.ScrapeAsync(web.Client);
        Assert.That(page["govgateway_policy_reloads_total{result=\"success\"}"], Is.GreaterThanOrEqualTo(1));
        Assert.That(page["govgateway_policy_last_reload_successful"], Is.EqualTo(1));
    }

    [Test]
    public async Task A_spool_short_of_room_or_unwritable_makes_the_gateway_unready()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var web = await OperationsHost.StartAsync(gateway.Runtime.Operations);
        var probe = gateway.Runtime.Operations.Readiness!;

        probe.FreeSpace = _ => 3 * 1024 * 1024;
        var (status, body) = await GetAsync(web, "/readyz");
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(body, Does.Match(@"^spool: 3\.0 MiB free in .*spool, under Audit:MinFreeBytes \(100\.0 MiB\): MAIL FROM is answered 452\n$"));

        probe.FreeSpace = _ => throw new IOException("statvfs failed");
        (status, body) = await GetAsync(web, "/readyz");
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "free space that cannot be told is not room");
        Assert.That(body, Does.Contain("spool: cannot tell the free space"));

        // incoming/ replaced by a file: nothing can be received (root ignores permission bits, so a mode would not do).
        var incoming = gateway.Runtime.Spool.IncomingDir;
        Directory.Move(incoming, incoming + ".aside");
        await File.WriteAllTextAsync(incoming, "");
        try
        {
            probe.FreeSpace = GovGateway.FileSystem.DiskSpace.Available;
            (status, body) = await GetAsync(web, "/readyz");
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
            Assert.That(body, Does.StartWith($"spool: cannot write in {incoming}: "));
        }
        finally
        {
            File.Delete(incoming);
            Directory.Move(incoming + ".aside", incoming);
        }
        (status, body) = await GetAsync(web, "/readyz");
        Assert.That((status, body), Is.EqualTo((HttpStatusCode.OK, "ready\n")));
        Assert.That(Directory.EnumerateFiles(incoming, ".readyz-*"), Is.Empty, "the probe leaves no file behind");
    }

    [Test]
    public async Task A_stopping_gateway_is_not_ready()
    {
        var gateway = await TestGateway.StartAsync();
        await using var web = await OperationsHost.StartAsync(gateway.Runtime.Operations);
        await gateway.DisposeAsync();
        var (status, body) = await GetAsync(web, "/readyz");
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(body, Does.Contain("smtp: the relay listener is not accepting connections"));
        Assert.That(body, Does.Contain("audit: the audit log is closed"));
    }

    [Test]
    public async Task Metrics_ask_for_a_sign_in_only_when_configured_to_and_health_never_does()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using (var open = await OperationsHost.StartAsync(gateway.Runtime.Operations))
        {
            using var response = await open.Client.GetAsync("/metrics");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        await using var guarded = await OperationsHost.StartAsync(gateway.Runtime.Operations, metricsRequireLogin: true);
        using (var handlerless = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = guarded.Client.BaseAddress })
        {
            using var response = await handlerless.GetAsync("/metrics");
            // A scraper cannot follow a sign-in form: 401 with a challenge, not the pages' redirect to /login.
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate, Is.Not.Empty);
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("govgateway_"));
        }
        Assert.That((await GetAsync(guarded, "/healthz")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await GetAsync(guarded, "/readyz")).Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void A_queue_id_tells_when_its_message_was_accepted()
    {
        var when = new DateTimeOffset(2026, 12, 2, 9, 30, 15, 123, TimeSpan.Zero);
        Assert.That(QueueId.TryGetTime(QueueId.New(when), out var utc), Is.True);
        Assert.That(utc, Is.EqualTo(when.UtcDateTime));
        Assert.That(utc.Kind, Is.EqualTo(DateTimeKind.Utc));
        Assert.That(QueueId.TryGetTime("not-a-queue-id", out _), Is.False);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(OperationsHost web, string path)
    {
        using var response = await web.Client.GetAsync(path);
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True, "health answers are never cached");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
