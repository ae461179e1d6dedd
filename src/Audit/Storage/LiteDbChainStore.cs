namespace GovGateway.Audit;

/// <summary>
/// The embedded store: one node's chain in DATA/audit/audit.db (<see cref="AuditStore"/>), checked against DATA/audit/head.
/// Each entry names the node that recorded it (Node:Name) inside its hashed text, as the shared store's entries do, so
/// logs gathered from several machines still say where each record came from.
/// </summary>
internal sealed class LiteDbChainStore(AuditStore store, string? node = null) : IChainStore
{
    public AuditStore Store { get; } = store;

    public void AppendBatch(IReadOnlyList<AuditEntry> batch)
    {
        if (node is not null)
            foreach (var entry in batch) entry.Node ??= node;
        Store.AppendBatch(batch);
    }

    public void Checkpoint() => Store.Checkpoint();

    public HashSet<string> TransactionIdsSince(DateTime sinceUtc) => Store.TransactionIdsSince(sinceUtc);

    public int Purge(DateTime olderThanUtc) => Store.Purge(olderThanUtc);

    public AuditQueryResult Query(AuditQuery query) => AuditQueryEngine.Run(Store, query);

    public AuditStats Stats(DateTime? since, DateTime? until, TimeSpan dayOffset) => StatsBuilder.Build(Store, since, until, dayOffset);

    public IEnumerable<AuditTransaction> Transactions(DateTime? since, DateTime? until)
    {
        var (from, to) = StatsBuilder.Range(since, until);
        return Store.InRange(from, to).Select(e => e.Transaction).OfType<AuditTransaction>();
    }

    public AuditVerifyResult Verify() => ChainVerifier.Verify(Store);

    public int RebuildLookup() => Store.RebuildLookup();

    public void Dispose() => Store.Dispose();
}
