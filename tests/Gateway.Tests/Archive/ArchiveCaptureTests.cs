using Gateway.Tests.Support;
using GovGateway.Archive;
using GovGateway.Archiving;
using GovGateway.Audit;
using MailKit.Net.Smtp;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.Archive;

/// <summary>
/// What the running gateway keeps in the archive, read back through the archive itself and the audit log: documents
/// of accepted messages (once per SHA-256, every exchange), nothing for a plain letter, retention with legal hold, the
/// register's duplicates, and the audit records of archive actions.
/// </summary>
[TestFixture]
public sealed class ArchiveCaptureTests
{
    private string _config = null!;
    private TestGateway _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _config = ArchiveTestKit.ConfigWithTrust();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Archive:Enabled"] = "true",
            ["Archive:RetentionDays"] = "365",
        }, configDir: _config);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_config, true);
    }

    private IDocumentArchive Archive => _gateway.Runtime.Archive!.Archive;

    private async Task<string> SendAsync(MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", _gateway.Relay.Port, MailKit.Security.SecureSocketOptions.None);
        var reply = await client.SendAsync(message);
        await client.DisconnectAsync(true);
        return reply;
    }

    private async Task WaitForQueueEmptyAsync() =>
        await ArchiveTestKit.UntilAsync(() => _gateway.Runtime.Spool.ListIds().Count, n => n == 0, TimeSpan.FromSeconds(30), "the queue to drain");

    [Test, CancelAfter(120_000)]
    public async Task A_signed_report_is_archived_once_with_each_exchange_and_found_without_diacritics()
    {
        var pdf = ArchiveTestKit.SignedReport();
        var reply1 = await SendAsync(ArchiveTestKit.WithDocument("Báo cáo chuyển đổi số", "bao-cao-12.pdf", pdf));
        var reply2 = await SendAsync(ArchiveTestKit.WithDocument("Gửi lại: Báo cáo chuyển đổi số", "bao-cao-12.pdf", pdf));
        Assert.That(reply1, Does.Contain("queued as"));
        await WaitForQueueEmptyAsync();

        var found = Archive.Search(new ArchiveQuery { Text = "chuyen doi so" });
        Assert.That(found.Total, Is.EqualTo(1), "one document, though sent twice");
        var hit = found.Hits[0];
        Assert.That(hit.Document.Id, Is.EqualTo(ArchiveTestKit.Sha256(pdf)));
        Assert.That(hit.Passages, Has.Some.Contains(ArchiveMarks.Start), "the matched words are marked");
        Assert.That(hit.Document.Class, Is.EqualTo("report"));
        Assert.That(hit.Document.Document.CodeNumber, Is.EqualTo("12"));
        Assert.That(hit.Document.Document.CodeNotation, Is.EqualTo("BC-STTTT"));
        Assert.That(hit.Document.Signed, Is.True, "the signature the policy judged valid");

        var document = Archive.Find(hit.Document.Id)!;
        Assert.That(document.Exchanges, Has.Count.EqualTo(2));
        Assert.That(document.Exchanges.Select(e => e.QueueId), Is.EquivalentTo(new[] { QueueIdOf(reply1), QueueIdOf(reply2) }));
        Assert.That(document.Exchanges.Select(e => e.Direction), Is.All.EqualTo(ArchiveDirection.Inbound), "the relay listener (MX), no login");
        Assert.That(document.Exchanges[0].Sender, Is.EqualTo(Mail.Sender));
        Assert.That(document.Exchanges[0].Recipients, Is.EqualTo(new[] { Mail.Recipient }));

        using var stream = Archive.OpenVerified(document.Id);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.That(copy.ToArray(), Is.EqualTo(pdf), "the original bytes, not the base64 of the message");
        Assert.That(Archive.Search(new ArchiveQuery { Symbol = "12/BC-STTTT" }).Total, Is.EqualTo(1));
    }

    [Test, CancelAfter(60_000)]
    public async Task A_plain_letter_without_a_document_archives_nothing()
    {
        await SendAsync(Mail.Plain("Hỏi thăm", "Chào anh, cuối tuần này anh có rảnh không?"));
        await WaitForQueueEmptyAsync();
        Assert.That(Archive.Stats().Documents, Is.EqualTo(0));
    }

    [Test, CancelAfter(120_000)]
    public async Task Purge_removes_what_is_past_retention_but_not_what_is_held_and_the_audit_log_keeps_the_removed_hash()
    {
        var kept = ArchiveTestKit.SignedReport("12");
        var removed = ArchiveTestKit.SignedReport("13", "Báo cáo tình hình ứng dụng công nghệ thông tin năm 2026");
        await SendAsync(ArchiveTestKit.WithDocument("Báo cáo 12", "bc-12.pdf", kept));
        await SendAsync(ArchiveTestKit.WithDocument("Báo cáo 13", "bc-13.pdf", removed));
        await WaitForQueueEmptyAsync();
        Assert.That(Archive.Stats().Documents, Is.EqualTo(2));

        var actions = _gateway.Runtime.Archive!;
        var actor = new ArchiveActor("quantri", 1000, null, "gateway archive");
        await actions.HoldAsync(ArchiveTestKit.Sha256(kept)[..10], "Thanh tra năm 2027", actor);
        var dryRun = await actions.PurgeAsync(dryRun: true, actor, DateTime.UtcNow.AddDays(400));
        Assert.That(dryRun.Removed.Select(r => r.Sha256), Is.EqualTo(new[] { ArchiveTestKit.Sha256(removed) }));
        Assert.That(Archive.Stats().Documents, Is.EqualTo(2), "a dry run removes nothing");

        var result = await actions.PurgeAsync(dryRun: false, actor, DateTime.UtcNow.AddDays(400));
        Assert.That(result.Removed.Select(r => r.Sha256), Is.EqualTo(new[] { ArchiveTestKit.Sha256(removed) }));
        Assert.That(result.KeptHeld, Is.EqualTo(new[] { ArchiveTestKit.Sha256(kept) }));
        Assert.That(Archive.Find(ArchiveTestKit.Sha256(removed)), Is.Null);
        Assert.That(Archive.Find(ArchiveTestKit.Sha256(kept))!.Hold!.Reason, Is.EqualTo("Thanh tra năm 2027"));

        await _gateway.Runtime.Audit!.FlushAsync();
        var records = _gateway.Runtime.Audit!.Query(new AuditQuery { Decision = AuditDecisions.Console, Limit = 50 }).Records.Select(r => r.Transaction).ToList();
        var purge = records.Single(r => r.Subject!.Contains("archive purge"));
        Assert.That(purge.Listener, Is.EqualTo(ArchiveActions.Listener));
        Assert.That(purge.Attachments.Single().Sha256, Is.EqualTo(ArchiveTestKit.Sha256(removed)), "the chain keeps the hash of what was removed");
        Assert.That(purge.Attachments.Single().Document!.CodeNumber, Is.EqualTo("13"), "and its metadata");
        var hold = records.Single(r => r.Subject!.Contains("archive hold"));
        Assert.That(hold.Subject, Does.Contain("Thanh tra năm 2027"));
        Assert.That(hold.SmtpReply, Does.Contain("quantri (uid 1000)"));
    }

    [Test, CancelAfter(120_000)]
    public async Task The_register_flags_two_documents_with_the_same_number()
    {
        await SendAsync(ArchiveTestKit.WithDocument("Báo cáo 12", "bc-12.pdf", ArchiveTestKit.SignedReport("12")));
        await SendAsync(ArchiveTestKit.WithDocument("Báo cáo 12 (khác)", "bc-12b.pdf",
            ArchiveTestKit.SignedReport("12", "Một báo cáo khác nhưng trùng số với báo cáo trước")));
        await SendAsync(ArchiveTestKit.WithDocument("Báo cáo 14", "bc-14.pdf", ArchiveTestKit.SignedReport("14")));
        await WaitForQueueEmptyAsync();

        var register = Archive.Register(2026, "STTTT");
        var issuer = register.Issuers.Single();
        Assert.That(issuer.Rows.Select(r => r.CodeNumber), Is.EqualTo(new[] { "12", "12", "14" }));
        Assert.That(issuer.Duplicates.Single().CodeNumber, Is.EqualTo("12"));
        Assert.That(issuer.Duplicates.Single().Ids, Has.Count.EqualTo(2));
        Assert.That(issuer.Gaps, Is.EqualTo(new[] { 13 }));
    }

    [Test, CancelAfter(60_000)]
    public async Task Archive_classes_come_from_policy_yaml()
    {
        // Only notices are kept: the report is delivered, not archived.
        var policy = File.ReadAllText(Path.Combine(_config, "policy.yaml")).Replace("classes: [official]", "classes: [notice]");
        await _gateway.DisposeAsync();
        File.WriteAllText(Path.Combine(_config, "policy.yaml"), policy);
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Archive:Enabled"] = "true" }, configDir: _config);
        await SendAsync(ArchiveTestKit.WithDocument("Báo cáo 12", "bc-12.pdf", ArchiveTestKit.SignedReport()));
        await WaitForQueueEmptyAsync();
        Assert.That(Archive.Stats().Documents, Is.EqualTo(0));
    }

    [Test, CancelAfter(120_000)]
    public async Task Export_writes_each_document_with_its_edxml_metadata_and_hold_is_recorded_through_the_running_gateway()
    {
        var pdf = ArchiveTestKit.SignedReport();
        await SendAsync(ArchiveTestKit.WithDocument("Báo cáo 12", "bc-12.pdf", pdf));
        await WaitForQueueEmptyAsync();
        var dir = Path.Combine(_gateway.Paths.DataDir, "..", "export-" + Guid.NewGuid().ToString("N"));
        var output = new StringWriter();
        var config = new System.CommandLine.InvocationConfiguration { Output = output, Error = output };
        var today = DateTime.UtcNow.AddHours(7).ToString("yyyy-MM-dd");
        var code = await GovGateway.Cli.CommandLine.InvokeAsync(["archive", "export", "--since", today, "--until", today, "-o", dir,
            "--config", _gateway.Paths.ConfigDir, "--data", _gateway.Paths.DataDir], config);
        Assert.That(code, Is.EqualTo(0), output.ToString());
        var files = Directory.GetFiles(dir).Order().ToList();
        Assert.That(files, Has.Count.EqualTo(2), string.Join(", ", files));
        Assert.That(File.ReadAllBytes(files[0]), Is.EqualTo(pdf));
        var metadata = EdXmlMetadata.Read(File.OpenRead(files[1]));
        Assert.That((metadata.Document.CodeNumber, metadata.Document.CodeNotation, metadata.Id), Is.EqualTo(("12", "BC-STTTT", ArchiveTestKit.Sha256(pdf))));

        code = await GovGateway.Cli.CommandLine.InvokeAsync(["archive", "hold", ArchiveTestKit.Sha256(pdf)[..8], "--reason", "Khiếu nại số 3",
            "--config", _gateway.Paths.ConfigDir, "--data", _gateway.Paths.DataDir], config);
        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(Archive.Find(ArchiveTestKit.Sha256(pdf))!.Hold!.Reason, Is.EqualTo("Khiếu nại số 3"));
        await _gateway.Runtime.Audit!.FlushAsync();
        var records = _gateway.Runtime.Audit!.Query(new AuditQuery { Decision = AuditDecisions.Console, Limit = 20 }).Records.Select(r => r.Transaction).ToList();
        Assert.That(records.Select(r => r.Subject), Has.Some.StartWith("gateway archive: archive export"));
        var hold = records.Single(r => r.Subject!.StartsWith("gateway archive: archive hold", StringComparison.Ordinal));
        Assert.That(hold.SmtpReply, Does.Match(@"\(uid \d+\)"), "the uid the gateway read from its socket");
        Directory.Delete(dir, true);
    }

    private static string QueueIdOf(string reply) => reply.Split("queued as ")[1].Trim();
}
