using LiteDB;

namespace GovGateway.Audit;

/// <summary>
/// A run of consecutive chain entries stored as one LiteDB document of the "chain" collection: _id is the number of
/// its last entry, First the number of its first, Entries their canonical forms in order (the text each hash is taken
/// over, readable in any LiteDB viewer). The writer stores each batch as one chunk (split past <see cref="MaxBytes"/>):
/// one document insert instead of one per entry with every field converted to BSON, which was half of what the audit
/// log cost per message.
/// </summary>
internal sealed class ChainChunk
{
    public const string Collection = "chain";

    /// <summary>Most text in one chunk; LiteDB's limit for a document is about 16 MiB.</summary>
    public const int MaxBytes = 1 << 20;

    public ChainChunk(long first, List<string> entries)
    {
        First = first;
        Entries = entries;
    }

    public long First { get; }
    public long Last => First + Entries.Count - 1;
    public List<string> Entries { get; }

    public BsonDocument ToDocument()
    {
        var entries = new BsonArray();
        foreach (var e in Entries) entries.Add(e);
        return new BsonDocument { ["_id"] = Last, ["First"] = First, ["Entries"] = entries };
    }

    /// <summary>The chunk in <paramref name="doc"/>; entries that are not text (edited by hand) read as empty text.</summary>
    public static ChainChunk FromDocument(BsonDocument doc)
    {
        var entries = doc["Entries"] is { IsArray: true } array
            ? array.AsArray.Select(v => v.IsString ? v.AsString : "").ToList()
            : [];
        long first = doc["First"] is { IsNumber: true } f ? f.AsInt64 : doc["_id"].IsNumber ? doc["_id"].AsInt64 - entries.Count + 1 : 0;
        return new ChainChunk(first, entries);
    }

    /// <summary>
    /// The entries read back, in stored order, each transaction carrying the outcomes of its own chunk
    /// (<see cref="OutcomePlacement.Group"/>). Text that is not an entry is skipped here; the verifier reports it.
    /// </summary>
    public List<AuditEntry> Read()
    {
        var entries = Parse();
        OutcomePlacement.Group(entries);
        return entries;
    }

    /// <summary>The entries read back, in stored order, not grouped. Text that is not an entry is skipped.</summary>
    public List<AuditEntry> Parse()
    {
        var entries = new List<AuditEntry>(Entries.Count);
        foreach (var text in Entries)
            if (EntryCodec.TryParse(text) is { } e) entries.Add(e);
        return entries;
    }

    /// <summary>
    /// Only the transactions, without their outcomes (<see cref="OutcomeFinder"/> finds those for the few that
    /// need them), and of those only the ones whose text contains every needle (ignoring ASCII case): outcomes
    /// are half the entries, and a lookup by key would otherwise parse every entry of its blocks.
    /// </summary>
    public IEnumerable<AuditEntry> ReadTransactions(IReadOnlyList<string>? needles = null)
    {
        foreach (var text in Entries)
        {
            if (EntryCodec.IsDelivery(text)) continue;
            if (needles is not null && !needles.All(n => text.Contains(n, StringComparison.OrdinalIgnoreCase))) continue;
            if (EntryCodec.TryParse(text) is { Kind: EntryKinds.Transaction } e) yield return e;
        }
    }

    /// <summary>
    /// Deliveries of <paramref name="queue"/> stored in this chunk after entry <paramref name="afterSeq"/> (an accepted
    /// transaction of that queue id, here or in the chunk before), up to another accepted transaction of that queue id:
    /// the outcomes <see cref="OutcomePlacement.Group"/> puts with a transaction of its own chunk, or that the writer stored
    /// in the next chunk without a reference.
    /// </summary>
    public List<AuditEntry> OutcomesOf(string queue, long afterSeq)
    {
        var outcomes = new List<AuditEntry>();
        long start = Math.Max(0, afterSeq - First + 1);
        if (start >= Entries.Count) return outcomes;
        string needle = $"\"queue\":\"{System.Text.Json.JsonEncodedText.Encode(queue)}\"";
        for (int i = (int)start; i < Entries.Count; i++)
        {
            var text = Entries[i];
            if (!text.Contains(needle, StringComparison.Ordinal)) continue;
            if (EntryCodec.TryParse(text) is not { } e || e.QueueId != queue) continue;
            if (e.Kind == EntryKinds.Delivery) outcomes.Add(e);
            else if (e.Transaction?.Decision == AuditDecisions.Accepted) break; // a later accepted one takes what follows
        }
        return outcomes;
    }
}
