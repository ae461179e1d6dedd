using System.Text.Json;
using Gateway.Tests.Support;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>Configuration mistakes are loud: the real `gateway` process, as an administrator starts it.</summary>
[TestFixture]
public sealed class ConfigurationTests
{
    private string _config = null!;
    private string _data = null!;

    [SetUp]
    public void SetUp()
    {
        _config = TempFolders.Create("gw-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, _config);
        _data = TempFolders.Create("gw-data");
    }

    [TearDown]
    public void TearDown()
    {
        Directory.Delete(_config, true);
        Directory.Delete(_data, true);
    }

    private static Task<ToolResult> Gateway(params string[] args) =>
        GatewayBinary.RunAsync(args);

    private string[] Run(params string[] settings) =>
        ["run", "--config", _config, "--data", _data, $"--Smtp:Listeners:Relay:Port={Ports.Free()}", "--Smtp:Listeners:Submission:Enabled=false", "--Console:Port=0",
         "--Smtp:Listeners:Smtps:Enabled=false", .. settings];

    [Test, CancelAfter(60_000)]
    public async Task A_config_folder_that_is_missing_or_holds_no_configuration_is_an_error()
    {
        var missing = Path.Combine(_data, "no-such-config");
        var result = await Gateway("run", "--config", missing, "--data", _data);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.All);
        Assert.That(result.StdErr, Does.Contain($"--config: no configuration folder at {missing}"));

        var empty = Path.Combine(_data, "empty-config");
        Directory.CreateDirectory(empty);
        result = await Gateway("run", "--config", empty, "--data", _data);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.All);
        Assert.That(result.StdErr, Does.Contain("holds neither appsettings.json nor policy.yaml"));
        Assert.That(result.All, Does.Not.Contain("loaded from"));

        result = await Gateway("policy", "check", "--config", missing);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.All);
    }

    [Test, CancelAfter(60_000)]
    public async Task An_unknown_key_in_the_gateways_sections_is_refused_at_start_with_the_nearest_known_key()
    {
        var result = await Gateway(Run("--Delivery:Upstream:Hots=127.0.0.1"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.All);
        Assert.That(result.StdErr, Does.Contain("unknown setting 'Delivery:Upstream:Hots'. Did you mean 'Delivery:Upstream:Host'?"));

        // A mistyped value of a choice is named with the nearest value, not the binder's .NET type name.
        result = await Gateway(Run("--Audit:Store=Postgres"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.All);
        Assert.That(result.StdErr, Does.Contain("'Postgres' is not a value of 'Audit:Store'. Did you mean 'PostgreSQL'? Values: LiteDB, PostgreSQL."));

        // In appsettings.json too, deep inside a listener; Logging is .NET's and free-form.
        var settings = Path.Combine(_config, "appsettings.json");
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("\"MaxRecipients\"", "\"MaxRecipient\"")
            .Replace("\"Relay\":      { \"Enabled\": true,", "\"Relay\":      { \"Enable\": true,"));
        result = await Gateway(Run());
        Assert.That(result.ExitCode, Is.EqualTo(1), result.All);
        Assert.That(result.StdErr, Does.Contain("'Smtp:MaxRecipient'. Did you mean 'Smtp:MaxRecipients'?"));
        Assert.That(result.StdErr, Does.Contain("'Smtp:Listeners:Relay:Enable'. Did you mean 'Smtp:Listeners:Relay:Enabled'?"));
        Assert.That(result.All, Does.Not.Contain("Listening"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Every_bad_value_in_every_section_is_named_at_once_before_anything_starts()
    {
        var result = await Gateway(Run("--Access:LocalDomains:0=gov..vn", "--Evaluation:MaxConcurrent=0", "--Smtp:Listeners:Relay:Address=localhost",
            "--Delivery:MaxConcurrency=0", "--Access:Auth:Backend=ldap"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.All);
        Assert.Multiple(() =>
        {
            Assert.That(result.StdErr, Does.Contain("Access:LocalDomains: 'gov..vn' is not a valid domain name"));
            Assert.That(result.StdErr, Does.Contain("Evaluation:MaxConcurrent must be positive"));
            Assert.That(result.StdErr, Does.Contain("Smtp:Listeners:Relay:Address is not an IP address: 'localhost'"));
            Assert.That(result.StdErr, Does.Contain("Delivery:MaxConcurrency must be at least 1"));
            Assert.That(result.StdErr, Does.Contain("Access:Auth:Backend \"ldap\""));
            Assert.That(result.All, Does.Not.Contain("Listening"));
            Assert.That(Directory.GetFileSystemEntries(_data), Is.Empty, "nothing was created before the settings were checked");
        });
    }

    [Test, CancelAfter(120_000)]
    public async Task Without_an_upstream_the_start_warns_and_the_audit_log_says_outbox_not_delivered()
    {
        await using var gateway = new GatewayProcess(_config, _data, new Dictionary<string, string>());
        await gateway.StartAsync();
        Assert.That(gateway.Output, Does.Contain("No upstream configured"));

        var message = Mail.Plain("Thư không có máy chủ chuyển tiếp", "Nội dung");
        var eml = Mail.WriteEml(message, _data);
        var sent = await Swaks.SendAsync(gateway.RelayPort, Mail.Sender, Mail.Recipient, eml);
        Assert.That(sent.ExitCode, Is.EqualTo(0), sent.All);
        await Eventually.UntilAsync(() => Directory.Exists(Path.Combine(_data, "outbox")) &&
            Directory.GetFiles(Path.Combine(_data, "outbox"), "*.eml").Length == 1, TimeSpan.FromSeconds(30), "the message in the outbox");
        Assert.That(await gateway.TerminateAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(0));

        var query = await Gateway("audit", "query", "--data", _data, "--config", _config, "--message-id", message.MessageId!, "--format", "json");
        Assert.That(query.ExitCode, Is.EqualTo(0), query.All);
        using var json = JsonDocument.Parse(query.StdOut);
        var status = json.RootElement.GetProperty("records")[0].GetProperty("recipientStatus")[0];
        Assert.That(status.GetProperty("outcome").GetString(), Is.EqualTo("outbox"), "written to a folder is not delivered");
    }

    [Test, CancelAfter(60_000)]
    public async Task Policy_test_tells_the_decision_by_its_exit_status()
    {
        var plain = Mail.WriteEml(Mail.Plain("Lịch họp", "Kính gửi"), _data);
        var accept = await Gateway("policy", "test", plain, "--mail-from", Mail.Sender, "--rcpt", Mail.Recipient, "--config", _config);
        Assert.That(accept.ExitCode, Is.EqualTo(0), accept.All);
        Assert.That(accept.StdOut, Does.Contain("decision: accept"));

        var report = Mail.WriteEml(Mail.WithAttachment("Báo cáo quý III", "Báo cáo số 12.txt", Mail.ReportText), _data);
        var reject = await Gateway("policy", "test", report, "--mail-from", Mail.Sender, "--rcpt", Mail.Recipient, "--config", _config);
        Assert.That(reject.ExitCode, Is.EqualTo(4), reject.All);
        Assert.That(reject.StdOut, Does.Contain("decision: reject"));

        var missing = await Gateway("policy", "test", Path.Combine(_data, "nope.eml"), "--mail-from", Mail.Sender, "--rcpt", Mail.Recipient, "--config", _config);
        Assert.That(missing.ExitCode, Is.EqualTo(2));
    }
}
