using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace GovGateway.Policies.Tests.Fixtures;

/// <summary>DOCX, zip and Decree 30 text fixtures.</summary>
public static class TestDocuments
{
    public static byte[] Docx(params string[] paragraphs)
    {
        using var stream = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.Document = new Document(new Body(paragraphs.Select(p => new Paragraph(new Run(new DocumentFormat.OpenXml.Wordprocessing.Text(p) { Space = SpaceProcessingModeValues.Preserve })))));
            main.Document.Save();
        }
        return stream.ToArray();
    }

    public static byte[] Zip(params (string Name, byte[] Data)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
                using var s = entry.Open();
                s.Write(data);
            }
        }
        return stream.ToArray();
    }

    /// <summary>A zip whose entries carry the "encrypted" flag (general purpose bit 0), as password-protected zips do.</summary>
    public static byte[] EncryptedZip(params (string Name, byte[] Data)[] entries)
    {
        var data = Zip(entries);
        for (var i = 0; i + 4 < data.Length; i++)
        {
            if (data[i] == 'P' && data[i + 1] == 'K' && data[i + 2] == 3 && data[i + 3] == 4) data[i + 6] |= 1;       // local header flags
            else if (data[i] == 'P' && data[i + 1] == 'K' && data[i + 2] == 1 && data[i + 3] == 2) data[i + 8] |= 1;  // central directory flags
        }
        return data;
    }

    /// <summary>Bytes of a Windows PE executable header (enough for content sniffing).</summary>
    public static byte[] PeExecutable() => [.. "MZ"u8, 0x90, 0x00, 0x03, 0x00, .. new byte[120], .. "PE\0\0"u8, .. new byte[64]];

    public static byte[] Elf() => [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, .. new byte[56]];

    public static string[] Invitation(string number = "45") =>
    [
        "UBND TỈNH HÀ TĨNH", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", $"Số: {number}/GM-STTTT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Tĩnh, ngày 10 tháng 3 năm 2025",
        "GIẤY MỜI", "Họp triển khai chuyển đổi số", "Sở Thông tin và Truyền thông trân trọng kính mời ...",
    ];

    public static string[] Report() =>
    [
        "UBND TỈNH HÀ TĨNH", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 112/BC-STTTT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO", "Kết quả thực hiện nhiệm vụ chuyển đổi số quý I năm 2025",
    ];

    public static string[] Notice() =>
        ["VĂN PHÒNG CHÍNH PHỦ", "Số: 56/TB-VPCP", "Hà Nội, ngày 23 tháng 02 năm 2025", "THÔNG BÁO", "Kết luận của Thủ tướng Chính phủ"];

    public static string[] CongVan() =>
        ["UBND TỈNH HÀ TĨNH", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 1520/STTTT-CĐS", "V/v triển khai nền tảng số", "Kính gửi: Các sở, ban, ngành"];

    public static string[] ToTrinh() =>
        ["SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 23/TTr-STTTT", "TỜ TRÌNH", "Về việc phê duyệt kế hoạch"];

    public static string[] MeetingDocument() =>
        ["TÀI LIỆU PHỤC VỤ CUỘC HỌP", "Hội nghị sơ kết công tác chuyển đổi số 6 tháng đầu năm"];

    public static string[] Secret(string stamp = "MẬT") =>
        ["UBND TỈNH HÀ TĨNH", "Số: 7/BC-UBND", stamp, "BÁO CÁO", "Tình hình an ninh"];

    public static string[] Photo() => [];
}
