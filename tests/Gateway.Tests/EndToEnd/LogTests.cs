using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// What an administrator reads on the console of the real process (`gateway run`): one line per event
/// with its time, Vietnamese as written, one line per message event, start-up errors in one line.
/// </summary>
[TestFixture]
public sealed class LogTests
{
    private static readonly Regex TextLine = new(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d (trce|dbug|info|warn|fail|crit): \S+\[\d+\] \S");

    private static Dictionary<string, string> Settings(Upstream upstream, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
            ["Delivery:RetryBaseDelay"] = "00:10:00",
        };
        foreach (var (k, v) in more) settings[k] = v;
        return settings;
    }

    private static string[] Lines(GatewayProcess gateway) =>
        gateway.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    private static async Task<string> WaitForLineAsync(GatewayProcess gateway, string pattern)
    {
        var regex = new Regex(pattern);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (Lines(gateway).FirstOrDefault(regex.IsMatch) is { } line) return line;
            await Task.Delay(100);
        }
        Assert.Fail($"no line matching {pattern} in:\n{gateway.Output}");
        return "";
    }

    private static string QueueId(ToolResult swaks) =>
        Regex.Match(swaks.All, @"queued as (\w+)").Groups[1].Value is { Length: > 0 } id ? id : throw new AssertionException("not queued: " + swaks.All);

    [Test, CancelAfter(120_000)]
    public async Task Each_event_is_one_timestamped_line_with_vietnamese_as_written_and_each_message_has_its_lines()
    {
        await using var upstream = await Upstream.StartNewAsync();
        upstream.FailWith("451 4.3.0 mailbox busy, try later", "busy.box");
        var config = TempFolders.Create("log-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        await using var gateway = new GatewayProcess(config, TempFolders.Create("log-data"), Settings(upstream));
        await gateway.StartAsync();

        var accepted = await Swaks.SendAsync(gateway.RelayPort, "nguoi.dan@gmail.com", "tiepnhan@stttt.hatinh.gov.vn", null,
            "--header", "Subject: Xin hướng dẫn", "--body", "Kính gửi Sở");
        var id = QueueId(accepted);
        var eml = Mail.WriteEml(Mail.WithAttachment("Báo cáo", "bao-cao.txt", Mail.ReportText, from: "canbo@gmail.com"), config);
        var refused = await Swaks.SendAsync(gateway.RelayPort, "canbo@gmail.com", Mail.Recipient, eml);
        Assert.That(refused.All, Does.Contain("550"), refused.All);
        var deferred = await Swaks.SendAsync(gateway.RelayPort, Mail.Sender, "busy.box@stttt.hatinh.gov.vn", null, "--header", "Subject: Thư", "--body", "x");
        var deferredId = QueueId(deferred);

        var acceptedLine = await WaitForLineAsync(gateway, $@"{id}: accepted from=<nguoi\.dan@gmail\.com> to=<tiepnhan@stttt\.hatinh\.gov\.vn> size=\d+ classes=- listener=relay client=127\.0\.0\.1 user=- reply=""250 2\.0\.0 OK: queued as {id}""$");
        var deliveredLine = await WaitForLineAsync(gateway, $@"{id}: delivered to=<tiepnhan@stttt\.hatinh\.gov\.vn> relay=127\.0\.0\.1 attempts=1 next=- reply=""250 ");
        var refusedLine = await WaitForLineAsync(gateway, @"\w+: rejected from=<canbo@gmail\.com>");
        var deferredLine = await WaitForLineAsync(gateway, $@"{deferredId}: deferred to=<busy\.box@stttt\.hatinh\.gov\.vn> relay=127\.0\.0\.1 attempts=1 next=\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ reply=""451 4\.3\.0 mailbox busy, try later""");
        Assert.That(refusedLine, Does.Contain("classes=report").And.Contain("reply=\"550 5.7.1 [sender-domain] Địa chỉ gửi canbo@gmail.com không phải hộp thư công vụ"));
        Assert.That(refusedLine, Does.Contain(" | 550 5.7.1 [signature]").Or.Contain("[signature]"), "a multi-line reply stays on the one line");
        Assert.That(await gateway.TerminateAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0));

        var lines = Lines(gateway);
        Assert.Multiple(() =>
        {
            foreach (var line in lines)
                Assert.That(line, Does.Match(TextLine), "every line is one whole event with its time");
            Assert.That(gateway.Output, Does.Not.Contain("\\u"), "no escaped characters");
            Assert.That(lines.Count(l => l.Contains(":" + gateway.RelayPort)), Is.EqualTo(1), "the listener is announced once:\n" + gateway.Output);
            Assert.That(lines.Count(l => l.Contains(id)), Is.EqualTo(2), "accepted and delivered, nothing else");
            Assert.That(lines.Count(l => l.Contains(deferredId)), Is.EqualTo(2), "accepted and deferred, nothing else");
            Assert.That(acceptedLine, Does.Contain(" info: "));
            Assert.That(deliveredLine, Does.Contain(" info: "));
            Assert.That(deferredLine, Does.Contain(" warn: "));
        });
    }

    [Test, CancelAfter(120_000)]
    public async Task Json_is_one_setting_away_with_one_object_per_line_and_vietnamese_unescaped()
    {
        await using var upstream = await Upstream.StartNewAsync();
        var config = TempFolders.Create("log-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        await using var gateway = new GatewayProcess(config, TempFolders.Create("log-data"),
            Settings(upstream, ("Logging:Console:FormatterName", "json")));
        await gateway.StartAsync();
        var eml = Mail.WriteEml(Mail.WithAttachment("Báo cáo", "bao-cao.txt", Mail.ReportText, from: "canbo@gmail.com"), config);
        await Swaks.SendAsync(gateway.RelayPort, "canbo@gmail.com", Mail.Recipient, eml);
        await WaitForLineAsync(gateway, "rejected from=");
        Assert.That(await gateway.TerminateAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0));

        var lines = Lines(gateway);
        var rejected = lines.Single(l => l.Contains("rejected from="));
        Assert.That(rejected, Does.Contain("Địa chỉ gửi"), "Vietnamese as written, not \\u escapes");
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.That(json.RootElement.GetProperty("Message").GetString(), Is.Not.Empty);
        }
        using var doc = JsonDocument.Parse(rejected);
        var state = doc.RootElement.GetProperty("State");
        Assert.That(state.GetProperty("Decision").GetString(), Is.EqualTo("rejected"));
        Assert.That(state.GetProperty("From").GetString(), Is.EqualTo("canbo@gmail.com"));
        Assert.That(state.GetProperty("Classes").GetString(), Is.EqualTo("report"));
    }

    [Test, CancelAfter(120_000)]
    public async Task A_refusal_the_smtp_engine_makes_is_one_line_too()
    {
        // Seen when trying the published gateway by hand: a message over the size limit logged
        // "Transaction from ... ended by the SMTP engine" and then its "NOQUEUE: rejected" line, two lines for one event.
        await using var upstream = await Upstream.StartNewAsync();
        await using var gateway = new GatewayProcess(RepoPaths.ShippedConfig, TempFolders.Create("log-size"),
            Settings(upstream, ("Smtp:MaxMessageSize", "2000")));
        await gateway.StartAsync();

        var refused = await Swaks.SendAsync(gateway.RelayPort, "qua.lon@gmail.com", Mail.Recipient, null,
            "--header", "Subject: Thư lớn", "--body", new string('a', 5000));
        Assert.That(refused.All, Does.Contain("552 5.3.4"), refused.All);
        await WaitForLineAsync(gateway, @"NOQUEUE: rejected from=<qua\.lon@gmail\.com> .*reply=""552 5\.3\.4 ");
        Assert.That(await gateway.TerminateAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0));

        Assert.That(Lines(gateway).Count(l => l.Contains("qua.lon@gmail.com")), Is.EqualTo(1), "one refusal, one line:\n" + gateway.Output);
    }

    [Test, CancelAfter(60_000)]
    public async Task A_port_in_use_is_one_line_naming_the_address_and_port_without_a_stack_trace()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var result = await GatewayBinary.RunAsync(
        [
            "run", "--config", RepoPaths.ShippedConfig, "--data", TempFolders.Create("log-port"),
            $"--Smtp:Listeners:Relay:Port={port}", "--Smtp:Listeners:Submission:Enabled=false", "--Console:Port=0", "--Smtp:Listeners:Smtps:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
        ], stdin: null, timeout: TimeSpan.FromSeconds(50));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.All);
        Assert.That(result.StdErr.Trim().Split('\n'), Has.Length.EqualTo(1), result.All);
        Assert.That(result.StdErr, Does.Contain($"cannot listen on 127.0.0.1:{port} for the relay listener: the port is already in use"));
        Assert.That(result.All, Does.Not.Contain("Exception").And.Not.Match(@"\n\s+at "), "no stack trace");
    }

    [Test, CancelAfter(90_000)]
    public async Task A_data_folder_in_use_by_another_gateway_is_one_line_naming_it()
    {
        await using var upstream = await Upstream.StartNewAsync();
        var data = TempFolders.Create("log-locked");
        await using var first = new GatewayProcess(RepoPaths.ShippedConfig, data, Settings(upstream));
        await first.StartAsync();
        var result = await GatewayBinary.RunAsync(
        [
            "run", "--config", RepoPaths.ShippedConfig, "--data", data,
            $"--Smtp:Listeners:Relay:Port={Ports.Free()}", "--Smtp:Listeners:Submission:Enabled=false", "--Console:Port=0", "--Smtp:Listeners:Smtps:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
        ], stdin: null, timeout: TimeSpan.FromSeconds(50));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.All);
        var errors = result.StdErr.Trim().Split('\n');
        Assert.That(errors, Has.Length.EqualTo(1), result.All);
        Assert.That(errors[0], Does.StartWith("gateway run: ").And.Contain(data), result.All);
        Assert.That(result.All, Does.Not.Contain("Exception").And.Not.Match(@"\n\s+at "), "no stack trace");
    }
}
