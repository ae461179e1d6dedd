using System.Text;
using GovGateway.Policies.Tests.Fixtures;
using GovGateway.Policies.Text.Legacy;

namespace GovGateway.Policies.Tests;

/// <summary>
/// TCVN3 (ABC) and VNI documents, as old office files write them: decoded before classification, number/symbol
/// extraction and stamp detection, by font name in DOCX and PDF and by statistics in plain text.
/// </summary>
public sealed class LegacyEncodingTests : PolicyFixture
{
    // What a TCVN3 heading typed in .VnTimeH stores: the small letters' bytes, drawn as capitals by the font.
    private static readonly string BaoCaoH = LegacyDocuments.Tcvn3Chars("báo cáo");
    private static readonly string MatH = LegacyDocuments.Tcvn3Chars("mật");

    /// <summary>Capitals as ABC text typed for a ".VnTimeH" font has them: plain letters upper case, the Vietnamese
    /// letters' bytes unchanged (the font draws them as capitals).</summary>
    private static string UpperAscii(string text) => new(text.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 32) : c).ToArray());

    [Test]
    public void Tcvn3TableAgreesWithGlibcIconvByteForByte()
    {
        // 0xB0..0xB4 are VN1's combining accents (iconv would join them to the letter before): not letters of ABC.
        var bytes = Enumerable.Range(0xA1, 0xFF - 0xA1 + 1).Where(b => b is < 0xB0 or > 0xB4).Select(b => (byte)b).ToArray();
        var expected = Encoding.UTF8.GetString(ToolRunner.Pipe("iconv", ["-f", "TCVN", "-t", "UTF-8"], bytes)).Normalize(NormalizationForm.FormC);
        var ours = new string(bytes.Select(b => Tcvn3.Letter(b) ?? '?').ToArray());
        Assert.That(ours, Is.EqualTo(expected));
        Assert.That(expected.EnumerateRunes().Count(), Is.EqualTo(bytes.Length), "iconv gave one letter per byte");
    }

    [TestCase("THOÂNG BAÙO", "THÔNG BÁO")]
    [TestCase("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]
    [TestCase("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc")]
    [TestCase("Haø Tónh, ngaøy 5 thaùng 4 naêm 2025", "Hà Tĩnh, ngày 5 tháng 4 năm 2025")]
    [TestCase("UÛY BAN NHAÂN DAÂN TÆNH", "ỦY BAN NHÂN DÂN TỈNH")]
    [TestCase("ñöôïc söûa, kyõ thuaät, tuyø yù, Kî", "được sửa, kỹ thuật, tuỳ ý, Kỵ")]
    [TestCase("aé aè aú aü aë", "ắ ằ ẳ ẵ ặ")]
    public void VniDecodesAsVniKeyboardsWriteIt(string vni, string unicode) =>
        Assert.That(Vni.Decode(vni), Is.EqualTo(unicode.Normalize(NormalizationForm.FormC)));

    [Test]
    public void StatisticsTellTcvn3VniAndUnicodeApart()
    {
        Assert.Multiple(() =>
        {
            Assert.That(LegacyText.Detect(LegacyDocuments.Tcvn3Chars("Kết quả thực hiện nhiệm vụ chuyển đổi số")), Is.EqualTo(TextEncoding.Tcvn3));
            Assert.That(LegacyText.Detect("Keát quaû thöïc hieän nhieäm vuï chuyeån ñoåi soá"), Is.EqualTo(TextEncoding.Vni));
            Assert.That(LegacyText.Detect("Kết quả thực hiện nhiệm vụ chuyển đổi số"), Is.EqualTo(TextEncoding.Unicode));
            Assert.That(LegacyText.Detect("Le café de Renée à Noël; Größe über Maßen"), Is.EqualTo(TextEncoding.Unicode));
            Assert.That(LegacyText.Detect("© 2025"), Is.EqualTo(TextEncoding.Unicode));
        });
    }

    [TestCase(".VnTime", TextEncoding.Tcvn3, false)]
    [TestCase(".VnTimeH", TextEncoding.Tcvn3, true)]
    [TestCase("ABCDEF+.VnArialH,Bold", TextEncoding.Tcvn3, true)]
    [TestCase(".VnTimeH-Bold", TextEncoding.Tcvn3, true)]
    [TestCase("VNI-Times", TextEncoding.Vni, false)]
    [TestCase("QWERTY+VNI-Helve-Condense", TextEncoding.Vni, false)]
    [TestCase("Times New Roman", TextEncoding.Unicode, false)]
    [TestCase("Verdana", TextEncoding.Unicode, false)]
    public void FontNamesSayTheEncoding(string font, TextEncoding encoding, bool capitals) =>
        Assert.That(LegacyText.FromFontName(font), Is.EqualTo((encoding, capitals)));

    /// <summary>The case: a report stamped MẬT written in TCVN3 went out classified "other".</summary>
    [Test]
    public void Tcvn3DocxStampedMatIsCaughtAndRefused()
    {
        var docx = LegacyDocuments.Docx(
            (".VnTimeH", LegacyDocuments.Tcvn3Chars("ubnd tỉnh hà tĩnh")),
            (".VnTimeH", MatH),
            (".VnTime", LegacyDocuments.Tcvn3Chars("Số: 07/BC-VHTT")),
            (".VnTimeH", BaoCaoH),
            (".VnTime", LegacyDocuments.Tcvn3Chars("Tình hình bảo vệ bí mật nhà nước năm 2025")));
        var v = Evaluate(TestMessages.Message("Báo cáo", "Kính gửi Văn phòng.", ("bc07.docx", "application/octet-stream", docx)));
        var a = v.Attachments.Single();
        Assert.Multiple(() =>
        {
            Assert.That(v.Decision, Is.EqualTo(Decision.Reject), Describe(v));
            Assert.That(v.Reasons.Select(r => r.Rule), Does.Contain("secret"));
            Assert.That(a.SecretMarking, Is.True);
            Assert.That(a.TextEncoding, Is.EqualTo(TextEncoding.Tcvn3));
            Assert.That(a.Class, Is.EqualTo(DocumentClass.Report));
            Assert.That(a.DocumentSymbol, Is.EqualTo("07/BC-VHTT"));
            Assert.That(a.Metadata?.DocumentType, Is.EqualTo("BÁO CÁO"));
            Assert.That(a.Metadata?.Secrecy, Is.EqualTo("MẬT"));
            Assert.That(a.Findings, Has.Some.Contains("tcvn3"));
        });
    }

    [Test]
    public void Tcvn3PdfIsReadThroughItsFontNames()
    {
        var pdf = LegacyDocuments.Pdf(".VnTimeH", LegacyDocuments.Tcvn3Chars("văn phòng chính phủ"), MatH, BaoCaoH);
        var notice = LegacyDocuments.Pdf(".VnTime", LegacyDocuments.Tcvn3Chars("Số: 56/TB-VPCP"), LegacyDocuments.Tcvn3Chars("Hà Nội, ngày 23 tháng 02 năm 2025"));
        // poppler, an independent reader, sees what a Western font would show, and the font the file names.
        var dir = TempFolders.Create("legacy-pdf");
        try
        {
            var file = Path.Combine(dir, "bao-cao.pdf");
            File.WriteAllBytes(file, pdf);
            Assert.That(ToolRunner.Run("pdftotext", [file, "-"]).Succeeded().StdOut, Does.Contain(BaoCaoH));
            Assert.That(ToolRunner.Run("pdffonts", [file]).Succeeded().StdOut, Does.Contain(".VnTimeH"));
        }
        finally
        {
            TempFolders.Delete(dir);
        }

        var v = Evaluate(TestMessages.Message("Tài liệu", "Kính gửi.", ("a.pdf", "application/pdf", pdf), ("b.pdf", "application/pdf", notice)));
        var secret = v.Attachments[0];
        var n = v.Attachments[1];
        Assert.Multiple(() =>
        {
            Assert.That(secret.TextEncoding, Is.EqualTo(TextEncoding.Tcvn3), Describe(v));
            Assert.That(secret.SecretMarking, Is.True);
            Assert.That(secret.Class, Is.EqualTo(DocumentClass.Report));
            Assert.That(secret.Metadata?.OrganName, Is.EqualTo("VĂN PHÒNG CHÍNH PHỦ"));
            Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
            Assert.That(n.TextEncoding, Is.EqualTo(TextEncoding.Tcvn3));
            Assert.That(n.DocumentSymbol, Is.EqualTo("56/TB-VPCP"));
            Assert.That(n.Class, Is.EqualTo(DocumentClass.Notice));
            Assert.That(n.Metadata?.PromulgationPlace, Is.EqualTo("Hà Nội"));
            Assert.That(n.Metadata?.PromulgationDate, Is.EqualTo("2025-02-23"));
        });
    }

    [Test]
    public void Tcvn3PlainTextIsDecodedByStatistics()
    {
        // No font to go by: the capitals around the ABC bytes say the stamp and heading lines are capitals.
        var text = string.Join("\r\n",
            UpperAscii(LegacyDocuments.Tcvn3Chars("sở văn hóa và thể thao")),
            UpperAscii(MatH),
            LegacyDocuments.Tcvn3Chars("Số: 12/TB-SVHTT"),
            UpperAscii(LegacyDocuments.Tcvn3Chars("thông báo")),
            LegacyDocuments.Tcvn3Chars("Kết quả kiểm tra công tác văn thư lưu trữ"));
        var bytes = Encoding.Latin1.GetBytes(text);
        var v = Evaluate(TestMessages.Message("Thông báo", "Kính gửi.", ("tb12.txt", "text/plain", bytes)));
        var a = v.Attachments.Single();
        Assert.Multiple(() =>
        {
            Assert.That(a.TextEncoding, Is.EqualTo(TextEncoding.Tcvn3), Describe(v));
            Assert.That(a.SecretMarking, Is.True);
            Assert.That(a.Class, Is.EqualTo(DocumentClass.Notice));
            Assert.That(a.DocumentSymbol, Is.EqualTo("12/TB-SVHTT"));
            Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        });
    }

    [Test]
    public void VniDocumentsAreDecodedInDocxPdfAndPlainText()
    {
        var docx = LegacyDocuments.Docx(
            ("VNI-Times", "UÛY BAN NHAÂN DAÂN TÆNH HAØ TÓNH"),
            ("VNI-Times", "Soá: 1520/UBND-VX"),
            ("VNI-Times", "V/v trieån khai neàn taûng soá"),
            ("VNI-Times", "Kính göûi: Caùc sôû, ban, ngaønh"));
        var pdf = LegacyDocuments.Pdf("VNI-Times", "SÔÛ VAÊN HOÙA VAØ THEÅ THAO", "Soá: 33/TB-SVHTT", "THOÂNG BAÙO", "Lòch tieáp coâng daân");
        var text = Encoding.Latin1.GetBytes("COÂNG AN TÆNH\r\nMAÄT\r\nSoá: 9/BC-CAT\r\nBAÙO CAÙO\r\nTình hình an ninh\r\n");
        var v = Evaluate(TestMessages.Message("Văn bản", "Kính gửi.",
            ("cv1520.docx", "application/octet-stream", docx), ("tb33.pdf", "application/pdf", pdf), ("bc9.txt", "text/plain", text)));
        Assert.Multiple(() =>
        {
            Assert.That(v.Attachments.Select(a => a.TextEncoding), Is.All.EqualTo(TextEncoding.Vni), Describe(v));
            Assert.That(v.Attachments[0].Class, Is.EqualTo(DocumentClass.WorkDocument));
            Assert.That(v.Attachments[0].DocumentSymbol, Is.EqualTo("1520/UBND-VX"));
            Assert.That(v.Attachments[0].Metadata?.Subject, Is.EqualTo("V/v triển khai nền tảng số"));
            Assert.That(v.Attachments[0].Metadata?.Recipients, Is.EqualTo(new[] { "Các sở, ban, ngành" }));
            Assert.That(v.Attachments[1].Class, Is.EqualTo(DocumentClass.Notice));
            Assert.That(v.Attachments[1].DocumentSymbol, Is.EqualTo("33/TB-SVHTT"));
            Assert.That(v.Attachments[2].SecretMarking, Is.True);
            Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        });
    }

    [Test]
    public void UnicodeUnderALegacyFontNameIsNotDecodedTwice()
    {
        // A converted file keeps the .VnTime name on text that is already Unicode.
        var docx = LegacyDocuments.Docx((".VnTimeH", "BÁO CÁO"), (".VnTime", "Số: 5/BC-STTTT"), (".VnTime", "Kết quả chuyển đổi số"));
        var v = Evaluate(TestMessages.Message("Báo cáo", "Kính gửi.", ("bc5.docx", "application/octet-stream", docx)));
        Assert.Multiple(() =>
        {
            Assert.That(v.Attachments[0].Class, Is.EqualTo(DocumentClass.Report), Describe(v));
            Assert.That(v.Attachments[0].DocumentSymbol, Is.EqualTo("5/BC-STTTT"));
            Assert.That(v.Attachments[0].TextEncoding, Is.EqualTo(TextEncoding.Unicode));
        });
    }
}
