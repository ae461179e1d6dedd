namespace GovGateway.Audit;

/// <summary>
/// One SMTP transaction as the pipeline reports it, whatever its outcome.
/// Plain data: the pipeline maps its own types into this, so the audit log depends on nothing else.
/// </summary>
public sealed class AuditTransaction
{
    /// <summary>Record id given by the caller (ULID/GUID); generated when empty.</summary>
    public string Id { get; set; } = "";
    public DateTime TimeUtc { get; set; }
    public string? QueueId { get; set; }
    public string? MessageId { get; set; }
    /// <summary>Envelope sender (MAIL FROM); empty string for the null sender.</summary>
    public string? MailFrom { get; set; }
    public List<string> Recipients { get; set; } = [];
    /// <summary>Recipients the record does not list (past <see cref="AuditRecordLimits.MaxRecipients"/>); null when none.</summary>
    public int? RecipientsOmitted { get; set; }
    public string? HeaderFrom { get; set; }
    public string? Subject { get; set; }
    public long Size { get; set; }
    /// <summary>SHA-256 of the message bytes, hex.</summary>
    public string? Sha256 { get; set; }
    public string? ClientIp { get; set; }
    public string? Helo { get; set; }
    public string? TlsProtocol { get; set; }
    public string? AuthenticatedUser { get; set; }
    public string? Listener { get; set; }
    /// <summary>"accepted", "rejected", "quarantined" or "failed" (see <see cref="AuditDecisions"/>).</summary>
    public string Decision { get; set; } = "";
    /// <summary>The reply code and text given to the client, e.g. "250 2.0.0 Ok: queued as X".</summary>
    public string? SmtpReply { get; set; }
    /// <summary>Document classes found in the message (e.g. "invitation", "report").</summary>
    public List<string> Classes { get; set; } = [];
    public List<AuditAttachment> Attachments { get; set; } = [];
    /// <summary>Attachments the record does not list (past <see cref="AuditRecordLimits.MaxAttachments"/>); null when none.</summary>
    public int? AttachmentsOmitted { get; set; }
    public AuditSmime? Smime { get; set; }
    /// <summary>Every rule that matched, enforced or audit-only.</summary>
    public List<AuditRuleHit> Rules { get; set; } = [];
    /// <summary>Version of the policy that decided (hash of the policy file).</summary>
    public string? PolicyVersion { get; set; }
    /// <summary>The message's urgency ("khan", "thuong-khan", "hoa-toc", "hoa-toc-hen-gio"); absent when none.</summary>
    public string? Urgency { get; set; }
    /// <summary>Metadata of a document typed into the body (laid out as one); absent otherwise.</summary>
    public AuditDocument? Document { get; set; }
}

/// <summary>One attachment of an audited message.</summary>
public sealed class AuditAttachment
{
    public string? Name { get; set; }
    public string? DetectedType { get; set; }
    public long Size { get; set; }
    public string? Sha256 { get; set; }
    /// <summary>Document class (e.g. "invitation", "meeting-document", "report", "notice", "work-document").</summary>
    public string? Class { get; set; }
    /// <summary>Document number/symbol, e.g. "56/TB-VPCP".</summary>
    public string? Symbol { get; set; }
    /// <summary>PDF signature result; "valid" counts as signed.</summary>
    public string? SignatureStatus { get; set; }
    /// <summary>"unreadable" when the gateway could not read the attachment; absent otherwise.</summary>
    public string? Status { get; set; }
    /// <summary>"tcvn3" or "vni" when its text was decoded from a legacy Vietnamese encoding; absent for Unicode.</summary>
    public string? Encoding { get; set; }
    /// <summary>True for an image-only (scanned) PDF, classified by its name and the subject.</summary>
    public bool Scanned { get; set; }
    /// <summary>The document's urgency mark, as <see cref="AuditTransaction.Urgency"/>; absent when none.</summary>
    public string? Urgency { get; set; }
    /// <summary>What the document's layout (or edXML header) states; absent for files that are not documents.</summary>
    public AuditDocument? Document { get; set; }
    /// <summary>Each PDF signature in revision order (signer, organisation, document timestamp); absent when none.</summary>
    public List<AuditSignature>? Signatures { get; set; }
}

/// <summary>One signature of a PDF attachment, as the policy judged it.</summary>
public sealed class AuditSignature
{
    /// <summary>"signer", "organisation" or "timestamp".</summary>
    public string? Role { get; set; }
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Issuer { get; set; }
    public string? Serial { get; set; }
    /// <summary>The certificate's validity period.</summary>
    public DateTime? NotBefore { get; set; }
    public DateTime? NotAfter { get; set; }
    public DateTime? SigningTime { get; set; }
    /// <summary>"timestamp" (a verified RFC 3161 token) or "claimed" (the signer's own clock).</summary>
    public string? SigningTimeSource { get; set; }
    /// <summary>"good", "revoked", "unknown" or "not-checked".</summary>
    public string? Revocation { get; set; }
}

/// <summary>S/MIME result of an audited message.</summary>
public sealed class AuditSmime
{
    /// <summary>S/MIME verdict; "valid" counts as signed.</summary>
    public string? Status { get; set; }
    public string? SignerSubject { get; set; }
    public string? SignerAddress { get; set; }
    public string? Issuer { get; set; }
    public string? Serial { get; set; }
}

/// <summary>A policy rule that matched the message.</summary>
public sealed class AuditRuleHit
{
    public string? Rule { get; set; }
    /// <summary>"enforce" or "audit".</summary>
    public string? Mode { get; set; }
    public string? Action { get; set; }
    public string? Message { get; set; }
}

/// <summary>Decision values the pipeline uses.</summary>
public static class AuditDecisions
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Quarantined = "quarantined";
    public const string Failed = "failed";
    /// <summary>
    /// Not mail: something a person did in the web console (sign-in, search, detail view, export, an administrator's
    /// action), chained like any record. AuthenticatedUser says who, ClientIp from where, Subject what was asked and how
    /// many rows came back, SmtpReply the console's answer; Listener is "console".
    /// </summary>
    public const string Console = "console";
}
