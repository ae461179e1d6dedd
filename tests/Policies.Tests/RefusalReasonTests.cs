using GovGateway.Policies.Tests.Fixtures;

namespace GovGateway.Policies.Tests;

/// <summary>
/// A refusal tells the sender, per document and in both languages, what is wrong, and never passes on a library's
/// exception text or calls a damaged document a program.
/// </summary>
public sealed class RefusalReasonTests : PolicyFixture
{
    private static RuleHit Reason(Verdict v, string rule) => v.Reasons.Single(r => r.Rule == rule);

    [Test]
    public void A_signature_refusal_says_per_document_what_is_wrong_in_both_languages()
    {
        var report = TestDocuments.Report();
        var v = Evaluate(TestMessages.Message("Báo cáo quý I", "Kính gửi Văn phòng UBND tỉnh.",
            ("bao-cao-1.pdf", "application/pdf", TestPdf.Create(report)),
            ("bao-cao-2.pdf", "application/pdf", TestPdf.CreateSigned(Pki.Expired, report)),
            ("bao-cao-3.pdf", "application/pdf", TestPdf.AppendIncrementalUpdate(TestPdf.CreateSigned(Pki.Valid, report))),
            ("bao-cao-4.pdf", "application/pdf", TestPdf.CreateSigned(Pki.Impostor, report, extraCertificates: [Pki.ImpostorRoot.Certificate])),
            ("bao-cao-5.pdf", "application/pdf", TestPdf.CreateSigned(Pki.Revoked, report)),
            ("bao-cao-6.pdf", "application/pdf", TestPdf.CreateSigned(Pki.Valid, report))));

        Assert.That(v.Decision, Is.EqualTo(Decision.Reject), Describe(v));
        var hit = Reason(v, "signature");
        Assert.That(hit.MessageEn, Does.Contain(
            "(bao-cao-1.pdf: no digital signature, " +
            "bao-cao-2.pdf: the signing certificate has expired, " +
            "bao-cao-3.pdf: the signature is not valid, the document was changed after signing or the signature is damaged, " +
            "bao-cao-4.pdf: the signing certificate's issuer is not trusted, " +
            "bao-cao-5.pdf: the signing certificate has been revoked)"), hit.MessageEn);
        Assert.That(hit.MessageVi, Does.Contain(
            "(bao-cao-1.pdf: không có chữ ký số, " +
            "bao-cao-2.pdf: chứng thư số đã hết hạn, " +
            "bao-cao-3.pdf: chữ ký không hợp lệ, văn bản đã bị thay đổi sau khi ký hoặc chữ ký bị hỏng, " +
            "bao-cao-4.pdf: chứng thư số không do tổ chức được tin cậy cấp, " +
            "bao-cao-5.pdf: chứng thư số đã bị thu hồi)"), hit.MessageVi);
        Assert.That((hit.MessageVi + hit.MessageEn).IndexOf('\u001F'), Is.EqualTo(-1), "no separator left"); // NUnit's Contain ignores control characters
        Assert.That(hit.MessageVi + hit.MessageEn, Does.Not.Contain("bao-cao-6.pdf"), "the validly signed one is fine");
    }

    [Test]
    public void An_smime_signature_by_someone_else_is_named_as_such()
    {
        var message = TestMessages.Message("Báo cáo quý I", "Kính gửi Văn phòng UBND tỉnh.",
            ("bao-cao.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", TestDocuments.Docx(TestDocuments.Report())));
        var v = Evaluate(TestMessages.SignDetached(message, Pki.OtherSigner));
        var hit = Reason(v, "signature");
        Assert.That(hit.MessageEn, Does.Contain("S/MIME: the signer is not the sender, bao-cao.docx: no digital signature"), hit.MessageEn);
        Assert.That(hit.MessageVi, Does.Contain("S/MIME: người ký không phải người gửi, bao-cao.docx: không có chữ ký số"), hit.MessageVi);
    }

    [Test]
    public void A_damaged_office_file_is_called_damaged_without_the_librarys_words()
    {
        var docx = TestDocuments.Docx(TestDocuments.Report());
        var damaged = docx[..(docx.Length / 2)]; // cut in the middle: the zip's central directory is gone
        var v = Evaluate(TestMessages.Message("Báo cáo", "Kính gửi.",
            ("bao-cao.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", damaged)));

        Assert.That(v.Decision, Is.Not.EqualTo(Decision.Accept), "a file the gateway cannot read is not let through: " + Describe(v));
        var hit = Reason(v, "blocked-attachment");
        Assert.That(hit.MessageEn, Does.Contain("bao-cao.docx: the file is damaged or unreadable"), hit.MessageEn);
        Assert.That(hit.MessageVi, Does.Contain("bao-cao.docx: tệp bị hỏng hoặc không đọc được"), hit.MessageVi);
        Assert.That(hit.MessageVi + hit.MessageEn, Does.Not.Contain("program").And.Not.Contain("chương trình"));
        // Whatever SharpCompress said (e.g. "Unexpected end of stream", "central directory") stays out.
        Assert.That(hit.MessageEn, Does.Not.Match("(?i)stream|directory|exception|header|signature not found"), hit.MessageEn);
        Assert.That(v.Attachments.Single().Findings, Is.EqualTo(new[] { "damaged or unreadable file: bao-cao.docx" }));
    }

    [Test]
    public void A_program_is_still_called_a_program()
    {
        var v = Evaluate(TestMessages.Message("Tài liệu", "Kính gửi.",
            ("tai-lieu.zip", "application/zip", TestDocuments.Zip(("setup.exe", TestDocuments.PeExecutable())))));
        var hit = Reason(v, "blocked-attachment");
        Assert.That(hit.MessageEn, Does.Contain("tai-lieu.zip/setup.exe: a program or script (pe)"), hit.MessageEn);
        Assert.That(hit.MessageVi, Does.Contain("tai-lieu.zip/setup.exe: chương trình hoặc mã lệnh (pe)"), hit.MessageVi);
    }
}
