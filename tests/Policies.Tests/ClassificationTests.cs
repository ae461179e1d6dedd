using System.Text;
using GovGateway.Policies.Classification;
using GovGateway.Policies.Configuration;
using GovGateway.Policies.Domains;
using GovGateway.Policies.Tests.Fixtures;
using GovGateway.Policies.Text;
using MimeKit;

namespace GovGateway.Policies.Tests;

public sealed class TextAndDomainTests
{
    [Test]
    public void FoldingIgnoresCaseDiacriticsAndNormalizationForm()
    {
        var nfc = "GIẤY MỜI Đoàn".Normalize(NormalizationForm.FormC);
        var nfd = "giấy mời đoàn".Normalize(NormalizationForm.FormD);
        Assert.That(VietnameseText.Fold(nfc), Is.EqualTo("giay moi doan"));
        Assert.That(VietnameseText.Fold(nfd), Is.EqualTo(VietnameseText.Fold(nfc)));
    }

    [TestCase("hatinh.gov.vn", true)]
    [TestCase("stttt.hatinh.gov.vn", true)]
    [TestCase("vanthu@STTTT.HaTinh.GOV.VN", true)]
    [TestCase("<a@gov.vn>", true)]
    [TestCase("hatinh-gov.vn", false)]
    [TestCase("hatinh.gov.vn.example.com", false)]
    [TestCase("xgov.vn", false)]
    [TestCase("someone@gmail.com", false)]
    [TestCase("", false)]
    [TestCase("sởtttt.hàtĩnh.gov.vn", true)]
    public void GovernmentDomainsMatchWholeLabels(string input, bool expected)
    {
        var matcher = new DomainMatcher(["gov.vn"]);
        Assert.That(matcher.Matches(input), Is.EqualTo(expected));
    }

    [Test]
    public void IdnSuffixMatchesItsPunycodeForm()
    {
        var matcher = new DomainMatcher(["bộ.vn"]);
        var ascii = new System.Globalization.IdnMapping().GetAscii("bộ.vn");
        Assert.That(matcher.Matches("x@sở." + ascii), Is.True);
        Assert.That(matcher.Matches("x@sở.BỘ.vn"), Is.True);
    }
}

public sealed class ClassifierTests
{
    private static readonly DocumentClassifier Classifier = new(
        new PolicySettings(new DomainMatcher(["gov.vn"]), PolicySettings.DefaultClasses, PolicySettings.DefaultSecretStamps,
            PolicySettings.DefaultUrgencyMarks, new HashSet<string>(), new HashSet<string>(), ArchiveLimits.Default));

    [TestCase("Số: 45/GM-STTTT", DocumentClass.Invitation, "45/GM-STTTT")]
    [TestCase("Số: 56/TB-VPCP", DocumentClass.Notice, "56/TB-VPCP")]
    [TestCase("Số: 112/BC-STTTT", DocumentClass.Report, "112/BC-STTTT")]
    [TestCase("Số: 23/TTr-STTTT", DocumentClass.WorkDocument, "23/TTr-STTTT")]
    [TestCase("Số: 15/QĐ-BNV", DocumentClass.WorkDocument, "15/QĐ-BNV")]
    [TestCase("Số: 09/KH-UBND", DocumentClass.WorkDocument, "09/KH-UBND")]
    [TestCase("Số: 1520/STTTT-CĐS", DocumentClass.WorkDocument, "1520/STTTT-CĐS")]
    [TestCase("SỐ: 05/BNV-VP", DocumentClass.WorkDocument, "05/BNV-VP")]
    [TestCase("Số 12/2020/NĐ-CP", DocumentClass.WorkDocument, "12/2020/NĐ-CP")]
    public void SymbolLineDecides(string line, DocumentClass expected, string symbol)
    {
        var result = Classifier.Classify(["UBND TỈNH HÀ TĨNH", line, "Nội dung"], "tai-lieu.pdf", null, true);
        Assert.That(result.Class, Is.EqualTo(expected));
        Assert.That(result.ClassifiedBy, Is.EqualTo("content-symbol"));
        Assert.That(result.Symbol, Is.EqualTo(symbol));
    }

    [Test]
    public void SymbolLineMatchesInNfdToo()
    {
        var result = Classifier.Classify(["Số: 45/GM-STTTT".Normalize(NormalizationForm.FormD)], "x.pdf", null, true);
        Assert.That(result.Class, Is.EqualTo(DocumentClass.Invitation));
    }

    [TestCase("GIẤY MỜI", DocumentClass.Invitation)]
    [TestCase("THÔNG BÁO KẾT LUẬN", DocumentClass.Notice)]
    [TestCase("BÁO CÁO", DocumentClass.Report)]
    [TestCase("TÀI LIỆU PHỤC VỤ CUỘC HỌP", DocumentClass.MeetingDocument)]
    [TestCase("DỰ THẢO", DocumentClass.MeetingDocument)]
    [TestCase("TỜ TRÌNH", DocumentClass.WorkDocument)]
    [TestCase("KẾ HOẠCH", DocumentClass.WorkDocument)]
    public void TypeHeadingDecides(string heading, DocumentClass expected)
    {
        var result = Classifier.Classify(["SỞ THÔNG TIN VÀ TRUYỀN THÔNG", heading, "Về việc tổ chức"], "file.pdf", null, true);
        Assert.That(result.Class, Is.EqualTo(expected));
        Assert.That(result.ClassifiedBy, Is.EqualTo("content-heading"));
    }

    [Test]
    public void HeadingInOrdinaryTextIsNotAHeading()
    {
        var result = Classifier.Classify(["Chúng tôi gửi báo cáo này để anh chị xem"], "anh.pdf", null, true);
        Assert.That(result.Class, Is.EqualTo(DocumentClass.Other));
    }

    [Test]
    public void ContentBeatsMisleadingFileNameAndSubject()
    {
        var result = Classifier.Classify(TestDocuments.Report(), "Giay moi hop.pdf", "Re: Giấy mời", true);
        Assert.That(result.Class, Is.EqualTo(DocumentClass.Report));
    }

    [TestCase("Giấy mời họp giao ban.doc", DocumentClass.Invitation)]
    [TestCase("GIAY_MOI_hop.pdf", DocumentClass.Invitation)]
    [TestCase("45-GM-STTTT.pdf", DocumentClass.Invitation)]
    [TestCase("baocao_quy1.doc", DocumentClass.Report)]
    [TestCase("BC 112 STTTT.pdf", DocumentClass.Report)]
    [TestCase("Thông báo kết luận.pdf", DocumentClass.Notice)]
    [TestCase("Tài liệu họp HĐND.pdf", DocumentClass.MeetingDocument)]
    [TestCase("Công văn 1520.doc", DocumentClass.WorkDocument)]
    [TestCase("To trinh phe duyet.pdf", DocumentClass.WorkDocument)]
    public void FileNameIsUsedWhenThereIsNoText(string name, DocumentClass expected)
    {
        var result = Classifier.Classify([], name, null, true);
        Assert.That(result.Class, Is.EqualTo(expected));
        Assert.That(result.ClassifiedBy, Is.EqualTo("filename"));
    }

    [Test]
    public void SubjectIsTheLastResort()
    {
        var result = Classifier.Classify([], "scan0001.pdf", "Fwd: Giấy mời dự hội nghị", true);
        Assert.That(result.Class, Is.EqualTo(DocumentClass.Invitation));
        Assert.That(result.ClassifiedBy, Is.EqualTo("subject"));
    }

    [TestCase("MẬT", true)]
    [TestCase("TỐI MẬT", true)]
    [TestCase("TUYỆT MẬT", true)]
    [TestCase("HỎA TỐC - MẬT", true)]
    [TestCase("  MẬT  ", true)]
    [TestCase("mật khẩu của hệ thống", false)]
    [TestCase("Giữ bí mật thông tin", false)]
    [TestCase("BẢO VỆ BÍ MẬT NHÀ NƯỚC", false)]
    [TestCase("Mật", false)]
    [TestCase("KHẨN", false)]
    public void SecretStampMustStandAlone(string line, bool expected)
    {
        Assert.That(Classifier.HasSecretStamp(["UBND TỈNH", line, "Nội dung"]), Is.EqualTo(expected));
    }
}

public sealed class MessageClassificationTests : PolicyFixture
{
    [Test]
    public void PdfDocxOdtAndTextAreReadForContent()
    {
        var v = Evaluate(TestMessages.Message("Gửi văn bản", "Kính gửi.",
            ("a.pdf", "application/pdf", TestPdf.Create(TestDocuments.Invitation())),
            ("b.docx", "application/octet-stream", TestDocuments.Docx(TestDocuments.MeetingDocument())),
            ("c.txt", "text/plain", Encoding.UTF8.GetBytes(string.Join("\n", TestDocuments.Invitation("46"))))));
        Assert.Multiple(() =>
        {
            Assert.That(v.Attachments.Select(a => a.DetectedType), Is.EqualTo(new[] { "pdf", "docx", "text" }));
            Assert.That(v.Attachments.Select(a => a.Class), Is.EqualTo(new[] { DocumentClass.Invitation, DocumentClass.MeetingDocument, DocumentClass.Invitation }));
            Assert.That(v.Attachments[0].DocumentSymbol, Is.EqualTo("45/GM-STTTT"));
            Assert.That(v.Attachments[1].ClassifiedBy, Is.EqualTo("content-heading"));
            Assert.That(v.Classes, Is.EquivalentTo(new[] { DocumentClass.Invitation, DocumentClass.MeetingDocument }));
            Assert.That(v.Attachments[0].Sha256, Has.Length.EqualTo(64));
            Assert.That(v.Attachments[0].ContentType, Is.EqualTo("application/pdf"));
        });
    }

    [Test]
    public void OdtTextIsExtracted()
    {
        var content = """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
            <office:body><office:text><text:p>SỞ TTTT</text:p><text:p>Số: 56/TB-STTTT</text:p><text:p>THÔNG BÁO</text:p></office:text></office:body></office:document-content>
            """;
        var odt = TestDocuments.Zip(("mimetype", Encoding.ASCII.GetBytes("application/vnd.oasis.opendocument.text")), ("content.xml", Encoding.UTF8.GetBytes(content)));
        var v = Evaluate(TestMessages.Message("x", "y", ("tb.odt", "application/vnd.oasis.opendocument.text", odt)));
        Assert.That(v.Attachments.Single().DetectedType, Is.EqualTo("odt"));
        Assert.That(v.Attachments.Single().Class, Is.EqualTo(DocumentClass.Notice));
        Assert.That(v.Attachments.Single().DocumentSymbol, Is.EqualTo("56/TB-STTTT"));
    }

    [Test]
    public void PhotosAreOther()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, .. new byte[200]];
        var v = Evaluate(TestMessages.Message("Ảnh hội nghị", "Gửi anh chị ảnh.", ("IMG_0001.jpg", "image/jpeg", jpeg)));
        Assert.That(v.Attachments.Single().Class, Is.EqualTo(DocumentClass.Other));
        Assert.That(v.Attachments.Single().DetectedType, Is.EqualTo("jpeg"));
        Assert.That(v.Classes, Is.EquivalentTo(new[] { DocumentClass.Other }));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept));
    }

    [Test]
    public void LegacyDocIsClassifiedByName()
    {
        byte[] ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[500]];
        var v = Evaluate(TestMessages.Message("x", "y", ("Giấy mời họp.doc", "application/msword", ole)));
        Assert.That(v.Attachments.Single().DetectedType, Is.EqualTo("ole"));
        Assert.That(v.Attachments.Single().Class, Is.EqualTo(DocumentClass.Invitation));
        Assert.That(v.Attachments.Single().ClassifiedBy, Is.EqualTo("filename"));
    }

    [Test]
    public void CalendarRequestInBodyIsAnInvitation()
    {
        var ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:1@hatinh.gov.vn\r\nSUMMARY:Họp giao ban\r\nDTSTART:20250310T080000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        var message = TestMessages.Message("Họp giao ban", "Mời anh chị dự họp.");
        var alternative = new MultipartAlternative { new TextPart("plain") { Text = "Mời họp" }, new TextPart("calendar") { Text = ics } };
        ((TextPart)alternative[1]).ContentType.Parameters.Add("method", "REQUEST");
        message.Body = alternative;
        var v = Evaluate(message);
        Assert.That(v.Classes, Is.EquivalentTo(new[] { DocumentClass.Invitation }));
        Assert.That(v.Attachments.Single().ClassifiedBy, Is.EqualTo("calendar"));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept));
        Assert.That(v.HeadersToAdd, Does.Contain(new KeyValuePair<string, string>("X-GovVN-Signature", "unsigned")));
    }

    [Test]
    public void IcsAttachmentIsAnInvitation()
    {
        var ics = Encoding.UTF8.GetBytes("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Hop\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        var v = Evaluate(TestMessages.Message("Lịch họp", "x", ("invite.ics", "application/octet-stream", ics)));
        Assert.That(v.Attachments.Single().Class, Is.EqualTo(DocumentClass.Invitation));
    }

    [TestCase(ParameterEncodingMethod.Rfc2231)]
    [TestCase(ParameterEncodingMethod.Rfc2047)]
    public void EncodedFileNamesAreDecodedExactly(ParameterEncodingMethod method)
    {
        var name = "Giấy mời họp giao ban (lần 2).pdf".Normalize(NormalizationForm.FormD);
        var message = TestMessages.Message("x", "y", (name, "application/pdf", TestPdf.Create("Nội dung")));
        foreach (var part in message.Attachments.OfType<MimePart>())
        {
            foreach (var param in part.ContentDisposition!.Parameters.Concat(part.ContentType.Parameters))
                param.EncodingMethod = method;
        }
        var options = FormatOptions.Default.Clone();
        options.ParameterEncodingMethod = method;
        using var stream = new MemoryStream();
        message.WriteTo(options, stream);
        var raw = Encoding.ASCII.GetString(stream.ToArray());
        Assert.That(raw, method == ParameterEncodingMethod.Rfc2231 ? Does.Contain("filename*") : Does.Contain("=?utf-8?").IgnoreCase);
        stream.Position = 0;
        var v = Default.Evaluate(stream, TestMessages.Envelope());
        Assert.That(v.Attachments.Single().FileName, Is.EqualTo(name));
        Assert.That(v.Attachments.Single().Class, Is.EqualTo(DocumentClass.Invitation));
    }

    [Test]
    public void OfficialDocumentInTheBodyCounts()
    {
        var v = Evaluate(TestMessages.Message("Thông báo", string.Join("\n", TestDocuments.Notice())));
        Assert.That(v.Classes, Is.EquivalentTo(new[] { DocumentClass.Notice }));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Single().Rule, Is.EqualTo("signature"));
    }
}
