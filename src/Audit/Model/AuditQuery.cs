namespace GovGateway.Audit;

/// <summary>
/// Filters of <c>gateway audit query</c>. Every filter set must match.
/// Since/Until and MessageId use LiteDB indexes; the other filters run in memory over the indexed time range.
/// </summary>
public sealed class AuditQuery
{
    /// <summary>The --class value that stands for every official document class (invitation, report, ...).</summary>
    public const string OfficialClass = "official";

    /// <summary>Inclusive lower bound on the transaction time (UTC).</summary>
    public DateTime? Since { get; set; }
    /// <summary>Exclusive upper bound on the transaction time (UTC).</summary>
    public DateTime? Until { get; set; }
    /// <summary>Envelope sender: a full address matches exactly (case-insensitive); "@domain" or "domain" matches the sender's domain.</summary>
    public string? Sender { get; set; }
    /// <summary>A recipient address contains this text (case-insensitive).</summary>
    public string? Recipient { get; set; }
    /// <summary>The message or one of its attachments has this class.</summary>
    public string? Class { get; set; }
    public string? Decision { get; set; }
    /// <summary>S/MIME status or any attachment's signature status equals this; "none" matches messages without any.</summary>
    public string? Signature { get; set; }
    /// <summary>A matched rule has this name.</summary>
    public string? Rule { get; set; }
    /// <summary>Subject contains this text, folding case and Vietnamese diacritics (NFC/NFD alike, đ→d).</summary>
    public string? Subject { get; set; }
    /// <summary>Message-ID, with or without angle brackets.</summary>
    public string? MessageId { get; set; }
    /// <summary>An attachment's number/symbol contains this text (case- and diacritic-insensitive), e.g. "56/TB-VPCP".</summary>
    public string? Symbol { get; set; }
    /// <summary>The transaction received under this queue id (the console's detail page).</summary>
    public string? QueueId { get; set; }
    /// <summary>The transaction with this record id (the console's detail page, for records without a queue id).</summary>
    public string? RecordId { get; set; }
    /// <summary>Most transactions returned, newest first.</summary>
    public int Limit { get; set; } = 100;
}

/// <summary>Transactions found by a query, newest first, each with its delivery outcomes.</summary>
public sealed class AuditQueryResult
{
    public List<AuditRecordView> Records { get; set; } = [];
    /// <summary>True when more transactions matched than the limit allowed.</summary>
    public bool Truncated { get; set; }
}

/// <summary>A stored transaction joined with its delivery entries.</summary>
public sealed class AuditRecordView
{
    /// <summary>Sequence number of the transaction's chain entry.</summary>
    public long Seq { get; set; }
    /// <summary>The node whose chain holds the entry (a shared PostgreSQL store); null in a single node's log.</summary>
    public string? Node { get; set; }
    public string Hash { get; set; } = "";
    public AuditTransaction Transaction { get; set; } = new();
    /// <summary>Latest outcome per envelope recipient ("none" when nothing was recorded for it).</summary>
    public List<AuditRecipientStatus> RecipientStatus { get; set; } = [];
    /// <summary>Every delivery entry for the queue id, in the order recorded.</summary>
    public List<AuditDelivery> Deliveries { get; set; } = [];
}

/// <summary>Where one recipient's delivery stands.</summary>
public sealed class AuditRecipientStatus
{
    public string Recipient { get; set; } = "";
    public string Outcome { get; set; } = "";
    public string? Reply { get; set; }
    public DateTime? TimeUtc { get; set; }
}
