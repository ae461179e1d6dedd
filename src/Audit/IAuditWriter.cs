namespace GovGateway.Audit;

/// <summary>
/// What the gateway records: transactions (before their reply), delivery outcomes and administrators' actions. Every
/// record is durable in the node's local journal before the call (or <see cref="WhenDurableAsync"/>) completes; the
/// store (LiteDB or PostgreSQL) receives it afterwards.
/// </summary>
public interface IAuditWriter
{
    /// <summary>Records a transaction; returns when it is durable. Fills the id and time when unset; the log keeps the object.</summary>
    ValueTask AppendAsync(AuditTransaction record, CancellationToken ct = default);

    /// <summary>
    /// The journal form of a transaction, for a caller that makes it durable itself before replying (the spool seals it
    /// into the queue file) and then hands it over with <see cref="AppendCarried"/>. Throws
    /// <see cref="AuditLogUnavailableException"/> when the journal has failed, so the caller refuses before committing.
    /// </summary>
    CarriedAuditRecord Carry(AuditTransaction record);

    /// <summary>Queues a carried record for the journal's next group commit without waiting.</summary>
    void AppendCarried(CarriedAuditRecord record);

    /// <summary>Records one recipient's delivery outcome (joined to its transaction by queue id) with the next group commit, without waiting.</summary>
    void RecordDelivery(AuditDelivery outcome);

    /// <summary>Records one recipient's delivery outcome; durable on return.</summary>
    ValueTask RecordDeliveryAsync(AuditDelivery outcome, CancellationToken ct = default);

    /// <summary>Records an administrator's action durably; <paramref name="uid"/> is the OS user id the caller checked.</summary>
    Task RecordAdminAsync(AdminAction action, uint? uid, CancellationToken ct = default);

    /// <summary>Completes when everything queued before the call is on disk in the journal; <paramref name="now"/> skips the commit delay.</summary>
    Task WhenDurableAsync(bool now = false);

    /// <summary>After a crash: appends the carried records the log lacks; returns how many.</summary>
    Task<int> RecoverCarriedAsync(IEnumerable<byte[]> carried, CancellationToken ct = default);

    /// <summary>True when new transactions should be refused: too little free space for the journal, or a failed journal write.</summary>
    bool IsShortOfSpace(out long freeBytes);

    /// <summary>Records journaled on this node that the store does not hold yet (grows while a shared store is unreachable).</summary>
    long Backlog { get; }

    /// <summary>
    /// Why the log cannot record now (the journal cannot write, the writer that feeds the store has stopped), or null.
    /// A store that is slow or unreachable is not a problem here: the journal keeps the records and <see cref="Backlog"/> grows.
    /// </summary>
    string? HealthProblem { get; }
}
