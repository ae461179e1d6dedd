namespace GovGateway.Audit;

/// <summary>A per-recipient delivery outcome, recorded as its own chained entry and joined to the transaction by queue id.</summary>
public sealed class AuditDelivery
{
    public string QueueId { get; set; } = "";
    public string Recipient { get; set; } = "";
    /// <summary>"queued", "delivered", "outbox", "deferred" or "bounced" (see <see cref="AuditOutcomes"/>).</summary>
    public string Outcome { get; set; } = "";
    /// <summary>The upstream's reply text.</summary>
    public string? Reply { get; set; }
    public DateTime TimeUtc { get; set; }
}

/// <summary>Delivery outcome values the pipeline uses.</summary>
public static class AuditOutcomes
{
    public const string Queued = "queued";
    public const string Delivered = "delivered";
    /// <summary>Written to the outbox folder because no upstream is configured; not delivered to a mail server.</summary>
    public const string Outbox = "outbox";
    public const string Deferred = "deferred";
    public const string Bounced = "bounced";
}
