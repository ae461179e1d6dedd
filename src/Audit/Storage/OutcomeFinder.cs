namespace GovGateway.Audit;

/// <summary>
/// Finds a transaction's delivery outcomes where the writer put them (<see cref="AuditStore.Store"/>): in the
/// transaction's own chunk after it, in the chunk right after that one, and through a reference
/// (<see cref="OutcomeRefs"/>) for any stored later still. One finder serves one query, with the lookup blocks that
/// query read (<see cref="LookupIndex.All"/>); it keeps the two chunks it read last, since a query's results mostly
/// come from the same few chunks in turn.
/// </summary>
internal sealed class OutcomeFinder(AuditStore store, IReadOnlyList<LookupBlock> blocks)
{
    private ChainChunk? _own;
    private ChainChunk? _next;

    /// <summary>The outcomes of <paramref name="transaction"/>, in chain order.</summary>
    public List<AuditEntry> Of(AuditEntry transaction)
    {
        if (string.IsNullOrEmpty(transaction.QueueId)) return [];
        string queue = transaction.QueueId;
        var found = new SortedDictionary<long, AuditEntry>();
        if (transaction.Transaction?.Decision == AuditDecisions.Accepted && Chunk(transaction.Id) is { } own && own.First <= transaction.Id)
        {
            var next = Chunk(own.Last + 1) is { } n && n.First == own.Last + 1 ? n : null;
            (_own, _next) = (own, next);
            foreach (var e in own.OutcomesOf(queue, transaction.Id)) found[e.Id] = e;
            foreach (var e in next?.OutcomesOf(queue, transaction.Id) ?? []) found[e.Id] = e;
        }
        // After a restart, or in a rebuilt index, outcomes in the next chunk have a reference too: listed once.
        foreach (var e in store.ReferencedOutcomes(blocks, queue, transaction.Id)) found[e.Id] = e;
        return [.. found.Values];
    }

    private ChainChunk? Chunk(long seq)
    {
        foreach (var c in (ReadOnlySpan<ChainChunk?>)[_own, _next])
            if (c is not null && seq >= c.First && seq <= c.Last) return c;
        return store.ChunkHolding(seq);
    }
}
