using System.Text;
using GovGateway.Policies.Tests.Fixtures;

namespace GovGateway.Policies.Tests;

/// <summary>
/// What a document's Decree 30 layout says: cover notes are not documents, urgency marks, the metadata under edXML
/// names, and the other formats (edXML packages, scanned PDFs).
/// </summary>
public sealed class DocumentLayoutTests : PolicyFixture
{
    private static readonly string[] SignedInvitation =
    [
        "UBND TỈNH HÀ TĨNH", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 45/GM-STTTT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Tĩnh, ngày 10 tháng 3 năm 2025",
        "HỎA TỐC",
        "GIẤY MỜI", "Họp triển khai chuyển đổi số", "Kính gửi: Các phòng chuyên môn; Trung tâm CNTT",
        "Sở Thông tin và Truyền thông trân trọng kính mời dự họp.",
        "Nơi nhận:", "- Như trên;", "- Giám đốc Sở (b/c);", "- Lưu: VT, CĐS.",
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An",
    ];

    /// <summary>The case: the note names the attached report; the report's valid PDF signature is what counts.</summary>
    [Test]
    public void ACoverNoteNamingTheReportIsNotAnUnsignedReport()
    {
        var pdf = TestPdf.CreateSigned(Pki.Valid, ["SỞ VĂN HÓA VÀ THỂ THAO", "Số: 07/BC-VHTT", "BÁO CÁO", "Kết quả công tác quý I"]);
        var v = Evaluate(TestMessages.Message("Gửi Báo cáo số 07/BC-VHTT",
            "Kính gửi Văn phòng UBND tỉnh,\r\nPhòng gửi Báo cáo số 07/BC-VHTT đã ký số.\r\nTrân trọng.",
            ("07-BC-VHTT.pdf", "application/pdf", pdf)));
        Assert.Multiple(() =>
        {
            Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
            Assert.That(v.Hits.Select(h => h.Rule), Does.Not.Contain("signature"));
            Assert.That(v.Attachments.Single().Class, Is.EqualTo(DocumentClass.Report));
            Assert.That(v.BodyMetadata, Is.Null, "the body is a cover note");
        });
    }

    [Test]
    public void ACoverNoteWithTheSymbolOnALineOfItsOwnButNoHeadingIsStillACoverNote()
    {
        var v = Evaluate(TestMessages.Message("Gửi văn bản", "Kính gửi anh chị,\r\nSố: 07/BC-VHTT\r\nxin gửi kèm để biết.",
            ("07.pdf", "application/pdf", TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report()))));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
    }

    [Test]
    public void ADocumentTypedIntoTheBodyStillCounts()
    {
        var body = string.Join("\r\n", "SỞ VĂN HÓA VÀ THỂ THAO", "Số: 07/BC-VHTT", "Hà Tĩnh, ngày 5 tháng 4 năm 2025", "BÁO CÁO",
            "Kết quả công tác quý I", "Nơi nhận:", "- UBND tỉnh;", "- Lưu: VT.", "GIÁM ĐỐC", "Lê Thị Hoa");
        var v = Evaluate(TestMessages.Message("Báo cáo", body));
        Assert.Multiple(() =>
        {
            Assert.That(v.Classes, Does.Contain(DocumentClass.Report), Describe(v));
            Assert.That(v.Decision, Is.Not.EqualTo(Decision.Accept), "an unsigned report typed into the mail");
            Assert.That(v.Reasons.Select(r => r.Rule), Does.Contain("signature"));
            Assert.That(v.BodyMetadata?.CodeNumber, Is.EqualTo("07"));
            Assert.That(v.BodyMetadata?.SignerPosition, Is.EqualTo("GIÁM ĐỐC"));
            Assert.That(v.BodyMetadata?.SignerFullName, Is.EqualTo("Lê Thị Hoa"));
            Assert.That(v.BodyMetadata?.Recipients, Is.EqualTo(new[] { "UBND tỉnh" }));
        });
    }

    [Test]
    public void Decree30MetadataIsReadFromTheLayout()
    {
        var v = Evaluate(TestMessages.Message("Giấy mời họp", "Kính gửi.", ("gm45.docx", "application/octet-stream", TestDocuments.Docx(SignedInvitation))));
        var m = v.Attachments.Single().Metadata!;
        Assert.Multiple(() =>
        {
            Assert.That(m.CodeNumber, Is.EqualTo("45"));
            Assert.That(m.CodeNotation, Is.EqualTo("GM-STTTT"));
            Assert.That(m.DocumentType, Is.EqualTo("GIẤY MỜI"));
            Assert.That(m.OrganName, Is.EqualTo("SỞ THÔNG TIN VÀ TRUYỀN THÔNG"));
            Assert.That(m.ParentOrganName, Is.EqualTo("UBND TỈNH HÀ TĨNH"));
            Assert.That(m.PromulgationPlace, Is.EqualTo("Hà Tĩnh"));
            Assert.That(m.PromulgationDate, Is.EqualTo("2025-03-10"));
            Assert.That(m.Subject, Is.EqualTo("Họp triển khai chuyển đổi số"));
            Assert.That(m.SignerCompetence, Is.EqualTo("KT. GIÁM ĐỐC"));
            Assert.That(m.SignerPosition, Is.EqualTo("PHÓ GIÁM ĐỐC"));
            Assert.That(m.SignerFullName, Is.EqualTo("Nguyễn Văn An"));
            Assert.That(m.Priority, Is.EqualTo(Urgency.HoaToc));
            Assert.That(m.Recipients, Is.EqualTo(new[] { "Các phòng chuyên môn", "Trung tâm CNTT", "Như trên", "Giám đốc Sở (b/c)" }));
        });
    }

    [Test]
    public void TheSignersCertificateNameIsKeptBesideTheLayoutsName()
    {
        var pdf = TestPdf.CreateSigned(Pki.Valid, SignedInvitation);
        var v = Evaluate(TestMessages.Message("Giấy mời", "Kính gửi.", ("gm45.pdf", "application/pdf", pdf)));
        var m = v.Attachments.Single().Metadata!;
        Assert.That(m.SignerCertificate, Is.Not.Null.And.Not.Empty, Describe(v));
        Assert.That(Pki.Valid.Certificate.SubjectDN.ToString(), Does.Contain(m.SignerCertificate!));
    }

    [TestCase("HỎA TỐC", Urgency.HoaToc)]
    [TestCase("HỎA TỐC HẸN GIỜ", Urgency.HoaTocHenGio)]
    [TestCase("THƯỢNG KHẨN", Urgency.ThuongKhan)]
    [TestCase("KHẨN", Urgency.Khan)]
    [TestCase("MẬT - KHẨN", Urgency.Khan)]
    public void UrgencyMarksAreRead(string mark, Urgency expected)
    {
        var lines = new[] { "VĂN PHÒNG CHÍNH PHỦ", "Số: 56/CĐ-VPCP", mark, "CÔNG ĐIỆN", "Về việc ứng phó bão số 3" };
        var v = Evaluate(TestMessages.Message("Công điện", "Kính gửi.", ("cd56.pdf", "application/pdf", TestPdf.Create(lines))));
        Assert.That(v.Attachments.Single().Urgency, Is.EqualTo(expected), Describe(v));
        Assert.That(v.Urgency, Is.EqualTo(expected));
    }

    [Test]
    public void UrgencyWordsInsideASentenceAreNotAMark()
    {
        var lines = new[] { "VĂN PHÒNG CHÍNH PHỦ", "Số: 56/TB-VPCP", "THÔNG BÁO", "Đề nghị khẩn trương triển khai, hỏa tốc báo cáo kết quả" };
        var v = Evaluate(TestMessages.Message("Thông báo", "Kính gửi.", ("tb56.pdf", "application/pdf", TestPdf.Create(lines))));
        Assert.That(v.Urgency, Is.EqualTo(Urgency.None), Describe(v));
    }

    [Test]
    public void UrgencyConditionMatchesTheMessagesHighestMark()
    {
        var policy = LoadPolicy("""
            version: 1
            domains: { government: ["*.gov.vn"] }
            rules:
              - name: hoa-toc
                when: { urgency: [hoa-toc, hoa-toc-hen-gio] }
                action: accept
                add-header: { X-Test-Urgent: "yes" }
                message: { vi: "Hỏa tốc", en: "Most urgent" }
              - name: any-urgent
                when: { urgency: urgent }
                tag-subject: "[KHẨN]"
            """);
        var hoaToc = TestPdf.Create("HỎA TỐC", "Số: 3/GM-UBND", "GIẤY MỜI");
        var khan = TestPdf.Create("KHẨN", "Số: 4/GM-UBND", "GIẤY MỜI");
        var v1 = Evaluate(TestMessages.Message("Giấy mời", "Kính gửi.", ("a.pdf", "application/pdf", hoaToc)), policy: policy);
        var v2 = Evaluate(TestMessages.Message("Giấy mời", "Kính gửi.", ("b.pdf", "application/pdf", khan)), policy: policy);
        var v3 = Evaluate(TestMessages.Message("Giấy mời", "Kính gửi.", ("c.pdf", "application/pdf", TestPdf.Create("Số: 5/GM-UBND", "GIẤY MỜI"))), policy: policy);
        Assert.Multiple(() =>
        {
            Assert.That(v1.Hits.Select(h => h.Rule), Is.EqualTo(new[] { "hoa-toc", "any-urgent" }));
            Assert.That(v1.HeadersToAdd, Does.Contain(new KeyValuePair<string, string>("X-Test-Urgent", "yes")));
            Assert.That(v2.Hits.Select(h => h.Rule), Is.EqualTo(new[] { "any-urgent" }));
            Assert.That(v2.SubjectTag, Is.EqualTo("[KHẨN]"));
            Assert.That(v3.Hits, Is.Empty);
        });
    }

    [Test]
    public void AMistypedUrgencyIsAPolicyError()
    {
        var dir = Pki.WriteConfig("""
            version: 1
            domains: { government: ["*.gov.vn"] }
            rules:
              - name: r
                when: { urgency: [hoa-tok] }
                action: accept
                message: { vi: "x", en: "x" }
            """);
        var result = PolicyLoader.Load(dir);
        Assert.That(result.Policy, Is.Null);
        Assert.That(string.Join("\n", result.Errors), Does.Contain("unknown urgency 'hoa-tok'").And.Contain("hoa-toc"));
    }

    [Test]
    public void AnAttachedEdxmlPackageIsClassifiedByItsHeader()
    {
        var package = LegacyDocuments.Edxml("07", "BC-SVHTT", "Báo cáo", priority: 3, subject: "Kết quả công tác quý I");
        var v = Evaluate(TestMessages.Message("Văn bản điện tử", "Kính gửi.", ("vanban.edxml", "application/xml", package)));
        var a = v.Attachments.Single();
        Assert.Multiple(() =>
        {
            Assert.That(a.Class, Is.EqualTo(DocumentClass.Report), Describe(v));
            Assert.That(a.ClassifiedBy, Is.EqualTo("edxml"));
            Assert.That(a.DocumentSymbol, Is.EqualTo("07/BC-SVHTT"));
            Assert.That(a.Urgency, Is.EqualTo(Urgency.HoaToc));
            Assert.That(a.Metadata?.OrganName, Is.EqualTo("Sở Văn hóa và Thể thao"));
            Assert.That(a.Metadata?.PromulgationDate, Is.EqualTo("2025-04-05"));
            Assert.That(a.Metadata?.SignerFullName, Is.EqualTo("Trần Văn Bình"));
            Assert.That(a.Metadata?.Recipients, Is.EqualTo(new[] { "UBND tỉnh Hà Tĩnh" }));
            Assert.That(v.Urgency, Is.EqualTo(Urgency.HoaToc));
            Assert.That(v.Reasons.Select(r => r.Rule), Does.Contain("signature"), "a report in a package is still an unsigned report");
        });
    }

    [Test]
    public void ABrokenEdxmlPackageIsUnreadableNotOther()
    {
        var broken = Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><edXML:edXMLEnvelope xmlns:edXML=\"x\"><edXML:edXMLHeader><edXML:MessageHeader><oops>");
        var v = Evaluate(TestMessages.Message("Văn bản", "Kính gửi.", ("vb.edxml", "application/xml", broken)));
        Assert.That(v.Attachments.Single().Unreadable, Is.True, Describe(v));
    }

    [Test]
    public void AScannedPdfIsMarkedAndClassifiedByItsName()
    {
        var v = Evaluate(TestMessages.Message("Gửi văn bản", "Kính gửi.", ("giay-moi-hop-45.pdf", "application/pdf", LegacyDocuments.ScannedPdf())));
        var a = v.Attachments.Single();
        Assert.Multiple(() =>
        {
            Assert.That(a.Scanned, Is.True, Describe(v));
            Assert.That(a.Class, Is.EqualTo(DocumentClass.Invitation));
            Assert.That(a.ClassifiedBy, Is.EqualTo("filename"));
            Assert.That(a.Findings, Has.Some.StartsWith("scanned"));
        });
    }

    [Test]
    public void AnOdtIsReadForItsText()
    {
        var odt = LegacyDocuments.Odt(TestDocuments.Notice());
        var v = Evaluate(TestMessages.Message("Văn bản", "Kính gửi.", ("tb.odt", "application/vnd.oasis.opendocument.text", odt)));
        Assert.That(v.Attachments.Single().Class, Is.EqualTo(DocumentClass.Notice), Describe(v));
        Assert.That(v.Attachments.Single().Metadata?.CodeNotation, Is.EqualTo("TB-VPCP"));
    }
}
