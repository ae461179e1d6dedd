using GovGateway.Policies.Domains;
using GovGateway.Policies.Text;

namespace GovGateway.Policies.Configuration;

/// <summary>Keywords that identify one document class; all stored folded (see <see cref="VietnameseText"/>).</summary>
internal sealed record ClassKeywords(
    DocumentClass Class,
    IReadOnlyList<string> Abbreviations,
    IReadOnlyList<string> Headings,
    IReadOnlyList<string> FileNames,
    IReadOnlyList<string> Subjects);

/// <summary>Limits applied while looking inside archives, against zip bombs.</summary>
internal sealed record ArchiveLimits(int MaxDepth, int MaxEntries, long MaxTotalBytes, long MaxEntryBytes)
{
    public static ArchiveLimits Default { get; } = new(3, 1000, 200L * 1024 * 1024, 50L * 1024 * 1024);
}

/// <summary>Everything in policy.yaml except the rules.</summary>
internal sealed record PolicySettings(
    DomainMatcher Government,
    IReadOnlyList<ClassKeywords> Classes,
    IReadOnlyList<string> SecretStamps,
    IReadOnlyList<string> UrgencyMarks,
    IReadOnlySet<string> BlockedExtensions,
    IReadOnlySet<string> BlockedTypes,
    ArchiveLimits Archives)
{
    /// <summary>How certificate revocation is judged (policy.yaml <c>signatures:</c>).</summary>
    public Signatures.Revocation.RevocationSettings Revocation { get; init; } = Signatures.Revocation.RevocationSettings.Default;

    /// <summary>The document classes the archive keeps (policy.yaml <c>archive: classes:</c>).</summary>
    public IReadOnlySet<DocumentClass> ArchiveClasses { get; init; } = DefaultArchiveClasses;

    /// <summary>Every official class: all but <see cref="DocumentClass.Other"/>.</summary>
    public static IReadOnlySet<DocumentClass> DefaultArchiveClasses { get; } =
        WireNames.AllClasses.Where(c => c.IsOfficialDocument()).ToHashSet();

    public static IReadOnlyList<string> DefaultGovernmentDomains { get; } = ["gov.vn"];

    public static IReadOnlyList<string> DefaultSecretStamps { get; } = ["MẬT", "TỐI MẬT", "TUYỆT MẬT"];

    public static IReadOnlyList<string> DefaultUrgencyMarks { get; } = ["KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HỎA TỐC HẸN GIỜ"];

    public static IReadOnlyList<string> DefaultBlockedExtensions { get; } =
        ["exe", "com", "bat", "cmd", "scr", "js", "jse", "vbs", "vbe", "wsf", "ps1", "msi", "jar", "lnk", "hta", "pif", "cpl", "reg", "sh"];

    /// <summary>Detected types (see ContentSniffer) that are never allowed.</summary>
    public static IReadOnlyList<string> DefaultBlockedTypes { get; } = ["pe", "elf", "macho", "script", "jar", "lnk"];

    /// <summary>Decree 30/2020 defaults; policy.yaml may replace any list.</summary>
    public static IReadOnlyList<ClassKeywords> DefaultClasses { get; } =
    [
        Make(DocumentClass.Invitation, ["GM"], ["GIẤY MỜI"], ["giấy mời", "giaymoi", "gm", "thư mời", "mời họp"], ["giấy mời", "thư mời", "mời họp", "mời dự"]),
        Make(DocumentClass.MeetingDocument, [], ["TÀI LIỆU PHỤC VỤ CUỘC HỌP", "TÀI LIỆU HỌP", "DỰ THẢO"],
            ["tài liệu họp", "tài liệu phục vụ", "tai lieu hop", "dự thảo", "du thao"], ["tài liệu họp", "tài liệu phục vụ cuộc họp", "dự thảo"]),
        Make(DocumentClass.Report, ["BC"], ["BÁO CÁO"], ["báo cáo", "baocao", "bc"], ["báo cáo"]),
        Make(DocumentClass.Notice, ["TB", "TC"], ["THÔNG BÁO", "THÔNG CÁO"], ["thông báo", "thongbao", "tb"], ["thông báo"]),
        Make(DocumentClass.WorkDocument,
            ["NQ", "QĐ", "CT", "QC", "QyĐ", "HD", "CTr", "KH", "PA", "ĐA", "DA", "BB", "TTr", "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GGT", "GNP", "PG", "PC", "PB", "SY", "TrS", "SL"],
            ["NGHỊ QUYẾT", "QUYẾT ĐỊNH", "CHỈ THỊ", "QUY CHẾ", "QUY ĐỊNH", "HƯỚNG DẪN", "CHƯƠNG TRÌNH", "KẾ HOẠCH", "PHƯƠNG ÁN", "ĐỀ ÁN", "DỰ ÁN",
             "BIÊN BẢN", "TỜ TRÌNH", "HỢP ĐỒNG", "CÔNG ĐIỆN", "BẢN GHI NHỚ", "BẢN THỎA THUẬN", "GIẤY ỦY QUYỀN", "GIẤY GIỚI THIỆU", "GIẤY NGHỈ PHÉP",
             "PHIẾU GỬI", "PHIẾU CHUYỂN", "PHIẾU BÁO", "CÔNG VĂN"],
            ["công văn", "congvan", "cv", "tờ trình", "quyết định", "qd", "kế hoạch", "kh", "tt", "ttr", "nghị quyết", "chỉ thị", "hướng dẫn", "biên bản",
             "hợp đồng", "công điện", "đề án", "phương án", "chương trình"],
            ["công văn", "tờ trình", "quyết định", "kế hoạch", "v/v"]),
    ];

    internal static ClassKeywords Make(DocumentClass cls, IEnumerable<string> abbreviations, IEnumerable<string> headings, IEnumerable<string> fileNames, IEnumerable<string> subjects) =>
        new(cls,
            abbreviations.Select(VietnameseText.Fold).ToArray(),
            headings.Select(VietnameseText.FoldWords).ToArray(),
            fileNames.Select(VietnameseText.FoldWords).ToArray(),
            subjects.Select(VietnameseText.FoldWords).ToArray());
}
