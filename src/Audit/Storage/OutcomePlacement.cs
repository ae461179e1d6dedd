namespace GovGateway.Audit;

/// <summary>
/// The one rule for where the LiteDB store keeps a delivery outcome, which the writer (<see cref="AuditStore"/>), the
/// readers (<see cref="OutcomeFinder"/>, <see cref="ChainChunk"/>) and the verifier (<see cref="OutcomeLocator"/>) all
/// apply through this type: with its transaction when both are in one chunk; in the chunk right after its accepted
/// transaction's, found by looking there; anywhere else with a reference in the lookup block of its number.
/// </summary>
internal static class OutcomePlacement
{
    /// <summary>
    /// The last entry of a stored chunk and the queue ids of its accepted transactions: what decides which outcomes of the
    /// chunk after it need no reference. The writer and the verifier (<see cref="OutcomeLocator"/>) both go through it.
    /// </summary>
    public sealed record StoredChunk(long Last, HashSet<string> Accepted)
    {
        /// <summary>The chunk ending at <paramref name="last"/>, with <paramref name="transactions"/> as <see cref="Group"/> gives them.</summary>
        public static StoredChunk Of(long last, IEnumerable<AuditEntry> transactions) => new(last, transactions
            .Where(t => t.QueueId is not null && t.Transaction?.Decision == AuditDecisions.Accepted)
            .Select(t => t.QueueId!).ToHashSet(StringComparer.Ordinal));

        /// <summary>
        /// Whether readers find <paramref name="outcome"/>, left over by <see cref="Group"/> in the chunk starting at
        /// <paramref name="chunkFirst"/>, by looking in the chunk right after its accepted transaction's (this one).
        /// </summary>
        public bool TakesFromNextChunk(long chunkFirst, AuditEntry outcome) =>
            Last == chunkFirst - 1 && outcome.QueueId is { } queue && Accepted.Contains(queue);
    }

    /// <summary>
    /// Transactions of one chunk, each carrying the outcomes of the chunk that follow it (most messages are delivered
    /// within the batch that records their acceptance), and the outcomes left over, which get a reference. The writer and
    /// every reader group a chunk through this, so they agree on which outcomes are found where.
    /// </summary>
    public static (List<AuditEntry> Transactions, List<AuditEntry> Later) Group(List<AuditEntry> chunk)
    {
        var transactions = new List<AuditEntry>(chunk.Count);
        var later = new List<AuditEntry>();
        var accepted = new Dictionary<string, AuditEntry>(StringComparer.Ordinal);
        foreach (var entry in chunk)
        {
            if (entry.Kind == EntryKinds.Delivery)
            {
                if (entry.QueueId is { } queue && accepted.TryGetValue(queue, out var owner)) (owner.Outcomes ??= []).Add(entry);
                else later.Add(entry);
                continue;
            }
            entry.Outcomes = null; // a retried batch groups again from scratch
            transactions.Add(entry);
            if (entry.QueueId is { } id && entry.Transaction?.Decision == AuditDecisions.Accepted) accepted[id] = entry;
        }
        return (transactions, later);
    }

    /// <summary>
    /// The outcomes left over by <see cref="Group"/> in the chunk starting at <paramref name="chunkFirst"/> that get a
    /// reference: all but those found next to their transaction in <paramref name="previous"/>, the chunk before, and
    /// those without a queue id (no transaction could be joined to them).
    /// </summary>
    public static IEnumerable<AuditEntry> NeedingReference(IEnumerable<AuditEntry> later, StoredChunk? previous, long chunkFirst) =>
        later.Where(o => o.QueueId is { Length: > 0 } && previous?.TakesFromNextChunk(chunkFirst, o) != true);
}
