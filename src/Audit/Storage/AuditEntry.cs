namespace GovGateway.Audit;

/// <summary>
/// One immutable link of the chain. A transaction and each of its delivery outcomes are separate entries. LiteDB keeps
/// the entry's canonical form (<see cref="Canonical"/>) inside a <see cref="ChainChunk"/>; this is that text read back.
/// </summary>
internal sealed class AuditEntry
{
    /// <summary>Sequence number; consecutive from 1, in journal order.</summary>
    public long Id { get; set; }
    public string Kind { get; set; } = "";
    /// <summary>The gateway node that recorded the entry (Node:Name); null in a single node's LiteDB log.</summary>
    public string? Node { get; set; }
    /// <summary>The transaction's or the delivery's time, copied up for the time index.</summary>
    public DateTime TimeUtc { get; set; }
    /// <summary>Queue id, copied up so deliveries join their transaction through one index.</summary>
    public string? QueueId { get; set; }
    public AuditTransaction? Transaction { get; set; }
    public AuditDelivery? Delivery { get; set; }
    /// <summary>
    /// A transaction's delivery entries stored in the same chunk after it, in sequence order; each is also an entry of
    /// the chain on its own. Null when none came with it (and always for a delivery entry).
    /// </summary>
    public List<AuditEntry>? Outcomes { get; set; }
    /// <summary>Hash of the entry before this one (the anchor's hash after a purge, zeros for the first ever).</summary>
    public string PrevHash { get; set; } = "";
    /// <summary>SHA-256 of the canonical form (PrevHash and this entry's content); computed from <see cref="Canonical"/> when read.</summary>
    public string Hash
    {
        get => _hash ??= Canonical is null ? "" : ChainHasher.HashOf(Canonical);
        set => _hash = value;
    }
    private string? _hash;

    /// <summary>The stored text of the entry (null for an entry read from a database of the older, per-entry layout).</summary>
    [LiteDB.BsonIgnore]
    public string? Canonical { get; set; }

    /// <summary>Transaction id, or "queue id → recipient" for a delivery: what a person looks for.</summary>
    public string Describe() =>
        Transaction is not null ? $"transaction {Transaction.Id} (queue {Transaction.QueueId}, {Transaction.TimeUtc:yyyy-MM-ddTHH:mm:ss.fffZ})"
        : Delivery is not null ? $"delivery {Delivery.QueueId} → {Delivery.Recipient} ({Delivery.Outcome}, {Delivery.TimeUtc:yyyy-MM-ddTHH:mm:ss.fffZ})"
        : $"entry of kind '{Kind}'";
}

/// <summary>Chain bookkeeping kept in the "meta" collection: where the chain starts (after purges) and where it ends.</summary>
internal sealed class ChainPoint
{
    /// <summary>"anchor" or "head".</summary>
    public string Id { get; set; } = "";
    public long Seq { get; set; }
    public string Hash { get; set; } = "";
}
