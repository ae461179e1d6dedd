namespace GovGateway.Audit;

/// <summary>A per-recipient delivery outcome, recorded as its own chained entry and joined to the transaction by queue id.</summary>
public sealed class AuditDelivery
{
    public string QueueId { get; set; } = "";
    public string Recipient { get; set; } = "";
    /// <summary>"queued", "delivered", "deferred" or "bounced" (see <see cref="AuditOutcomes"/>).</summary>
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
    public const string Deferred = "deferred";
    public const string Bounced = "bounced";
}
