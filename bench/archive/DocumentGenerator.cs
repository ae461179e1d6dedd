using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GovGateway.Archive;
using GovGateway.Audit;

namespace GovGateway.Archive.Bench;

/// <summary>
/// Decree 30 documents for the bench: the layout of real ones (issuing body, number and notation, place and date,
/// type heading, excerpt, body, signer) with the number, notation, type, issuer, excerpt words, body sentences,
/// signer and exchange time varied by a seeded random, so every run generates the same set.
/// </summary>
internal sealed class DocumentGenerator(int seed)
{
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, int> _numbers = new();

    private static readonly (string Type, string Abbr, string Class)[] Types =
    [
        ("Giấy mời", "GM", "invitation"), ("Công văn", "", "official-letter"), ("Quyết định", "QĐ", "decision"),
        ("Báo cáo", "BC", "report"), ("Thông báo", "TB", "notice"), ("Kế hoạch", "KH", "plan"), ("Tờ trình", "TTr", "submission"),
        ("Hướng dẫn", "HD", "guidance"),
    ];

    private static readonly (string Name, string Abbr)[] Issuers =
    [
        ("Sở Thông tin và Truyền thông", "STTTT"), ("Ủy ban nhân dân tỉnh Bắc Ninh", "UBND"), ("Bộ Nội vụ", "BNV"),
        ("Bộ Tài chính", "BTC"), ("Sở Giáo dục và Đào tạo", "SGDĐT"), ("Sở Y tế", "SYT"), ("Sở Tài chính", "STC"),
        ("Sở Kế hoạch và Đầu tư", "SKHĐT"), ("Văn phòng Chính phủ", "VPCP"), ("Sở Nội vụ", "SNV"), ("Sở Tư pháp", "STP"),
        ("Sở Xây dựng", "SXD"), ("Sở Giao thông vận tải", "SGTVT"), ("Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT"),
        ("Ủy ban nhân dân huyện Tiên Du", "UBND"), ("Bộ Thông tin và Truyền thông", "BTTTT"), ("Thanh tra tỉnh", "TTr"),
        ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"), ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"), ("Sở Công Thương", "SCT"),
    ];

    private static readonly string[] Topics =
    [
        "chuyển đổi số", "cải cách hành chính", "an toàn thông tin mạng", "dịch vụ công trực tuyến", "phòng chống thiên tai",
        "quản lý ngân sách nhà nước", "xây dựng nông thôn mới", "công tác văn thư, lưu trữ", "phòng cháy chữa cháy",
        "bảo hiểm xã hội", "đào tạo, bồi dưỡng cán bộ", "thu hút đầu tư", "phát triển du lịch", "an toàn giao thông",
        "tiêm chủng mở rộng", "chữ ký số", "chính quyền điện tử", "thi đua khen thưởng", "kiểm tra công vụ", "đất đai",
    ];

    private static readonly string[] Openings =
    [
        "Mời dự hội nghị triển khai", "V/v đẩy mạnh", "Ban hành Quy chế", "Báo cáo kết quả thực hiện", "Thông báo kết luận về",
        "Kế hoạch thực hiện", "V/v góp ý dự thảo về", "Hướng dẫn triển khai", "Đề nghị phê duyệt đề án", "V/v tổng kết công tác",
    ];

    private static readonly string[] Sentences =
    [
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư.",
        "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về {0} trên địa bàn.",
        "Đề nghị các cơ quan, đơn vị khẩn trương rà soát, tổng hợp số liệu và gửi báo cáo trước ngày {1} tháng {2}.",
        "Trong quý vừa qua, các đơn vị đã hoàn thành {3}% chỉ tiêu được giao về {0}.",
        "Thời gian: 8 giờ 00 phút, ngày {1} tháng {2} năm 2026. Địa điểm: Hội trường tầng 3, trụ sở cơ quan.",
        "Giao Văn phòng chủ trì, phối hợp với các phòng chuyên môn theo dõi, đôn đốc việc thực hiện.",
        "Kinh phí thực hiện từ nguồn ngân sách nhà nước bố trí trong dự toán năm 2026 của cơ quan.",
        "Các đơn vị chịu trách nhiệm thi hành Quyết định này kể từ ngày ký.",
        "Tiếp tục nâng cao chất lượng cung cấp dịch vụ công trực tuyến toàn trình cho người dân và doanh nghiệp.",
        "Tăng cường bảo đảm an toàn, an ninh mạng cho các hệ thống thông tin dùng chung của tỉnh.",
        "Ứng dụng chữ ký số chuyên dùng trong gửi, nhận văn bản điện tử giữa các cơ quan hành chính nhà nước.",
        "Tổ chức tuyên truyền, phổ biến đến cán bộ, công chức, viên chức và người lao động về {0}.",
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh về Sở để tổng hợp, báo cáo.",
        "Kết quả đánh giá cho thấy tỷ lệ hồ sơ giải quyết đúng hạn đạt {3}%, tăng so với cùng kỳ năm trước.",
        "Yêu cầu thủ trưởng các đơn vị quán triệt, triển khai nghiêm túc nội dung Kế hoạch này.",
        "Số liệu thống kê được cập nhật trên Hệ thống thông tin báo cáo của tỉnh hằng tháng.",
    ];

    private static readonly string[] Family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"];
    private static readonly string[] Middle = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Quốc", "Hữu", "Ngọc", "Thu", "Xuân"];
    private static readonly string[] Given = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Lan", "Long", "Mai", "Nam", "Phong", "Quang", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Yến"];

    public static IReadOnlyList<string> TopicWords => Topics;
    public static IReadOnlyList<(string Name, string Abbr)> IssuerList => Issuers;

    public (ArchiveItem Item, byte[] Bytes) Next(int index)
    {
        var (type, abbr, cls) = Types[_random.Next(Types.Length)];
        var (organ, organAbbr) = Issuers[_random.Next(Issuers.Length)];
        var notation = abbr.Length == 0 ? $"{organAbbr}-VP" : $"{abbr}-{organAbbr}";
        var key = organ;
        _numbers[key] = _numbers.GetValueOrDefault(key) + 1 + (_random.Next(10) == 0 ? 1 : 0);
        var number = _numbers[key].ToString("00", CultureInfo.InvariantCulture);
        var topic = Topics[_random.Next(Topics.Length)];
        var subject = $"{Openings[_random.Next(Openings.Length)]} {topic} năm 2026";
        var date = new DateTime(2026, 1, 1).AddDays(_random.Next(330));
        var signer = $"{Family[_random.Next(Family.Length)]} {Middle[_random.Next(Middle.Length)]} {Given[_random.Next(Given.Length)]}";
        var body = new StringBuilder();
        body.Append(organ.ToUpperInvariant()).Append("\nSố: ").Append(number).Append('/').Append(notation).Append('\n')
            .Append("Bắc Ninh, ngày ").Append(date.Day).Append(" tháng ").Append(date.Month).Append(" năm 2026\n")
            .Append(type.ToUpperInvariant()).Append('\n').Append(subject).Append('\n');
        int sentences = 6 + _random.Next(14);
        for (int s = 0; s < sentences; s++)
            body.AppendFormat(CultureInfo.InvariantCulture, Sentences[_random.Next(Sentences.Length)],
                Topics[_random.Next(Topics.Length)], 1 + _random.Next(28), 1 + _random.Next(12), 50 + _random.Next(50)).Append(' ');
        body.Append("\nNơi nhận: Như trên; Lưu: VT.\n").Append(signer);
        var text = body.ToString();
        var bytes = Encoding.UTF8.GetBytes($"%BENCH {index}\n{text}");
        bool signed = _random.Next(3) != 0;
        var urgency = _random.Next(10) switch { 0 => "khan", 1 => "thuong-khan", _ => null };
        var time = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(_random.Next(700 * 24 * 60));
        var item = new ArchiveItem
        {
            Document = new ArchivedDocument
            {
                Id = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                FileName = $"{number}-{notation}.pdf",
                ContentType = "application/pdf",
                Class = cls,
                Urgency = urgency,
                Document = new AuditDocument
                {
                    CodeNumber = number, CodeNotation = notation, DocumentType = type, OrganName = organ, Subject = subject,
                    PromulgationInfo = new AuditPromulgationInfo { Place = "Bắc Ninh", PromulgationDate = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
                    SignerInfo = new AuditSignerInfo { Competence = "KT. GIÁM ĐỐC", Position = "PHÓ GIÁM ĐỐC", FullName = signer },
                },
                Signatures = signed ? [new AuditSignature { Role = "signer", Status = "valid", Subject = "CN=" + signer }] : [],
            },
            Text = text,
            Exchange = new ArchiveExchange
            {
                QueueId = "B" + index.ToString(CultureInfo.InvariantCulture), TimeUtc = time, Direction = _random.Next(2) == 0 ? "inbound" : "outbound",
                Sender = "vanthu@" + organAbbr.ToLowerInvariant() + ".bacninh.gov.vn", Recipients = ["vanthu@ubnd.bacninh.gov.vn"], Node = "bench",
            },
        };
        return (item, bytes);
    }
}
