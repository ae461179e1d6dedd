namespace GovGateway.Policies;

/// <summary>Result of checking the message's S/MIME signature.</summary>
public sealed record SmimeReport(
    SignatureStatus Status,
    string? SignerSubject = null,
    string? SignerAddress = null,
    string? Issuer = null,
    string? Serial = null,
    string? Detail = null)
{
    public static SmimeReport NotSigned { get; } = new(SignatureStatus.None);
}

/// <summary>
/// One signature found in a PDF, in the order of the document's revisions. <see cref="SigningTime"/> is trusted
/// only when <see cref="SigningTimeSource"/> is "timestamp" (a verified RFC 3161 token); "claimed" is the signer's
/// own clock (the signing-time attribute or the signature dictionary's /M). <see cref="LaterChanges"/> lists what the
/// document's later incremental updates changed, each with whether it is permitted (validation data, further
/// signatures) or not (page content, fonts, ...).
/// </summary>
public sealed record PdfSignatureDetail(
    SignatureStatus Status,
    string? SignerSubject,
    string? Issuer,
    string? Serial,
    DateTimeOffset? SigningTime,
    string? SubFilter,
    bool CoversWholeFile,
    string? Detail,
    SignatureRole Role = SignatureRole.Signer,
    DateTimeOffset? NotBefore = null,
    DateTimeOffset? NotAfter = null,
    string? SigningTimeSource = null,
    string? Revocation = null,
    string? FieldName = null,
    IReadOnlyList<string>? LaterChanges = null);

/// <summary>Signatures of one PDF attachment; <see cref="Status"/> is the worst of them.</summary>
public sealed record PdfSignatureReport(SignatureStatus Status, IReadOnlyList<PdfSignatureDetail> Signatures);

/// <summary>What the gateway found in one attachment (or calendar part) of a message.</summary>
public sealed record AttachmentReport
{
    /// <summary>The decoded file name, exactly as the sender wrote it (RFC 2231 / RFC 2047 decoded).</summary>
    public required string FileName { get; init; }
    /// <summary>The declared MIME type, e.g. "application/pdf".</summary>
    public required string ContentType { get; init; }
    /// <summary>The type found from the content's magic bytes: "pdf", "docx", "zip", "pe", "elf", "text", ...</summary>
    public required string DetectedType { get; init; }
    public required long Size { get; init; }
    /// <summary>Lower-case hex SHA-256 of the decoded content.</summary>
    public required string Sha256 { get; init; }
    public required DocumentClass Class { get; init; }
    /// <summary>Evidence used: "content-symbol", "content-heading", "content-motto", "filename", "subject", "calendar", "none".</summary>
    public required string ClassifiedBy { get; init; }
    /// <summary>Number/symbol found in the text, e.g. "56/TB-VPCP".</summary>
    public string? DocumentSymbol { get; init; }
    /// <summary>True when the document carries a MẬT / TỐI MẬT / TUYỆT MẬT stamp.</summary>
    public bool SecretMarking { get; init; }
    /// <summary>Null when the attachment is not a signed PDF.</summary>
    public PdfSignatureReport? Signature { get; init; }
    /// <summary>True when an executable or script was found in it (inside archives too).</summary>
    public bool Blocked { get; init; }
    /// <summary>True when it is, or contains, an encrypted archive or entry.</summary>
    public bool Encrypted { get; init; }
    /// <summary>
    /// True when the gateway could not read it (a document its parser refuses, an encrypted PDF, a corrupt or encrypted
    /// archive): its class and stamps are unknown, so it is never taken for a harmless "other". See <see cref="Findings"/>.
    /// </summary>
    public bool Unreadable { get; init; }
    /// <summary>The legacy encoding its text was decoded from (TCVN3, VNI), or Unicode.</summary>
    public TextEncoding TextEncoding { get; init; }
    /// <summary>True for a PDF whose pages are images only: classified by its name and the subject, not read (no OCR).</summary>
    public bool Scanned { get; init; }
    /// <summary>The urgency mark the document carries (or its edXML priority).</summary>
    public Urgency Urgency { get; init; }
    /// <summary>What the document's layout (or edXML header) states; null for files that are not documents.</summary>
    public DocumentMetadata? Metadata { get; init; }
    /// <summary>Human-readable findings, e.g. "blocked executable: a.zip/x/setup.exe".</summary>
    public IReadOnlyList<string> Findings { get; init; } = [];
}
