using NUnit.Framework;
using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Metrics;

/// <summary>
/// A real `gateway run` process, as a monitoring system sees it: /metrics, /healthz and /readyz over HTTPS on the
/// console's listener, promtool's verdict on the page, counters that move as swaks sends mail, and /readyz turning 503
/// with its reason when the data disk fills up, and 200 again once fixed; a broken policy edit is a warning under 'ready'.
/// </summary>
[TestFixture]
public sealed class GatewayRunOperationsTests
{
    private static (GatewayProcess Gateway, HttpClient Web, string Config) Start(string dataDir, Dictionary<string, string>? settings = null)
    {
        var config = TempFolders.Create("ops-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        var consolePort = Ports.Free();
        var all = new Dictionary<string, string> { ["Console:Port"] = consolePort.ToString() };
        foreach (var (k, v) in settings ?? []) all[k] = v;
        var gateway = new GatewayProcess(config, dataDir, all);
        // The console serves the gateway's own (here self-signed) certificate.
        var web = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{consolePort}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        return (gateway, web, config);
    }

    [Test]
    public async Task Metrics_over_https_pass_promtool_and_move_as_mail_is_sent()
    {
        var (gateway, web, _) = Start(TempFolders.Create("ops-data"));
        await using var _g = gateway;
        using var _w = web;
        await gateway.StartAsync();
        await WaitForConsoleAsync(web);

        Assert.That(await GetAsync(web, "/healthz"), Is.EqualTo((HttpStatusCode.OK, "ok\n")));
        Assert.That(await GetAsync(web, "/readyz"), Is.EqualTo((HttpStatusCode.OK, "ready\n")), gateway.Output);
        var before = await MetricsPage.ScrapeAsync(web);

        var accepted = await Swaks.SendAsync(gateway.RelayPort, Mail.Sender, Mail.Recipient, null, "--header", "Subject: Giấy mời", "--body", "Kính mời");
        Assert.That(accepted.All, Does.Contain("<-  250 2.0.0 OK: queued as"), accepted.All);
        var eml = Mail.WriteEml(Mail.WithAttachment("Báo cáo quý III", "bao-cao.txt", Mail.ReportText), TempFolders.Create("ops-mail"));
        var refused = await Swaks.SendAsync(gateway.RelayPort, Mail.Sender, Mail.Recipient, eml);
        Assert.That(refused.All, Does.Contain("<** 550 5.7.1"), refused.All);

        var after = await MetricsTests.WaitForAsync(web, p => p["govgateway_delivery_attempts_total{result=\"outbox\"}"] >= 1);
        Assert.Multiple(() =>
        {
            Assert.That(after["govgateway_messages_total{listener=\"relay\",decision=\"accepted\"}"]
                        - before["govgateway_messages_total{listener=\"relay\",decision=\"accepted\"}"], Is.EqualTo(1));
            Assert.That(after["govgateway_messages_total{listener=\"relay\",decision=\"rejected\"}"]
                        - before["govgateway_messages_total{listener=\"relay\",decision=\"rejected\"}"], Is.EqualTo(1));
            Assert.That(after["govgateway_smtp_connections_total{listener=\"relay\",result=\"accepted\"}"], Is.GreaterThanOrEqualTo(2));
            Assert.That(after["govgateway_documents_total{class=\"report\",signature=\"unsigned\"}"], Is.EqualTo(1));
            Assert.That(after["govgateway_policy_rule_hits_total{rule=\"signature\",mode=\"enforce\"}"], Is.EqualTo(1));
            Assert.That(after["govgateway_delivery_attempts_total{result=\"outbox\"}"], Is.EqualTo(1));
            Assert.That(after["govgateway_delivery_delay_seconds_count"], Is.EqualTo(1));
            Assert.That(after["govgateway_tls_certificate_expiry_timestamp_seconds"],
                Is.GreaterThan(DateTimeOffset.UtcNow.ToUnixTimeSeconds()), "the development certificate is valid now");
            Assert.That(after.Has("process_cpu_seconds_total"), Is.True, "the process's own figures are there too");
        });

        var check = await ToolRunner.RunAsync("promtool", ["check", "metrics"], stdin: after.Text);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.All + "\n" + after.Text);
    }

    [Test]
    public async Task Readyz_says_503_with_the_reason_while_the_data_disk_is_full_or_the_policy_broken()
    {
        await using var disk = await SmallDisk.MountAsync(48);
        if (disk is null) Assert.Ignore("mounting a tmpfs needs root");
        var (gateway, web, config) = Start(disk!.Path, new() { ["Audit:MinFreeBytes"] = (16 * 1024 * 1024).ToString() });
        await using var _g = gateway;
        using var _w = web;
        await gateway.StartAsync();
        await WaitForConsoleAsync(web);
        Assert.That(await GetAsync(web, "/readyz"), Is.EqualTo((HttpStatusCode.OK, "ready\n")), gateway.Output);

        disk.Fill(leaveBytes: 4 * 1024 * 1024);
        var (status, body) = await GetAsync(web, "/readyz");
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(body, Does.Match(@"^spool: \d+\.\d MiB free in .*, under Audit:MinFreeBytes \(16\.0 MiB\): MAIL FROM is answered 452\n$"));
        var refused = await Swaks.SendAsync(gateway.RelayPort, Mail.Sender, Mail.Recipient, null, "--body", "x");
        Assert.That(refused.All, Does.Contain("<** 452 4.3.1"), "what /readyz said is what a sender gets: " + refused.All);
        disk.Free();
        Assert.That(await GetAsync(web, "/readyz"), Is.EqualTo((HttpStatusCode.OK, "ready\n")));

        // An administrator saves a policy with a typo: the gateway keeps the last good one, stays ready, and says what to fix.
        var policyFile = Path.Combine(config, "policy.yaml");
        var good = await File.ReadAllTextAsync(policyFile);
        await File.WriteAllTextAsync(policyFile, good.Replace("action: reject", "action: rejct"));
        (status, body) = await WaitForReadyzAsync(web, s => s == HttpStatusCode.OK, b => b.Contains("policy: "));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body + gateway.Output);
        Assert.That(body, Does.Contain("policy: the edited policy has ").And.Contain("not 'rejct'"));
        await File.WriteAllTextAsync(policyFile, good);
        (status, body) = await WaitForReadyzAsync(web, s => s == HttpStatusCode.OK, b => b == "ready\n");
        Assert.That((status, body), Is.EqualTo((HttpStatusCode.OK, "ready\n")));
        var page = await MetricsPage.ScrapeAsync(web);
        Assert.That(page["govgateway_policy_reloads_total{result=\"failed\"}"], Is.GreaterThanOrEqualTo(1));
        Assert.That(page["govgateway_policy_reloads_total{result=\"success\"}"], Is.GreaterThanOrEqualTo(1));
        Assert.That(page["govgateway_policy_last_reload_successful"], Is.EqualTo(1));
    }

    private static async Task WaitForConsoleAsync(HttpClient web) =>
        await Ports.WaitUntilListeningAsync(web.BaseAddress!.Port, TimeSpan.FromSeconds(30));

    private static async Task<(HttpStatusCode, string)> WaitForReadyzAsync(HttpClient web, Func<HttpStatusCode, bool> wanted, Func<string, bool>? body = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var answer = await GetAsync(web, "/readyz");
            if ((wanted(answer.Item1) && (body is null || body(answer.Item2))) || DateTime.UtcNow > deadline) return answer;
            await Task.Delay(200);
        }
    }

    private static async Task<(HttpStatusCode, string)> GetAsync(HttpClient web, string path)
    {
        using var response = await web.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
