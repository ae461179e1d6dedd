using LiteDB;

namespace GovGateway.Audit;

/// <summary>
/// The "lookup" collection: one <see cref="LookupBlock"/> per run of chain numbers, written in the same LiteDB
/// transaction as the batch it describes. The writer keeps the newest block in memory, so a batch costs one upsert of
/// the block(s) it touched, not a read. Callers hold the store's write lock for every method that changes it.
/// </summary>
internal sealed class LookupIndex(ILiteCollection<BsonDocument> blocks)
{
    public const string Collection = "lookup";

    private LookupBlock? _latest;

    /// <summary>Adds a batch's transactions to their blocks and stores the blocks it touched (inside the caller's transaction).</summary>
    public void Record(IEnumerable<AuditEntry> transactions)
    {
        List<LookupBlock>? touched = null;
        foreach (var entry in transactions)
        {
            if (entry.Transaction is null) continue;
            var block = Block(LookupBlock.NumberOf(entry.Id));
            block.Add(entry);
            touched ??= [];
            if (!touched.Contains(block)) touched.Add(block);
        }
        foreach (var block in touched ?? []) blocks.Upsert(block.ToDocument());
    }

    /// <summary>Forgets the in-memory block: the LiteDB transaction that changed it was rolled back.</summary>
    public void Discard() => _latest = null;

    private LookupBlock Block(long number)
    {
        if (_latest?.Number == number) return _latest;
        var stored = blocks.FindById(number) is { } doc ? LookupBlock.FromDocument(doc) : null;
        var block = stored ?? LookupBlock.Empty(number);
        if (_latest is null || number >= _latest.Number) _latest = block;
        return block;
    }

    /// <summary>
    /// Recomputes every block from the stored transactions (inside the caller's transaction): for a database written
    /// before blocks existed, or whose blocks were lost.
    /// </summary>
    public int Rebuild(IEnumerable<AuditEntry> transactions)
    {
        blocks.DeleteAll();
        _latest = null;
        var built = new Dictionary<long, LookupBlock>();
        int count = 0;
        foreach (var entry in transactions)
        {
            if (entry.Transaction is null) continue;
            long number = LookupBlock.NumberOf(entry.Id);
            if (!built.TryGetValue(number, out var block)) built[number] = block = LookupBlock.Empty(number);
            block.Add(entry);
            count++;
        }
        foreach (var block in built.Values) blocks.Insert(block.ToDocument());
        return count;
    }

    /// <summary>Removes the blocks whose every number is at or below <paramref name="seq"/> (purged).</summary>
    public void PurgeThrough(long seq)
    {
        long lastWhole = LookupBlock.NumberOf(seq + 1) - 1;
        if (lastWhole >= 0) blocks.DeleteMany(Query.LTE("_id", lastWhole));
        if (_latest is not null && _latest.Number <= lastWhole) _latest = null;
    }

    public bool IsEmpty => !blocks.Exists(Query.All());


    /// <summary>The stored block with this number, or null when there is none or it is not a block.</summary>
    public LookupBlock? Find(long number) => blocks.FindById(number) is { } doc ? LookupBlock.FromDocument(doc) : null;

    /// <summary>Blocks that may hold a transaction with every key in the time range.</summary>
    public IEnumerable<LookupBlock> Candidates(IReadOnlyList<string> keys, DateTime since, DateTime until) =>
        blocks.FindAll().Select(LookupBlock.FromDocument).OfType<LookupBlock>().Where(b => b.Overlaps(since, until) && keys.All(b.MayContain));
}
