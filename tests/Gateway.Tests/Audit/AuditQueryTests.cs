using System.Text;
using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

[TestFixture]
public class AuditQueryTests
{
    private TempFolder _dir = null!;
    private AuditLog _log = null!;

    [OneTimeSetUp]
    public async Task Seed()
    {
        _dir = new TempFolder();
        _log = await AuditLog.OpenAsync(_dir.Path, AuditTestData.FastOptions());
        var t0 = AuditTestData.T0;
        await _log.AppendAsync(AuditTestData.Accepted("A1", t0, "lanhdao@sotttt.hanoi.gov.vn"));
        var nfd = AuditTestData.Accepted("A2", t0.AddDays(1), "ketoan@stc.hue.gov.vn");
        nfd.Subject = "Thông báo kết luận cuộc họp giao ban".Normalize(NormalizationForm.FormD);
        nfd.MailFrom = "chanhvanphong@vpcp.gov.vn";
        nfd.Classes = ["notice"];
        nfd.Attachments = [new AuditAttachment { Name = "56-TB-VPCP.pdf", Class = "notice", Symbol = "56/TB-VPCP", SignatureStatus = "valid" }];
        nfd.MessageId = "<thongbao-56@vpcp.gov.vn>";
        await _log.AppendAsync(nfd);
        var dd = AuditTestData.Accepted("A3", t0.AddDays(2));
        dd.Subject = "ĐỀ NGHỊ ĐIỀU CHỈNH dự toán";
        dd.Classes = ["work-document"];
        dd.Attachments = [new AuditAttachment { Name = "de-nghi.docx", Class = "work-document", Symbol = "05/BNV-VP", SignatureStatus = "unsigned" }];
        dd.Smime = new AuditSmime { Status = "valid", SignerSubject = "CN=Trần Thị B" };
        await _log.AppendAsync(dd);
        await _log.AppendAsync(AuditTestData.Rejected("R1", t0.AddDays(3)));
        await _log.AppendAsync(AuditTestData.Quarantined("Q1", t0.AddDays(4)));
        await _log.RecordDeliveryAsync(AuditTestData.Delivery("A1", "lanhdao@sotttt.hanoi.gov.vn", "delivered", "250 ok", t0.AddMinutes(1)));
        await _log.FlushAsync();
    }

    [OneTimeTearDown]
    public async Task Close()
    {
        await _log.DisposeAsync();
        _dir.Dispose();
    }

    private string[] Ids(AuditQuery q) => _log.Query(q).Records.Select(r => r.Transaction.QueueId!).ToArray();

    [Test]
    public void Time_range_is_inclusive_since_exclusive_until()
    {
        var t0 = AuditTestData.T0;
        Assert.That(Ids(new AuditQuery { Since = t0.AddDays(1), Until = t0.AddDays(3) }), Is.EqualTo(new[] { "A3", "A2" }));
        Assert.That(Ids(new AuditQuery { Since = t0.AddDays(4) }), Is.EqualTo(new[] { "Q1" }));
        Assert.That(Ids(new AuditQuery { Until = t0.AddTicks(1) }), Is.EqualTo(new[] { "A1" }));
    }

    [Test]
    public void Sender_by_address_uses_exact_match_and_by_domain_matches_subdomains()
    {
        Assert.That(Ids(new AuditQuery { Sender = "ChanhVanPhong@VPCP.gov.vn" }), Is.EqualTo(new[] { "A2" }));
        Assert.That(Ids(new AuditQuery { Sender = "@vpcp.gov.vn" }), Is.EqualTo(new[] { "A2" }));
        Assert.That(Ids(new AuditQuery { Sender = "gov.vn" }), Has.Length.EqualTo(5));
        Assert.That(Ids(new AuditQuery { Sender = "vanthu@bnv.gov" }), Is.Empty, "an address is not a prefix match");
    }

    [Test]
    public void Recipient_class_decision_rule_filters()
    {
        Assert.That(Ids(new AuditQuery { Recipient = "hue.gov.vn" }), Is.EqualTo(new[] { "A2" }));
        Assert.That(Ids(new AuditQuery { Class = "NOTICE" }), Is.EqualTo(new[] { "A2" }));
        Assert.That(Ids(new AuditQuery { Class = "executable" }), Is.EqualTo(new[] { "Q1" }), "attachment classes count too");
        Assert.That(Ids(new AuditQuery { Decision = "rejected" }), Is.EqualTo(new[] { "R1" }));
        Assert.That(Ids(new AuditQuery { Rule = "no-state-secrets" }), Is.EqualTo(new[] { "R1" }));
        Assert.That(Ids(new AuditQuery { Decision = "accepted", Class = "invitation" }), Is.EqualTo(new[] { "A1" }));
    }

    [Test]
    public void Signature_filter_looks_at_smime_and_attachments()
    {
        Assert.That(Ids(new AuditQuery { Signature = "valid" }), Is.EqualTo(new[] { "A3", "A2", "A1" }));
        Assert.That(Ids(new AuditQuery { Signature = "invalid" }), Is.EqualTo(new[] { "Q1" }));
        Assert.That(Ids(new AuditQuery { Signature = "missing" }), Is.EqualTo(new[] { "R1" }));
    }

    [TestCase("thông báo")]
    [TestCase("THONG BAO KET LUAN")]
    [TestCase("thong bao")]
    public void Subject_ignores_case_diacritics_and_normal_form(string needle)
    {
        Assert.That(Ids(new AuditQuery { Subject = needle }), Is.EqualTo(new[] { "A2" }));
        Assert.That(Ids(new AuditQuery { Subject = needle.Normalize(NormalizationForm.FormD) }), Is.EqualTo(new[] { "A2" }));
    }

    [TestCase("de nghi dieu chinh")]
    [TestCase("đề nghị điều")]
    [TestCase("ĐIỀU")]
    public void Subject_folds_d_stroke(string needle) =>
        Assert.That(Ids(new AuditQuery { Subject = needle }), Is.EqualTo(new[] { "A3" }));

    [Test]
    public void Message_id_with_or_without_brackets_and_symbol()
    {
        Assert.That(Ids(new AuditQuery { MessageId = "thongbao-56@vpcp.gov.vn" }), Is.EqualTo(new[] { "A2" }));
        Assert.That(Ids(new AuditQuery { MessageId = "<thongbao-56@vpcp.gov.vn>" }), Is.EqualTo(new[] { "A2" }));
        Assert.That(Ids(new AuditQuery { Symbol = "56/TB-VPCP" }), Is.EqualTo(new[] { "A2" }));
        Assert.That(Ids(new AuditQuery { Symbol = "tb-vpcp" }), Is.EqualTo(new[] { "A2" }));
        Assert.That(Ids(new AuditQuery { Symbol = "BNV" }), Is.EqualTo(new[] { "A3" }));
    }

    [Test]
    public void Limit_truncates_newest_first()
    {
        var result = _log.Query(new AuditQuery { Limit = 2 });
        Assert.That(result.Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { "Q1", "R1" }));
        Assert.That(result.Truncated, Is.True);
        Assert.That(_log.Query(new AuditQuery { Limit = 5 }).Truncated, Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => _log.Query(new AuditQuery { Limit = 0 }));
    }

    [Test]
    public void Stats_count_per_day_class_decision_signature_domain_and_official_share()
    {
        var s = _log.Stats(null, null);
        Assert.That(s.Transactions, Is.EqualTo(5));
        Assert.That(s.PerDay, Has.Count.EqualTo(5));
        Assert.That(s.PerDay["2025-06-10"], Is.EqualTo(1));
        Assert.That(s.PerDecision["accepted"], Is.EqualTo(3));
        Assert.That(s.PerDecision["rejected"], Is.EqualTo(1));
        Assert.That(s.PerDecision["quarantined"], Is.EqualTo(1));
        Assert.That(s.PerClass["invitation"], Is.EqualTo(1));
        Assert.That(s.PerClass["notice"], Is.EqualTo(1));
        Assert.That(s.PerClass["report"], Is.EqualTo(1));
        Assert.That(s.PerSenderDomain["bnv.gov.vn"], Is.EqualTo(4));
        Assert.That(s.PerSenderDomain["vpcp.gov.vn"], Is.EqualTo(1));
        Assert.That(s.PerSignature["smime:valid"], Is.EqualTo(1));
        Assert.That(s.PerSignature["smime:invalid"], Is.EqualTo(1));
        // Accepted official: A1 (PDF valid), A2 (PDF valid), A3 (S/MIME valid, attachment unsigned) → all three signed.
        Assert.That(s.OfficialTransactions, Is.EqualTo(3));
        Assert.That(s.OfficialSigned, Is.EqualTo(3));
        Assert.That(s.OfficialSignedPercent, Is.EqualTo(100.0));

        var window = _log.Stats(AuditTestData.T0.AddDays(2), AuditTestData.T0.AddDays(4));
        Assert.That(window.Transactions, Is.EqualTo(2));
        Assert.That(window.OfficialTransactions, Is.EqualTo(1));
    }

    [Test]
    public async Task Official_share_counts_unsigned_official_documents()
    {
        using var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        var signed = AuditTestData.Accepted("S1", AuditTestData.T0);
        var unsigned = AuditTestData.Accepted("U1", AuditTestData.T0);
        unsigned.Attachments.Add(new AuditAttachment { Name = "phu-luc.pdf", Class = "meeting-document", SignatureStatus = "none" });
        var notOfficial = AuditTestData.Accepted("N1", AuditTestData.T0);
        notOfficial.Classes = [];
        notOfficial.Attachments = [new AuditAttachment { Name = "anh.jpg", Class = "other" }];
        foreach (var t in new[] { signed, unsigned, notOfficial }) await log.AppendAsync(t);
        await log.FlushAsync();
        var s = log.Stats(null, null);
        Assert.That(s.OfficialTransactions, Is.EqualTo(2));
        Assert.That(s.OfficialSigned, Is.EqualTo(1), "one official attachment unsigned and no S/MIME: not signed");
        Assert.That(s.OfficialSignedPercent, Is.EqualTo(50.0));
        Assert.That(s.PerClass["other"], Is.EqualTo(1));
    }
}
