namespace GovGateway.Audit;

/// <summary>What one journal entry carries: a transaction or a delivery outcome. The sequence number is in the entry header.</summary>
internal sealed class JournalPayload
{
    public string Kind { get; set; } = "";
    public AuditTransaction? Transaction { get; set; }
    public AuditDelivery? Delivery { get; set; }
}

/// <summary>Entry kinds of the chain.</summary>
internal static class EntryKinds
{
    public const string Transaction = "transaction";
    public const string Delivery = "delivery";
}

/// <summary>
/// A journal entry that is durable on disk: its sequence number and serialized <see cref="JournalPayload"/>, and the
/// payload object itself when this process wrote the entry (null when read back from a segment).
/// </summary>
internal readonly record struct JournalRecord(long Seq, byte[] Payload, JournalPayload? Parsed = null);
