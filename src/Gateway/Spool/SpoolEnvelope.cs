namespace GovGateway.Spool;

internal enum RecipientStatus { Pending, Delivered, Failed }

/// <summary>One envelope recipient and what happened to it so far.</summary>
internal sealed class SpoolRecipient
{
    public string Address { get; set; } = "";
    /// <summary>RFC 3461 NOTIFY= as the client sent it (e.g. "FAILURE,DELAY" or "NEVER"), or null.</summary>
    public string? Notify { get; set; }
    /// <summary>RFC 3461 ORCPT= (e.g. "rfc822;user@example.com"), or null.</summary>
    public string? OriginalRecipient { get; set; }
    public RecipientStatus Status { get; set; } = RecipientStatus.Pending;
    /// <summary>The last SMTP reply or error for this recipient, e.g. "451 4.3.0 try later".</summary>
    public string? LastReply { get; set; }
    public int Attempts { get; set; }
}

/// <summary>The envelope and delivery state of one spooled message, stored as JSON beside its bytes.</summary>
internal sealed class SpoolEnvelope
{
    public string QueueId { get; set; } = "";
    /// <summary>Reverse-path without angle brackets; empty for the null sender &lt;&gt; (bounces).</summary>
    public string MailFrom { get; set; } = "";
    public List<SpoolRecipient> Recipients { get; set; } = new();
    public DateTime ReceivedUtc { get; set; }
    /// <summary>RET= (FULL or HDRS), or null.</summary>
    public string? DsnReturn { get; set; }
    /// <summary>ENVID=, or null.</summary>
    public string? DsnEnvelopeId { get; set; }
    public bool SmtpUtf8 { get; set; }
    /// <summary>BODY= as declared: "7BIT", "8BITMIME", "BINARYMIME" or null.</summary>
    public string? BodyType { get; set; }
    /// <summary>Header lines written above the original bytes at delivery ("Name: value", possibly folded); no trailing CRLF needed.</summary>
    public List<string> PrependHeaders { get; set; } = new();
    /// <summary>The policy's tag-subject action: put in front of the original Subject at delivery, or null.</summary>
    public string? SubjectTag { get; set; }
    /// <summary>The policy's urgency for the message ("hoa-toc", ...) or null: an urgent message is handed to the
    /// delivery workers ahead of other due messages.</summary>
    public string? Urgency { get; set; }

    /// <summary>True when the message is urgent (any urgency the policy found).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsUrgent => !string.IsNullOrEmpty(Urgency) && Urgency != "none";
    public DateTime NextAttemptUtc { get; set; }
    public int Attempts { get; set; }
    public string? ClientIp { get; set; }
    public string? AuthenticatedUser { get; set; }
    /// <summary>
    /// The audit log's record of the transaction that queued the message, kept here, sealed and fsynced with the
    /// message before the 250, so that the audit log need not fsync it separately; null when there is none.
    /// </summary>
    public RawJson? AuditRecord { get; set; }

    /// <summary>
    /// Lowercase hex SHA-256 of the message bytes as accepted (the audit record's hash); delivery holds a message whose
    /// bytes no longer match (<see cref="Spool.CheckContent"/>). Null for messages the gateway made itself (bounces).
    /// </summary>
    public string? Sha256 { get; set; }

    public bool IsBounce => MailFrom.Length == 0;
}
