using GovGateway.Policies.Tests.Fixtures;

namespace GovGateway.Policies.Tests;

/// <summary>
/// The shipped rules. Cases that are a message and its verdict alone (the sender-domain refusals, a business letter through
/// the MX) are in tests/Gateway.Tests/PolicyCases, run through `gateway policy test --json`.
/// </summary>
public sealed class DefaultRulesTests : PolicyFixture
{
    private static (string, string, byte[]) SignedReport() => ("bao-cao.pdf", "application/pdf", TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report()));

    [Test]
    public void EvaluateSenderDecidesAtMailFrom()
    {
        var early = Default.EvaluateSender(new PolicyEnvelope("x@yahoo.com", [], "vanthu", null, "submission"));
        Assert.That(early?.Rule, Is.EqualTo("sender-domain"), "staff submitting from an outside address are refused at MAIL FROM");
        Assert.That(early?.Action, Is.EqualTo(RuleActionKind.Reject));
        Assert.That(Default.EvaluateSender(new PolicyEnvelope("x@yahoo.com", [], null, null, "relay")), Is.Null,
            "on the MX an outside sender is judged once the message's documents are known");
        Assert.That(Default.EvaluateSender(new PolicyEnvelope("vanthu@stttt.hatinh.gov.vn", [])), Is.Null);
        Assert.That(Default.EvaluateSender(new PolicyEnvelope("vanthu@stttt.hatinh.gov.vn", ["a@gmail.com"])), Is.Null,
            "recipient-domain needs the message's classes, so it cannot decide early");
    }

    // ---- The MX is not a wall (issue 14 §9) ----

    private static PolicyEnvelope FromOutside(string mailFrom) =>
        new(mailFrom, ["vanthu@stttt.hatinh.gov.vn"], null, "203.0.113.7", "relay");

    [Test]
    public void ACitizensPlainLetterArrivesThroughTheMx()
    {
        var env = FromOutside("nguoi.dan@gmail.com");
        Assert.That(Default.EvaluateSender(env), Is.Null);
        var v = Evaluate(TestMessages.Message("nguoi.dan@gmail.com", "Đề nghị cấp giấy phép", "Kính gửi Sở, tôi xin hỏi về thủ tục ..."), env);
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
        Assert.That(v.Hits, Is.Empty);
    }

    [Test]
    public void AnOfficialDocumentFromOutsideThroughTheMxIsRefusedBySenderDomain()
    {
        var pdf = TestPdf.CreateSigned(Pki.Valid, TestDocuments.Invitation());
        var v = Evaluate(TestMessages.Message("nguoi.dan@gmail.com", "Giấy mời", "x", ("gm.pdf", "application/pdf", pdf)), FromOutside("nguoi.dan@gmail.com"));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject), Describe(v));
        Assert.That(v.Reasons.Select(r => r.Rule), Does.Contain("sender-domain"));
    }

    [TestCase("submission")]
    [TestCase("smtps")]
    public void StaffSubmittingAPlainLetterFromAnOutsideAddressAreRefused(string listener)
    {
        var env = new PolicyEnvelope("canbo@gmail.com", ["ban@gmail.com"], "canbo", "10.0.0.5", listener);
        Assert.That(Default.EvaluateSender(env)?.Rule, Is.EqualTo("sender-domain"));
        var v = Evaluate(TestMessages.Message("canbo@gmail.com", "Chào", "Thư thường."), env);
        Assert.That(v.Reasons.Select(r => r.Rule), Is.EqualTo(new[] { "sender-domain" }));
    }

    [Test]
    public void AForgedGovernmentHeaderFromOnTheMxWithAPlainLetterIsLeftToTheAccessChecks()
    {
        // A government envelope with a gmail header From on the MX: neither side carries a document, so
        // sender-domain stays out; refusing mail that claims the agency's own domains is Access:OwnDomains' job.
        var v = Evaluate(TestMessages.Message("nguoi.dan@gmail.com", "Chào", "x"), new PolicyEnvelope("vanthu@ubnd.hatinh.gov.vn", ["a@stttt.hatinh.gov.vn"], null, null, "relay"));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
    }

    [TestCase("MẬT")]
    [TestCase("TỐI MẬT")]
    [TestCase("TUYỆT MẬT")]
    public void SecretDocumentIsRejected(string stamp)
    {
        var pdf = TestPdf.CreateSigned(Pki.Valid, TestDocuments.Secret(stamp));
        var v = Evaluate(TestMessages.Message("Báo cáo", "Kính gửi.", ("bc.pdf", "application/pdf", pdf)));
        Assert.That(v.Attachments.Single().SecretMarking, Is.True);
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Select(r => r.Rule), Is.EqualTo(new[] { "secret" }));
        Assert.That(v.Reasons.Single().MessageVi, Does.Contain("bí mật nhà nước"));
    }

    [Test]
    public void PasswordWordIsNotASecretStamp()
    {
        var pdf = TestPdf.CreateSigned(Pki.Valid, [.. TestDocuments.Report(), "Mật khẩu tạm thời của hệ thống là ...", "Đề nghị giữ bí mật."]);
        var v = Evaluate(TestMessages.Message("Báo cáo", "Kính gửi.", ("bc.pdf", "application/pdf", pdf)));
        Assert.That(v.Attachments.Single().SecretMarking, Is.False);
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
    }

    [Test]
    public void SecretStampInBodyIsRejected()
    {
        var v = Evaluate(TestMessages.Message("Tài liệu", "TỐI MẬT\nNội dung tài liệu ..."));
        Assert.That(v.Reasons.Select(r => r.Rule), Does.Contain("secret"));
    }

    [Test]
    public void SecretStampDeepInALongBodyIsRejected()
    {
        // Only the first lines are read for classification; a stamp anywhere in the body still counts.
        var filler = string.Concat(Enumerable.Repeat("nội dung trao đổi công việc thông thường của cơ quan, không có gì đặc biệt.\n", 5000));
        var v = Evaluate(TestMessages.Message("Tài liệu", filler + "MẬT\n" + filler));
        Assert.That(v.Reasons.Select(r => r.Rule), Does.Contain("secret"));
        var clean = Evaluate(TestMessages.Message("Tài liệu", filler + "Đây là tài liệu mật của anh.\n" + filler));
        Assert.That(clean.Reasons.Select(r => r.Rule), Does.Not.Contain("secret"));
    }

    [Test]
    public void BodyInWindows1258IsDecodedInItsCharset()
    {
        // Windows-1258 writes "ố" as "ô" + a combining acute: the text must be decoded in that charset and NFC-normalised.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var cp1258 = System.Text.Encoding.GetEncoding(1258);
        var text = "S\u00F4\u0301: 45/GM-STTTT\nGI\u00C2\u0301Y M\u01A0\u0300I\n"; // "Số: 45/GM-STTTT", "GIẤY MỜI" as Windows-1258 spells them
        var message = TestMessages.Message("Thư", "x");
        var part = new MimeKit.TextPart("plain");
        part.ContentType.Charset = "windows-1258";
        part.Content = new MimeKit.MimeContent(new MemoryStream(cp1258.GetBytes(text)));
        part.ContentTransferEncoding = MimeKit.ContentEncoding.QuotedPrintable;
        message.Body = part;
        var v = Evaluate(message);
        Assert.That(v.Classes, Does.Contain(DocumentClass.Invitation));
    }

    [Test]
    public void ExecutableDisguisedAsPdfIsBlocked()
    {
        var v = Evaluate(TestMessages.Message("Báo cáo", "x", ("bao cao.pdf", "application/pdf", TestDocuments.PeExecutable())));
        Assert.That(v.Attachments.Single().DetectedType, Is.EqualTo("pe"));
        Assert.That(v.Attachments.Single().Blocked, Is.True);
        Assert.That(v.Reasons.Select(r => r.Rule), Does.Contain("blocked-attachment"));
    }

    [TestCase("bao cao.pdf.exe")]
    [TestCase("setup.msi")]
    [TestCase("chay.ps1")]
    [TestCase("mo.hta")]
    [TestCase("lien ket.lnk")]
    [TestCase("a.JS")]
    [TestCase("run.bat")]
    public void BlockedNamesAreRejected(string name)
    {
        var v = Evaluate(TestMessages.Message("Tài liệu", "x", (name, "application/octet-stream", "echo hi"u8.ToArray())));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Single().Rule, Is.EqualTo("blocked-attachment"));
        Assert.That(v.Reasons.Single().MessageEn, Does.Contain(name));
    }

    [Test]
    public void ExecutablesInsideNestedZipsAreFound()
    {
        var inner = TestDocuments.Zip(("x/setup.exe", TestDocuments.PeExecutable()));
        var outer = TestDocuments.Zip(("doc.txt", "Nội dung"u8.ToArray()), ("inner.zip", inner), ("tool", TestDocuments.Elf()));
        var v = Evaluate(TestMessages.Message("Tài liệu", "x", ("a.zip", "application/zip", outer)));
        var a = v.Attachments.Single();
        Assert.That(a.DetectedType, Is.EqualTo("zip"));
        Assert.That(a.Blocked, Is.True);
        Assert.That(a.Findings, Has.Some.Contains("a.zip/inner.zip/x/setup.exe"));
        Assert.That(a.Findings, Has.Some.Contains("a.zip/tool"));
        Assert.That(v.Reasons.Single().Rule, Is.EqualTo("blocked-attachment"));
    }

    [Test]
    public void ZipNestingBeyondTheDepthLimitIsBlocked()
    {
        var data = TestDocuments.Zip(("note.txt", "x"u8.ToArray()));
        for (var i = 0; i < 5; i++) data = TestDocuments.Zip(($"level{i}.zip", data));
        var v = Evaluate(TestMessages.Message("x", "y", ("deep.zip", "application/zip", data)));
        Assert.That(v.Attachments.Single().Blocked, Is.True);
        Assert.That(v.Attachments.Single().Findings, Has.Some.Contains("nested deeper"));
    }

    [Test]
    public void ZipBombIsStoppedBySizeLimit()
    {
        var policy = LoadPolicy(System.Text.Encoding.UTF8.GetString(PolicyLoader.DefaultPolicyBytes()).Replace("archive-max-total-size: 200MB", "archive-max-total-size: 1MB"));
        var big = new byte[2 * 1024 * 1024];
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, true))
        using (var s = zip.CreateEntry("zeros.bin", System.IO.Compression.CompressionLevel.Optimal).Open()) s.Write(big);
        Assert.That(stream.Length, Is.LessThan(100_000));
        var v = Evaluate(TestMessages.Message("x", "y", ("bomb.zip", "application/zip", stream.ToArray())), policy: policy);
        Assert.That(v.Attachments.Single().Blocked, Is.True);
        Assert.That(v.Attachments.Single().Findings, Has.Some.Contains("size limits"));
    }

    [Test]
    public void EncryptedArchiveIsReported()
    {
        var zip = TestDocuments.EncryptedZip(("bao-cao.pdf", TestPdf.Create("x")));
        var v = Evaluate(TestMessages.Message("x", "y", ("tai-lieu.zip", "application/zip", zip)));
        Assert.That(v.Attachments.Single().Encrypted, Is.True, Describe(v));
        Assert.That(v.Attachments.Single().Findings, Has.Some.Contains("encrypted"));
    }

    [Test]
    public void NamesOfEncryptedEntriesAreStillChecked()
    {
        var zip = TestDocuments.EncryptedZip(("setup.exe", TestDocuments.PeExecutable()));
        var v = Evaluate(TestMessages.Message("x", "y", ("a.zip", "application/zip", zip)));
        Assert.That(v.Attachments.Single().Blocked, Is.True, Describe(v));
    }

    [Test]
    public void OfficialDocumentToNonGovernmentRecipientIsRejected()
    {
        var v = Evaluate(TestMessages.Message("Giấy mời", "x", ("gm.pdf", "application/pdf", TestPdf.Create(TestDocuments.Invitation()))),
            TestMessages.Envelope("vanphong@ubnd.hatinh.gov.vn", "ban@gmail.com"));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Single().Rule, Is.EqualTo("recipient-domain"));
        Assert.That(v.Reasons.Single().MessageEn, Does.Contain("ban@gmail.com").And.Not.Contain("vanphong@"));
    }

    [Test]
    public void PhotosMayGoToAnyone()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', .. new byte[100]];
        var v = Evaluate(TestMessages.Message("Ảnh", "x", ("anh.png", "image/png", png)), TestMessages.Envelope("ban@gmail.com"));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
    }

    [TestCase("report")]
    [TestCase("notice")]
    [TestCase("work-document")]
    [TestCase("cong-van")]
    public void UnsignedReportNoticeOrWorkDocumentIsRejected(string kind)
    {
        var lines = kind switch
        {
            "report" => TestDocuments.Report(),
            "notice" => TestDocuments.Notice(),
            "work-document" => TestDocuments.ToTrinh(),
            _ => TestDocuments.CongVan(),
        };
        var v = Evaluate(TestMessages.Message("Văn bản", "x", ("vb.pdf", "application/pdf", TestPdf.Create(lines))));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject), Describe(v));
        Assert.That(v.Reasons.Single().Rule, Is.EqualTo("signature"));
        Assert.That(v.Reasons.Single().MessageVi, Does.Contain("vb.pdf"));
    }

    [Test]
    public void EverySuchDocumentMustBeSigned()
    {
        var v = Evaluate(TestMessages.Message("Văn bản", "x", SignedReport(),
            ("tb.pdf", "application/pdf", TestPdf.Create(TestDocuments.Notice()))));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Single().MessageEn, Does.Contain("tb.pdf").And.Not.Contain("bao-cao.pdf"));
    }

    [Test]
    public void SignedReportPlusPhotoIsAccepted()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, .. new byte[100]];
        var v = Evaluate(TestMessages.Message("Báo cáo", "x", SignedReport(), ("anh.jpg", "image/jpeg", jpeg)));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
        Assert.That(v.HeadersToAdd, Is.Empty);
        Assert.That(v.SubjectTag, Is.Null);
    }

    [Test]
    public void UnsignedInvitationIsAcceptedAndTagged()
    {
        var v = Evaluate(TestMessages.Message("Giấy mời họp", "x",
            ("gm.pdf", "application/pdf", TestPdf.Create(TestDocuments.Invitation())),
            ("tl.docx", "application/octet-stream", TestDocuments.Docx(TestDocuments.MeetingDocument()))));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
        Assert.That(v.Hits.Select(h => h.Rule), Is.EqualTo(new[] { "unsigned-invitation" }));
        Assert.That(v.HeadersToAdd, Is.EqualTo(new[] { new KeyValuePair<string, string>("X-GovVN-Signature", "unsigned") }));
        Assert.That(v.SubjectTag, Is.Null, "the default tags with a header only, so the original bytes (and DKIM) stay intact");
        Assert.That(v.Reasons, Is.Empty);
    }

    [Test]
    public void SignedInvitationIsNotTagged()
    {
        var v = Evaluate(TestMessages.Message("Giấy mời", "x", ("gm.pdf", "application/pdf", TestPdf.CreateSigned(Pki.Valid, TestDocuments.Invitation()))));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept));
        Assert.That(v.Hits, Is.Empty);
    }

    [Test]
    public void SeveralProblemsAreAllReported()
    {
        var env = TestMessages.Envelope("ban@gmail.com") with { MailFrom = "x@gmail.com" };
        var v = Evaluate(TestMessages.Message("x@gmail.com", "Báo cáo", "x", ("bc.pdf", "application/pdf", TestPdf.Create(TestDocuments.Report()))), env);
        Assert.That(v.Reasons.Select(r => r.Rule), Is.EqualTo(new[] { "sender-domain", "recipient-domain", "signature" }));
    }

    [Test]
    public void VerdictCarriesMessageFacts()
    {
        var message = TestMessages.Message("Giấy mời", "x");
        var v = Evaluate(message);
        Assert.That(v.Subject, Is.EqualTo("Giấy mời"));
        Assert.That(v.MessageId, Is.EqualTo(message.MessageId));
        Assert.That(v.PolicyVersion, Is.EqualTo(Default.Version));
    }

    [Test]
    public void GarbageInputGivesAClearRejectNotACrash()
    {
        using var stream = new MemoryStream([]);
        var v = Default.Evaluate(stream, TestMessages.Envelope());
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Single().Rule, Is.EqualTo(Policy.MalformedRule));
    }

    [Test]
    public void PolicyIsSafeForConcurrentUse()
    {
        var bytes = TestMessages.Bytes(TestMessages.Message("Báo cáo", "x", SignedReport()));
        var results = new System.Collections.Concurrent.ConcurrentBag<Decision>();
        Parallel.For(0, 16, _ =>
        {
            using var stream = new MemoryStream(bytes);
            results.Add(Default.Evaluate(stream, TestMessages.Envelope()).Decision);
        });
        Assert.That(results, Has.Count.EqualTo(16).And.All.EqualTo(Decision.Accept));
    }
}
