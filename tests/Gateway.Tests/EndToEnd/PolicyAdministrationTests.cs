using System.Text.Json;
using Gateway.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>What an IT administrator does with the policy: check it, test a message against it, edit it live.</summary>
[TestFixture]
public sealed class PolicyAdministrationTests
{
    private string _config = null!;

    [SetUp]
    public void SetUp()
    {
        _config = TempFolders.Create("policy-admin");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, _config);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_config, true);

    private static Task<ToolResult> Gateway(params string[] args) =>
        GatewayBinary.RunAsync(args);

    private string PolicyPath => Path.Combine(_config, "policy.yaml");

    [Test]
    public async Task Policy_check_accepts_the_shipped_policy_and_points_at_an_error_by_line_and_column()
    {
        var ok = await Gateway("policy", "check", "--config", _config);
        Assert.That(ok.ExitCode, Is.EqualTo(0), ok.All);

        var lines = File.ReadAllLines(PolicyPath).ToList();
        var index = lines.FindIndex(l => l.Trim() == "action: reject");
        lines[index] = lines[index].Replace("action: reject", "action: rejct");
        File.WriteAllLines(PolicyPath, lines);

        var bad = await Gateway("policy", "check", "--config", _config);
        Assert.That(bad.ExitCode, Is.EqualTo(1), bad.All);
        Assert.That(bad.All, Does.Contain($"policy.yaml:{index + 1}:"));
        Assert.That(bad.All, Does.Contain("rejct"));
    }

    [Test]
    public async Task Policy_test_refuses_a_mistyped_listener_and_a_login_on_the_relay()
    {
        // Both directions on a valid listener are cases in PolicyCases/ (citizen-letter-through-the-mx-is-accepted, staff-submitting-from-gmail-are-refused).
        var eml = Mail.WriteEml(Mail.Plain("Đề nghị hướng dẫn", "Kính gửi Sở ...", from: "nguoi.dan@gmail.com"), _config);

        var typo = await Gateway("policy", "test", eml, "--mail-from", "a@gmail.com", "--rcpt", Mail.Recipient, "--listener", "submision", "--config", _config);
        Assert.That(typo.ExitCode, Is.Not.EqualTo(0), typo.All);
        Assert.That(typo.StdErr, Does.Contain("submision").And.Contain("'smtps'"));
        var impossible = await Gateway("policy", "test", eml, "--mail-from", "a@gmail.com", "--rcpt", Mail.Recipient, "--listener", "relay", "--auth-user", "x", "--config", _config);
        Assert.That(impossible.ExitCode, Is.EqualTo(2), impossible.All);
        Assert.That(impossible.StdErr, Does.Contain("the relay listener (MX) has no login"));
    }

    [Test, CancelAfter(60_000)]
    public async Task A_bad_edit_keeps_the_last_good_policy_and_a_good_edit_takes_effect_without_restart()
    {
        await using var gateway = await TestGateway.StartAsync(configDir: _config);
        Assert.That(await Cli.RunAsync(gateway.Paths, "users", "add", Mail.Sender, "--password", "Mật-khẩu-2025!"), Is.EqualTo(0));
        var before = gateway.Runtime.Policies.Current.Version;
        var original = await File.ReadAllTextAsync(PolicyPath);

        await File.WriteAllTextAsync(PolicyPath, original.Replace("action: reject", "action: [broken"));
        await Task.Delay(1500);
        Assert.That(gateway.Runtime.Policies.Current.Version, Is.EqualTo(before), "a policy with errors never takes effect");
        Assert.That(await SendReportAsync(gateway.Submission.Port), Does.StartWith("550"), "the last good policy still refuses unsigned reports");

        // The administrator tries the signature rule in audit mode: record, do not refuse.
        await File.WriteAllTextAsync(PolicyPath, original.Replace("  - name: signature\n", "  - name: signature\n    mode: audit\n"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (gateway.Runtime.Policies.Current.Version == before && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.That(gateway.Runtime.Policies.Current.Version, Is.Not.EqualTo(before));
        Assert.That(await SendReportAsync(gateway.Submission.Port), Does.StartWith("250"));

        await gateway.Runtime.Audit!.FlushAsync();
        var accepted = gateway.Runtime.Audit.Query(new GovGateway.Audit.AuditQuery { Decision = "accepted" }).Records.Single().Transaction;
        Assert.That(accepted.Rules.Single(r => r.Rule == "signature").Mode, Is.EqualTo("audit"));
    }

    [Test, CancelAfter(120_000)]
    public async Task A_forty_thousand_level_edit_is_an_error_the_running_gateway_survives_and_fixing_it_is_logged()
    {
        var data = TempFolders.Create("policy-deep-data");
        await using var gateway = new GatewayProcess(_config, data, new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Information" });
        await gateway.StartAsync();
        var original = await File.ReadAllTextAsync(PolicyPath);

        // Before the depth limit, building this tree overflowed the stack and the process died on reload.
        var deepLine = original.Split('\n').Length + 2;
        await File.WriteAllTextAsync(PolicyPath, original + "  - name: deep\n    when:\n      any: " + new string('[', 40_000) + new string(']', 40_000) + "\n    action: accept\n");
        await WaitForOutputAsync(gateway, "nested more than 64 levels");
        Assert.That(gateway.Output, Does.Contain($"policy.yaml:{deepLine}:"), gateway.Output);

        var sent = await Swaks.SendAsync(gateway.RelayPort, Mail.Sender, Mail.Recipient, null);
        Assert.That(sent.ExitCode, Is.EqualTo(0), "the gateway still answers on the last good policy: " + sent.All + gateway.Output);

        await File.WriteAllTextAsync(PolicyPath, original);
        await WaitForOutputAsync(gateway, "is valid again");
        Assert.That(await gateway.TerminateAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0), gateway.Output);
    }

    [Test, CancelAfter(120_000)]
    public async Task A_forty_thousand_level_policy_fails_check_and_start_with_its_line_instead_of_a_stack_overflow()
    {
        var original = await File.ReadAllTextAsync(PolicyPath);
        var deepLine = original.Split('\n').Length + 2;
        await File.WriteAllTextAsync(PolicyPath, original + "  - name: deep\n    when:\n      any: " + new string('[', 40_000) + new string(']', 40_000) + "\n    action: accept\n");

        var check = await Gateway("policy", "check", "--config", _config);
        Assert.That(check.ExitCode, Is.EqualTo(1), check.All);
        Assert.That(check.StdErr, Does.Contain($"policy.yaml:{deepLine}:").And.Contain("nested more than 64 levels"));

        var run = await Gateway("run", "--config", _config, "--data", TempFolders.Create("policy-deep-run"),
            $"--Smtp:Listeners:Relay:Port={Ports.Free()}", "--Smtp:Listeners:Submission:Enabled=false", "--Console:Port=0", "--Smtp:Listeners:Smtps:Enabled=false");
        Assert.That(run.ExitCode, Is.EqualTo(1), "a clean refusal to start, not SIGABRT (134): " + run.All);
        Assert.That(run.StdErr, Does.Contain($"policy.yaml:{deepLine}:").And.Contain("nested more than 64 levels"));
        Assert.That(run.All, Does.Not.Contain("Stack overflow").And.Not.Match(@"\n\s+at "));
    }

    private static async Task WaitForOutputAsync(GatewayProcess gateway, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!gateway.Output.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.That(gateway.Output, Does.Contain(text));
    }

    /// <summary>A DOCX package whose main document part no XML parser accepts.</summary>
    private static byte[] UnreadableDocx()
    {
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, string text)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(System.Text.Encoding.UTF8.GetBytes(text));
            }
            Add("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""");
            Add("_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""");
            Add("word/document.xml", """<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><<MẬT""");
        }
        return stream.ToArray();
    }

    private static MimeKit.MimeMessage WithUnreadableDocx(string to)
    {
        var message = Mail.Plain("Tài liệu", "Xin gửi kèm.", to: to);
        var body = new MimeKit.BodyBuilder { TextBody = "Xin gửi kèm." };
        body.Attachments.Add("tai-lieu.docx", UnreadableDocx());
        message.Body = body.ToMessageBody();
        return message;
    }

    [Test, CancelAfter(120_000)]
    public async Task An_unreadable_document_is_shown_by_policy_test_held_when_bound_outside_and_audited_as_unreadable()
    {
        const string outside = "ban.be@gmail.com";
        var eml = Mail.WriteEml(WithUnreadableDocx(outside), _config);

        var json = await Gateway("policy", "test", eml, "--mail-from", Mail.Sender, "--rcpt", outside, "--config", _config, "--json");
        Assert.That(json.ExitCode, Is.EqualTo(3), "policy test exits 3 for quarantine: " + json.All);
        using (var doc = JsonDocument.Parse(json.StdOut))
        {
            Assert.That(doc.RootElement.GetProperty("decision").GetString(), Is.EqualTo("quarantine"));
            Assert.That(doc.RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("rule").GetString()), Is.EqualTo(new[] { "unreadable-outside" }));
            var attachment = doc.RootElement.GetProperty("attachments").EnumerateArray().Single();
            Assert.That(attachment.GetProperty("unreadable").GetBoolean(), Is.True);
            Assert.That(attachment.GetProperty("detectedType").GetString(), Is.EqualTo("docx"));
        }
        var text = await Gateway("policy", "test", eml, "--mail-from", Mail.Sender, "--rcpt", outside, "--config", _config);
        Assert.That(text.StdOut, Does.Contain("status: unreadable"), text.All);

        await using var gateway = await TestGateway.StartAsync(configDir: _config);
        Assert.That(await Cli.RunAsync(gateway.Paths, "users", "add", Mail.Sender, "--password", "Mật-khẩu-2025!"), Is.EqualTo(0));
        using (var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await client.ConnectAsync("127.0.0.1", gateway.Submission.Port, SecureSocketOptions.StartTls);
            await client.AuthenticateAsync(Mail.Sender, "Mật-khẩu-2025!");
            var reply = await client.SendAsync(WithUnreadableDocx(outside));
            Assert.That(reply, Does.Contain("kiểm tra").And.Contain("held for review"));
        }
        await gateway.Runtime.Audit!.FlushAsync();
        var held = gateway.Runtime.Audit.Query(new GovGateway.Audit.AuditQuery { Decision = "quarantined" }).Records.Single().Transaction;
        Assert.That(held.Attachments.Single().Status, Is.EqualTo("unreadable"));
        Assert.That(held.Rules.Select(r => r.Rule), Does.Contain("unreadable-outside"));
    }

    private async Task<string> SendReportAsync(int port)
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(Mail.Sender, "Mật-khẩu-2025!");
        try
        {
            var reply = await client.SendAsync(Mail.WithAttachment("Báo cáo", "bao-cao.txt", Mail.ReportText));
            return "250 " + reply;
        }
        catch (SmtpCommandException ex)
        {
            return $"{(int)ex.StatusCode} {ex.Message}";
        }
    }
}
