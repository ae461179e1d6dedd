namespace GovGateway.Audit;

/// <summary>A per-recipient delivery outcome, recorded as its own chained entry and joined to the transaction by queue id.</summary>
public sealed class AuditDelivery
{
    public string QueueId { get; set; } = "";
    public string Recipient { get; set; } = "";
    /// <summary>"queued", "delivered", "outbox", "deferred", "bounced", "damaged", "withdrawn", or an administrator's "deleted", "released" or "retry-requested" (see <see cref="AuditOutcomes"/>).</summary>
    public string Outcome { get; set; } = "";
    /// <summary>The upstream's reply text; for an administrator's action, the command, who ran it and the OS user id.</summary>
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
    /// <summary>The queue file was damaged (envelope unreadable, or its bytes changed after acceptance) and moved aside to spool/corrupt/: final unless an administrator acts.</summary>
    public const string Damaged = "damaged";
    /// <summary>Accepted and committed, but the client left before the 250 reached it: removed before delivery (it will send again). Final.</summary>
    public const string Withdrawn = "withdrawn";

    // An administrator's actions (gateway queue / quarantine), recorded with who ran the command.
    /// <summary>Removed from the queue or the quarantine without delivery: final.</summary>
    public const string Deleted = "deleted";
    /// <summary>Released from quarantine into the delivery queue; delivery outcomes follow.</summary>
    public const string Released = "released";
    /// <summary>An administrator asked for a delivery attempt now; delivery outcomes follow.</summary>
    public const string RetryRequested = "retry-requested";

    /// <summary>The outcomes an administrator's command may record.</summary>
    public static readonly IReadOnlySet<string> AdminActions = new HashSet<string>(StringComparer.Ordinal) { Deleted, Released, RetryRequested };
}
