namespace GovGateway.Audit;

/// <summary>
/// A document's Decree 30 metadata under the names document-management systems exchange it by (edXML, QCVN
/// 102:2016/BTTTT), so a record can be matched with the agency's register. Absent fields were not stated.
/// </summary>
public sealed class AuditDocument
{
    public string? CodeNumber { get; set; }
    public string? CodeNotation { get; set; }
    public string? DocumentType { get; set; }
    public string? OrganName { get; set; }
    public AuditPromulgationInfo? PromulgationInfo { get; set; }
    public string? Subject { get; set; }
    public AuditSignerInfo? SignerInfo { get; set; }
    /// <summary>edXML OtherInfo/Priority: 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ; absent (0) when normal.</summary>
    public int Priority { get; set; }
    /// <summary>The secrecy stamp ("MẬT", ...), when one was found.</summary>
    public string? Secrecy { get; set; }
    /// <summary>"Kính gửi" and "Nơi nhận" entries.</summary>
    public List<string> Recipients { get; set; } = [];
}

public sealed class AuditPromulgationInfo
{
    public string? Place { get; set; }
    /// <summary>ISO 8601 date.</summary>
    public string? PromulgationDate { get; set; }
}

public sealed class AuditSignerInfo
{
    /// <summary>"KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN", ...</summary>
    public string? Competence { get; set; }
    public string? Position { get; set; }
    public string? FullName { get; set; }
    /// <summary>The common name in the signing certificate, when the document is signed.</summary>
    public string? Certificate { get; set; }
}
