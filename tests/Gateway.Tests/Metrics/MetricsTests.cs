using NUnit.Framework;
using System.Net;
using Gateway.Tests.Support;
using GovGateway.Spool;

namespace Gateway.Tests.Metrics;

/// <summary>
/// /metrics of a whole gateway in this process: mail sent with swaks moves the counters the issue lists, and Prometheus'
/// own checker (promtool) accepts the page.
/// </summary>
[TestFixture]
public sealed class MetricsTests
{
    private TestGateway _gateway = null!;
    private OperationsHost _web = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _gateway = await TestGateway.StartAsync();
        _web = await OperationsHost.StartAsync(_gateway.Runtime.Operations);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _web.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    private const string Relay = "listener=\"relay\"";

    [Test]
    public async Task Counters_move_as_mail_is_answered_and_delivered()
    {
        var before = await MetricsPage.ScrapeAsync(_web.Client);
        var dir = TempFolders.Create("metrics-mail");

        var plain = await Swaks.SendAsync(_gateway.Relay.Port, Mail.Sender, Mail.Recipient, null, "--header", "Subject: Thông tin chung", "--body", "Xin chào");
        Assert.That(plain.All, Does.Contain("<-  250 2.0.0 OK: queued as"), plain.All);
        var invitation = Mail.WriteEml(Mail.WithAttachment("Giấy mời họp", "giay-moi.txt", Mail.InvitationText), dir);
        var invited = await Swaks.SendAsync(_gateway.Relay.Port, Mail.Sender, Mail.Recipient, invitation);
        Assert.That(invited.All, Does.Contain("<-  250 2.0.0 OK: queued as"), invited.All);
        var report = Mail.WriteEml(Mail.WithAttachment("Báo cáo quý III", "bao-cao.txt", Mail.ReportText), dir);
        var refused = await Swaks.SendAsync(_gateway.Relay.Port, Mail.Sender, Mail.Recipient, report);
        Assert.That(refused.All, Does.Contain("<** 550 5.7.1"), refused.All);
        var outside = await Swaks.SendAsync(_gateway.Relay.Port, Mail.Sender, "someone@example.com", null, "--body", "x");
        Assert.That(outside.All, Does.Contain("<** 5"), outside.All);

        // Both accepted messages go to the outbox (no upstream configured); their outcomes are counted as attempts.
        var after = await WaitForAsync(p => p["govgateway_delivery_attempts_total{result=\"outbox\"}"] - before["govgateway_delivery_attempts_total{result=\"outbox\"}"] >= 2
                                            && p[$"govgateway_smtp_sessions_active{{{Relay}}}"] == 0);

        double Moved(string series) => after[series] - before[series];
        Assert.Multiple(() =>
        {
            Assert.That(Moved($"govgateway_messages_total{{{Relay},decision=\"accepted\"}}"), Is.EqualTo(2));
            Assert.That(Moved($"govgateway_messages_total{{{Relay},decision=\"rejected\"}}"), Is.EqualTo(2), "the unsigned report and the outside recipient");
            Assert.That(Moved($"govgateway_smtp_connections_total{{{Relay},result=\"accepted\"}}"), Is.EqualTo(4));
            Assert.That(Moved("govgateway_documents_total{class=\"invitation\",signature=\"unsigned\"}"), Is.EqualTo(1));
            Assert.That(Moved("govgateway_documents_total{class=\"report\",signature=\"unsigned\"}"), Is.EqualTo(1));
            Assert.That(Moved("govgateway_policy_rule_hits_total{rule=\"signature\",mode=\"enforce\"}"), Is.EqualTo(1));
            Assert.That(Moved("govgateway_policy_rule_hits_total{rule=\"recipient\",mode=\"enforce\"}"), Is.EqualTo(1));
            Assert.That(Moved("govgateway_delivery_attempts_total{result=\"outbox\"}"), Is.EqualTo(2));
            Assert.That(Moved("govgateway_delivery_delay_seconds_count"), Is.EqualTo(2));
            Assert.That(Moved("govgateway_delivery_delay_seconds_sum"), Is.GreaterThanOrEqualTo(0).And.LessThan(60));
            Assert.That(after[$"govgateway_smtp_sessions_active{{{Relay}}}"], Is.EqualTo(0), "every session has ended");
            Assert.That(after.Has("govgateway_queue_messages{state=\"queued\"}"), Is.True);
            Assert.That(after.Has("govgateway_audit_journal_backlog"), Is.True);
        });
        var notAfter = new DateTimeOffset(_gateway.Runtime.Certificates!.Current.NotAfter.ToUniversalTime()).ToUnixTimeSeconds();
        Assert.That(after["govgateway_tls_certificate_expiry_timestamp_seconds"], Is.EqualTo(notAfter));
    }

    [Test]
    public async Task Promtool_accepts_the_page()
    {
        await Swaks.SendAsync(_gateway.Relay.Port, Mail.Sender, Mail.Recipient, null, "--body", "x");
        using var response = await _web.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/plain"));
        var check = await ToolRunner.RunAsync("promtool", ["check", "metrics"], stdin: text);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.All + "\n" + text);
        foreach (var name in new[]
                 {
                     "govgateway_smtp_sessions_active", "govgateway_smtp_connections_total", "govgateway_messages_total", "govgateway_documents_total",
                     "govgateway_policy_rule_hits_total", "govgateway_queue_messages", "govgateway_delivery_attempts_total", "govgateway_delivery_delay_seconds",
                     "govgateway_audit_journal_backlog", "govgateway_tls_certificate_expiry_timestamp_seconds", "govgateway_policy_reloads_total",
                 })
            Assert.That(text, Does.Contain($"# HELP {name} "), name);
    }

    [Test]
    public async Task A_failed_smtps_handshake_is_counted_and_leaves_no_session_open()
    {
        var before = await MetricsPage.ScrapeAsync(_web.Client);
        using (var plain = new System.Net.Sockets.TcpClient())
        {
            // A client that speaks plain SMTP to the implicit-TLS port: no handshake, no greeting.
            await plain.ConnectAsync(_gateway.Smtps);
            await plain.GetStream().WriteAsync("EHLO client.test\r\n"u8.ToArray());
            var buffer = new byte[256];
            try { while (await plain.GetStream().ReadAsync(buffer) > 0) { } } catch (IOException) { }
        }
        const string failed = "govgateway_smtp_connections_total{listener=\"smtps\",result=\"tls-failed\"}";
        var after = await WaitForAsync(p => p[failed] > before[failed]);
        Assert.That(after[failed] - before[failed], Is.EqualTo(1));
        Assert.That(after["govgateway_smtp_sessions_active{listener=\"smtps\"}"], Is.EqualTo(0));
        Assert.That(after["govgateway_smtp_connections_total{listener=\"smtps\",result=\"accepted\"}"],
            Is.EqualTo(before["govgateway_smtp_connections_total{listener=\"smtps\",result=\"accepted\"}"]));
    }

    [Test]
    public async Task A_deferred_message_is_counted_in_the_queue_and_as_a_deferred_attempt()
    {
        // An upstream that is down: nothing listens on its port.
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = Ports.Free().ToString(),
            ["Delivery:RetryBaseDelay"] = "00:10:00",
            ["Delivery:RetryMaxDelay"] = "00:10:00",
        });
        await using var web = await OperationsHost.StartAsync(gateway.Runtime.Operations);
        var sent = await Swaks.SendAsync(gateway.Relay.Port, Mail.Sender, Mail.Recipient, null, "--body", "x");
        Assert.That(sent.All, Does.Contain("<-  250 2.0.0 OK: queued as"), sent.All);

        var page = await WaitForAsync(web.Client, p => p["govgateway_queue_messages{state=\"deferred\"}"] == 1);
        var files = string.Join(", ", Directory.EnumerateFiles(gateway.Runtime.Spool.QueueDir).Select(Path.GetFileName));
        Assert.Multiple(() =>
        {
            Assert.That(page["govgateway_queue_messages{state=\"deferred\"}"], Is.EqualTo(1), "queue folder: " + files + "\n" + page.Text);
            Assert.That(page["govgateway_queue_messages{state=\"queued\"}"], Is.EqualTo(0));
            Assert.That(page["govgateway_delivery_attempts_total{result=\"deferred\"}"], Is.EqualTo(1));
            Assert.That(page["govgateway_delivery_attempts_total{result=\"delivered\"}"], Is.EqualTo(0));
            Assert.That(page["govgateway_delivery_delay_seconds_count"], Is.EqualTo(0), "only deliveries have a delay");
        });
    }

    [Test]
    public async Task Each_gateway_in_a_process_counts_only_its_own_mail()
    {
        await using var other = await TestGateway.StartAsync();
        await using var otherWeb = await OperationsHost.StartAsync(other.Runtime.Operations);
        var before = await MetricsPage.ScrapeAsync(_web.Client);
        var sent = await Swaks.SendAsync(other.Relay.Port, Mail.Sender, Mail.Recipient, null, "--body", "x");
        Assert.That(sent.All, Does.Contain("<-  250 2.0.0 OK: queued as"), sent.All);
        var theirs = await MetricsPage.ScrapeAsync(otherWeb.Client);
        var ours = await MetricsPage.ScrapeAsync(_web.Client);
        Assert.That(theirs[$"govgateway_messages_total{{{Relay},decision=\"accepted\"}}"], Is.EqualTo(1));
        Assert.That(ours[$"govgateway_messages_total{{{Relay},decision=\"accepted\"}}"],
            Is.EqualTo(before[$"govgateway_messages_total{{{Relay},decision=\"accepted\"}}"]));
    }

    [Test]
    public async Task A_connection_over_the_listeners_budget_is_counted_as_limited()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Smtp:Listeners:Relay:MaxConnectionsPerIp"] = "1" });
        await using var web = await OperationsHost.StartAsync(gateway.Runtime.Operations);
        using var first = new System.Net.Sockets.TcpClient();
        await first.ConnectAsync(gateway.Relay);
        var greeting = new byte[512];
        var read = await first.GetStream().ReadAsync(greeting); // the 220: the first session is open
        Assert.That(System.Text.Encoding.ASCII.GetString(greeting, 0, read), Does.StartWith("220"));
        var page = await WaitForAsync(web.Client, p => p[$"govgateway_smtp_sessions_active{{{Relay}}}"] == 1);
        Assert.That(page[$"govgateway_smtp_sessions_active{{{Relay}}}"], Is.EqualTo(1));

        var second = await Swaks.SendAsync(gateway.Relay.Port, Mail.Sender, Mail.Recipient, null, "--body", "x");
        Assert.That(second.All, Does.Contain("421"), second.All);
        page = await WaitForAsync(web.Client, p => p[$"govgateway_smtp_connections_total{{{Relay},result=\"limited\"}}"] == 1);
        Assert.That(page[$"govgateway_smtp_connections_total{{{Relay},result=\"limited\"}}"], Is.EqualTo(1));
        Assert.That(page[$"govgateway_smtp_connections_total{{{Relay},result=\"accepted\"}}"], Is.EqualTo(1));
        first.Close();
        page = await WaitForAsync(web.Client, p => p[$"govgateway_smtp_sessions_active{{{Relay}}}"] == 0);
        Assert.That(page[$"govgateway_smtp_sessions_active{{{Relay}}}"], Is.EqualTo(0));
    }

    private Task<MetricsPage> WaitForAsync(Func<MetricsPage, bool> condition) => WaitForAsync(_web.Client, condition);

    internal static async Task<MetricsPage> WaitForAsync(HttpClient client, Func<MetricsPage, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var page = await MetricsPage.ScrapeAsync(client);
            if (condition(page) || DateTime.UtcNow > deadline) return page;
            await Task.Delay(100);
        }
    }
}
