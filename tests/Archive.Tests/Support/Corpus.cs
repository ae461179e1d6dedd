using System.Security.Cryptography;
using System.Text;
using GovGateway.Audit;

namespace GovGateway.Archive.Tests.Support;

/// <summary>
/// A handful of Decree 30 documents with what the tests look for: an invitation on "chuyển đổi số" (signed, urgent),
/// a công văn typed in NFD whose words "chuyển", "đổi", "số" occur only apart, a decision of another year and issuer,
/// a second invitation under the same number (a duplicate in the register) and a report numbered 48 (so 46 and 47 are gaps).
/// </summary>
internal static class Corpus
{
    public static readonly DateTime T1 = Utc(2026, 3, 15, 2), T2 = Utc(2026, 4, 1, 3), T3 = Utc(2025, 6, 1, 4), T4 = Utc(2026, 3, 20, 5), T5 = Utc(2026, 5, 5, 6);

    public static DateTime Utc(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, DateTimeKind.Utc);

    public sealed record Sample(string Name, ArchiveItem Item, byte[] Bytes)
    {
        public string Id => Item.Document.Id;
    }

    public static readonly Sample Invitation = Make("invitation", "45-GM-STTTT.pdf", "invitation",
        new AuditDocument
        {
            CodeNumber = "45", CodeNotation = "GM-STTTT", DocumentType = "Giấy mời", OrganName = "Sở Thông tin và Truyền thông",
            PromulgationInfo = new() { Place = "Hà Nội", PromulgationDate = "2026-03-14" },
            Subject = "Mời dự Hội nghị triển khai chuyển đổi số năm 2026", Priority = 1,
            SignerInfo = new() { Competence = "KT. GIÁM ĐỐC", Position = "PHÓ GIÁM ĐỐC", FullName = "Nguyễn Văn An" },
        },
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG\nSố: 45/GM-STTTT\nHà Nội, ngày 14 tháng 3 năm 2026\nGIẤY MỜI\n" +
        "Sở Thông tin và Truyền thông trân trọng kính mời đại diện lãnh đạo các sở, ban, ngành dự Hội nghị triển khai " +
        "Kế hoạch chuyển đổi số năm 2026 của tỉnh. Thời gian: 8 giờ 00, thứ Năm. Địa điểm: Hội trường tầng 3.",
        signed: true, urgency: "khan", exchange: Exchange("Q-INV", T1, "inbound"));

    public static readonly Sample Letter = Make("letter", "12-UBND-VX.pdf", "official-letter",
        new AuditDocument
        {
            CodeNumber = "12", CodeNotation = "UBND-VX", DocumentType = "Công văn", OrganName = "Ủy ban nhân dân tỉnh Bắc Ninh",
            PromulgationInfo = new() { Place = "Bắc Ninh", PromulgationDate = "2026-03-31" },
            Subject = "V/v báo cáo số liệu đường giao thông nông thôn",
            SignerInfo = new() { Competence = "TL. CHỦ TỊCH", Position = "CHÁNH VĂN PHÒNG", FullName = "Trần Thị Bình" },
        },
        // Typed in NFD (base letters and combining marks), as some word processors save it.
        ("Thực hiện Đề án chuyển giao công nghệ và đổi mới quản lý, Ủy ban nhân dân tỉnh đề nghị các huyện báo cáo số " +
         "liệu đường giao thông nông thôn trước ngày 15 tháng 4.").Normalize(NormalizationForm.FormD),
        signed: false, urgency: null, exchange: Exchange("Q-LET", T2, "outbound"));

    public static readonly Sample Decision = Make("decision", "15-QD-BNV.pdf", "decision",
        new AuditDocument
        {
            CodeNumber = "15", CodeNotation = "QĐ-BNV", DocumentType = "Quyết định", OrganName = "Bộ Nội vụ",
            PromulgationInfo = new() { Place = "Hà Nội", PromulgationDate = "2025-05-30" },
            Subject = "Quyết định ban hành Quy chế công tác văn thư",
            SignerInfo = new() { Competence = "KT. BỘ TRƯỞNG", Position = "THỨ TRƯỞNG", FullName = "Lê Văn Cường" },
        },
        "BỘ NỘI VỤ\nSố: 15/QĐ-BNV\nQUYẾT ĐỊNH\nBan hành Quy chế công tác văn thư, lưu trữ của Bộ Nội vụ.",
        signed: true, urgency: null, exchange: Exchange("Q-DEC", T3, "inbound"));

    public static readonly Sample SameNumber = Make("same-number", "45-GM-STTTT-bis.pdf", "invitation",
        new AuditDocument
        {
            CodeNumber = "45", CodeNotation = "GM-STTTT", DocumentType = "Giấy mời", OrganName = "Sở Thông tin và Truyền thông",
            PromulgationInfo = new() { Place = "Hà Nội", PromulgationDate = "2026-03-19" },
            Subject = "Mời dự tập huấn an toàn thông tin",
            SignerInfo = new() { FullName = "Phạm Minh Dũng" },
        },
        "GIẤY MỜI\nSở Thông tin và Truyền thông mời dự lớp tập huấn an toàn thông tin mạng.",
        signed: false, urgency: null, exchange: Exchange("Q-BIS", T4, "inbound"));

    public static readonly Sample Report = Make("report", "48-BC-STTTT.docx", "report",
        new AuditDocument
        {
            CodeNumber = "48", CodeNotation = "BC-STTTT", DocumentType = "Báo cáo", OrganName = "Sở Thông tin và Truyền thông",
            PromulgationInfo = new() { Place = "Hà Nội", PromulgationDate = "2026-05-04" },
            Subject = "Báo cáo kết quả chuyển đổi số quý I",
            SignerInfo = new() { FullName = "Nguyễn Văn An" },
        },
        "BÁO CÁO\nKết quả thực hiện chuyển đổi số quý I năm 2026: 95% hồ sơ được xử lý trực tuyến.",
        signed: false, urgency: null, exchange: Exchange("Q-REP", T5, "outbound"));

    public static IReadOnlyList<Sample> All => [Invitation, Letter, Decision, SameNumber, Report];

    public static ArchiveExchange Exchange(string queueId, DateTime time, string direction) => new()
    {
        QueueId = queueId, TimeUtc = time, Direction = direction, Sender = "vanthu@stttt.bacninh.gov.vn",
        Recipients = ["vanthu@ubnd.bacninh.gov.vn"], Node = "gw1", MessageId = $"<{queueId}@gw1>", Subject = "Văn bản điện tử",
    };

    private static Sample Make(string name, string file, string cls, AuditDocument document, string text, bool signed, string? urgency, ArchiveExchange exchange)
    {
        // The "file": the text with a header naming the sample, so every sample hashes differently.
        var bytes = Encoding.UTF8.GetBytes($"%SAMPLE {name}\n{text}");
        var item = new ArchiveItem
        {
            Document = new ArchivedDocument
            {
                Id = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                FileName = file, ContentType = file.EndsWith(".pdf", StringComparison.Ordinal) ? "application/pdf" : "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                Size = bytes.Length, Class = cls, Document = document, Urgency = urgency,
                Signatures = signed ? [new AuditSignature { Role = "signer", Status = "valid", Subject = "CN=" + document.SignerInfo?.FullName }] : [],
            },
            Text = text,
            Exchange = exchange,
        };
        return new Sample(name, item, bytes);
    }
}
