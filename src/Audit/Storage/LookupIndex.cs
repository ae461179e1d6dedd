using LiteDB;

namespace GovGateway.Audit;

/// <summary>
/// The "lookup" collection: one <see cref="LookupBlock"/> per run of chain numbers, and "outcome_refs": the
/// <see cref="OutcomeRefs"/> of the same runs, both written in the same LiteDB transaction as the batch they describe.
/// The writer keeps the newest block and its references in memory, so a batch costs one upsert of each document it
/// touched, not a read. Callers hold the store's write lock for every method that changes them.
/// </summary>
internal sealed class LookupIndex(ILiteCollection<BsonDocument> blocks, ILiteCollection<BsonDocument> refs)
{
    public const string Collection = "lookup";

    private LookupBlock? _latest;
    private OutcomeRefs? _latestRefs;

    /// <summary>
    /// Adds a batch's transactions, and the outcomes that need a reference (see <see cref="AuditStore"/>), to their blocks
    /// and stores the documents it touched (inside the caller's transaction).
    /// </summary>
    public void Record(IEnumerable<AuditEntry> transactions, IEnumerable<AuditEntry> referenced)
    {
        // Each document is taken once per batch: an outcome may fall in an earlier block than the batch's last
        // transaction, and reading that block again from LiteDB would drop what this batch added to it.
        var touched = new Dictionary<long, LookupBlock>();
        var touchedRefs = new Dictionary<long, OutcomeRefs>();
        LookupBlock BlockOf(long number) => touched.TryGetValue(number, out var b) ? b : touched[number] = Block(number);
        foreach (var entry in transactions)
        {
            if (entry.Transaction is null) continue;
            BlockOf(LookupBlock.NumberOf(entry.Id)).Add(entry);
        }
        foreach (var outcome in referenced)
        {
            if (string.IsNullOrEmpty(outcome.QueueId)) continue;
            long number = LookupBlock.NumberOf(outcome.Id);
            BlockOf(number).Add(LookupKeys.Outcome(outcome.QueueId));
            if (!touchedRefs.TryGetValue(number, out var list)) touchedRefs[number] = list = Refs(number);
            list.Add(outcome.QueueId, outcome.Id);
        }
        foreach (var block in touched.Values) blocks.Upsert(block.ToDocument());
        foreach (var list in touchedRefs.Values) refs.Upsert(list.ToDocument());
    }

    /// <summary>
    /// Numbers after <paramref name="afterSeq"/> of outcomes of <paramref name="queue"/> stored under a reference, read
    /// only from the blocks of <paramref name="candidates"/> (all blocks, in number order) whose filter may hold it.
    /// </summary>
    public IEnumerable<long> ReferencedOutcomes(IReadOnlyList<LookupBlock> candidates, string queue, long afterSeq)
    {
        string key = LookupKeys.Outcome(queue);
        foreach (var block in candidates)
        {
            if (block.LastSeq <= afterSeq || !block.MayContain(key)) continue;
            foreach (var seq in FindRefs(block.Number).Of(queue))
                if (seq > afterSeq) yield return seq;
        }
    }

    /// <summary>Every readable block, in number order.</summary>
    public List<LookupBlock> All() => [.. blocks.FindAll().Select(LookupBlock.FromDocument).OfType<LookupBlock>().OrderBy(b => b.Number)];

    /// <summary>Forgets the in-memory documents: the LiteDB transaction that changed them was rolled back.</summary>
    public void Discard()
    {
        _latest = null;
        _latestRefs = null;
    }

    private LookupBlock Block(long number)
    {
        if (_latest?.Number == number) return _latest;
        var stored = blocks.FindById(number) is { } doc ? LookupBlock.FromDocument(doc) : null;
        var block = stored ?? LookupBlock.Empty(number);
        if (_latest is null || number >= _latest.Number) _latest = block;
        return block;
    }

    private OutcomeRefs Refs(long number)
    {
        if (_latestRefs?.Number == number) return _latestRefs;
        var list = FindRefs(number);
        if (_latestRefs is null || number >= _latestRefs.Number) _latestRefs = list;
        return list;
    }

    /// <summary>
    /// Recomputes every block and reference from the stored chain (inside the caller's transaction): for a database
    /// written before blocks existed, or whose blocks were lost. <paramref name="chunks"/> are the stored chunks in
    /// order, each as <see cref="AuditStore.Group"/> splits it; every outcome not stored with its transaction gets a
    /// reference. Returns the transactions listed.
    /// </summary>
    public int Rebuild(IEnumerable<(List<AuditEntry> Transactions, List<AuditEntry> Later)> chunks)
    {
        blocks.DeleteAll();
        refs.DeleteAll();
        Discard();
        int count = 0;
        foreach (var (transactions, later) in chunks)
        {
            Record(transactions, later);
            count += transactions.Count;
        }
        return count;
    }

    /// <summary>Removes the blocks whose every number is at or below <paramref name="seq"/> (purged).</summary>
    public void PurgeThrough(long seq)
    {
        long lastWhole = LookupBlock.NumberOf(seq + 1) - 1;
        if (lastWhole < 0) return;
        blocks.DeleteMany(Query.LTE("_id", lastWhole));
        refs.DeleteMany(Query.LTE("_id", lastWhole));
        if (_latest is not null && _latest.Number <= lastWhole) _latest = null;
        if (_latestRefs is not null && _latestRefs.Number <= lastWhole) _latestRefs = null;
    }

    public bool IsEmpty => !blocks.Exists(Query.All());


    /// <summary>The outcome references stored for block <paramref name="number"/> (empty when there are none).</summary>
    public OutcomeRefs FindRefs(long number) => refs.FindById(number) is { } doc ? OutcomeRefs.FromDocument(doc) : OutcomeRefs.Empty(number);

    /// <summary>The stored block with this number, or null when there is none or it is not a block.</summary>
    public LookupBlock? Find(long number) => blocks.FindById(number) is { } doc ? LookupBlock.FromDocument(doc) : null;

    /// <summary>Of <paramref name="all"/> (<see cref="All"/>), the blocks that may hold a transaction with every key in the time range.</summary>
    public static IEnumerable<LookupBlock> Candidates(IEnumerable<LookupBlock> all, IReadOnlyList<string> keys, DateTime since, DateTime until) =>
        all.Where(b => b.Overlaps(since, until) && keys.All(b.MayContain));
}
