namespace GovGateway.Audit;

/// <summary>
/// Where journaled entries end up: LiteDB in the data folder (<see cref="LiteDbChainStore"/>) or a PostgreSQL database
/// shared by several nodes (<see cref="PostgresChainStore"/>). <see cref="AuditLog"/> journals, batches and retries;
/// a store links each batch into its chain and answers auditors.
/// </summary>
internal interface IChainStore : IDisposable
{
    /// <summary>
    /// Links and stores entries in sequence order, skipping those already stored (replay and retries are idempotent).
    /// Throws when the store cannot take them; the entries stay in the journal and the caller retries.
    /// </summary>
    void AppendBatch(IReadOnlyList<AuditEntry> batch);

    /// <summary>
    /// Makes what <see cref="AppendBatch"/> stored durable and records the head in DATA/audit/head; after it the journal
    /// segments covered may be deleted.
    /// </summary>
    void Checkpoint();

    /// <summary>Ids of this node's stored transactions with a time at or after <paramref name="sinceUtc"/>.</summary>
    HashSet<string> TransactionIdsSince(DateTime sinceUtc);

    /// <summary>Removes this node's oldest entries older than the cutoff, keeping the chain verifiable from an anchor.</summary>
    int Purge(DateTime olderThanUtc);

    AuditQueryResult Query(AuditQuery query);

    AuditStats Stats(DateTime? since, DateTime? until, TimeSpan dayOffset);

    /// <summary>This store's transactions with a time in [since, until), without their outcomes.</summary>
    IEnumerable<AuditTransaction> Transactions(DateTime? since, DateTime? until);

    AuditVerifyResult Verify();

    int RebuildLookup();
}
