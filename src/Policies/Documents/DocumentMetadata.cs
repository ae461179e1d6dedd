namespace GovGateway.Policies;

/// <summary>
/// What a document's Decree 30 layout states, under the edXML (QCVN 102:2016) header names that document-management
/// systems exchange: Code (CodeNumber, CodeNotation), DocumentType, OrganName, PromulgationInfo (place, date), Subject,
/// SignerInfo, Priority. Every field is null when the document does not state it; nothing is guessed from elsewhere
/// except the signer's certificate name, kept apart in <see cref="SignerCertificate"/>.
/// </summary>
public sealed record DocumentMetadata
{
    /// <summary>"07" of "Số: 07/BC-VHTT".</summary>
    public string? CodeNumber { get; init; }
    /// <summary>"BC-VHTT" of "Số: 07/BC-VHTT" (with the year when written "12/2020/NĐ-CP").</summary>
    public string? CodeNotation { get; init; }
    /// <summary>The type as the heading names it ("BÁO CÁO"), or "Công văn" for a "V/v" letter.</summary>
    public string? DocumentType { get; init; }
    /// <summary>The issuing body, top left ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG").</summary>
    public string? OrganName { get; init; }
    /// <summary>Its superior body, the line above it ("UBND TỈNH HÀ TĨNH").</summary>
    public string? ParentOrganName { get; init; }
    public string? PromulgationPlace { get; init; }
    /// <summary>ISO 8601 date ("2025-03-10").</summary>
    public string? PromulgationDate { get; init; }
    /// <summary>The excerpt (trích yếu): "V/v ..." or the line under the type heading.</summary>
    public string? Subject { get; init; }
    /// <summary>"TM.", "KT.", "TL.", "TUQ.", "Q." with whom it is signed for ("KT. GIÁM ĐỐC").</summary>
    public string? SignerCompetence { get; init; }
    public string? SignerPosition { get; init; }
    public string? SignerFullName { get; init; }
    /// <summary>The common name of the first PDF signature's certificate, when the document is signed.</summary>
    public string? SignerCertificate { get; init; }
    public Urgency Priority { get; init; }
    /// <summary>The secrecy stamp ("MẬT", "TỐI MẬT", "TUYỆT MẬT"), or null.</summary>
    public string? Secrecy { get; init; }
    /// <summary>"Kính gửi" and "Nơi nhận" entries, as written.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>True when nothing at all was found (an ordinary file, not a document).</summary>
    public bool IsEmpty => CodeNumber is null && DocumentType is null && OrganName is null && PromulgationDate is null
        && Subject is null && SignerFullName is null && Priority == Urgency.None && Secrecy is null && Recipients.Count == 0;
}
