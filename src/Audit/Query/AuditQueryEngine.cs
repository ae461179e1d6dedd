namespace GovGateway.Audit;

/// <summary>
/// Runs <see cref="AuditQuery"/> against the store: the lookup blocks narrow the time range, Message-ID and sender to
/// runs of entries, read newest first. Recipient, class, decision, signature, rule, subject and symbol filters are
/// applied in memory to what the blocks yield, and stop as soon as the limit is reached.
/// </summary>
internal static class AuditQueryEngine
{
    public static AuditQueryResult Run(AuditStore store, AuditQuery q)
    {
        if (q.Limit <= 0) throw new ArgumentOutOfRangeException(nameof(q), q.Limit, "--limit must be positive.");
        var filter = new TransactionFilter(q);
        var result = new AuditQueryResult();

        // The lookup blocks are read once per query, for the candidates and for outcome references alike.
        var blocks = store.Lookup.All();
        var outcomes = new OutcomeFinder(store, blocks);
        foreach (var entry in Candidates(store, blocks, q))
        {
            if (entry.Transaction is null || !filter.Matches(entry.Transaction)) continue;
            if (result.Records.Count == q.Limit)
            {
                result.Truncated = true;
                break;
            }
            result.Records.Add(Join(entry, outcomes.Of(entry)));
        }
        return result;
    }

    /// <summary>Transaction entries in the time range (and with the Message-ID and sender asked for), newest first.</summary>
    private static IEnumerable<AuditEntry> Candidates(AuditStore store, IReadOnlyList<LookupBlock> blocks, AuditQuery q)
    {
        var since = q.Since is { } s ? ChainHasher.Normalize(s) : DateTime.MinValue;
        var until = q.Until is { } u ? ChainHasher.NormalizeUpperBound(u) : DateTime.MaxValue;

        // Message-ID and sender (address or domain) are found through the lookup blocks; both together narrow to blocks with both.
        var keys = new List<string>(2);
        if (LookupKeys.MessageId(q.MessageId) is { } m) keys.Add(m);
        if (LookupKeys.Sender(q.Sender) is { } sender) keys.Add(sender);
        return store.FindByKeys(blocks, keys, since, until);
    }

    /// <summary>The transaction with its delivery entries (<paramref name="outcomes"/>, in chain order) and each recipient's latest outcome.</summary>
    internal static AuditRecordView Join(AuditEntry entry, IReadOnlyList<AuditEntry> outcomes)
    {
        var tx = entry.Transaction!;
        var deliveries = outcomes
            .Where(e => e.Kind == EntryKinds.Delivery && e.Delivery is not null)
            .Select(e => e.Delivery!)
            .ToList();

        var latest = new Dictionary<string, AuditDelivery>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in deliveries) latest[d.Recipient] = d;

        var status = tx.Recipients.Select(r => latest.TryGetValue(r, out var d)
                ? new AuditRecipientStatus { Recipient = r, Outcome = d.Outcome, Reply = d.Reply, TimeUtc = d.TimeUtc }
                // An accepted transaction is itself the record that its recipients were queued.
                : new AuditRecipientStatus { Recipient = r, Outcome = tx.Decision == AuditDecisions.Accepted ? AuditOutcomes.Queued : "none", TimeUtc = tx.TimeUtc })
            .ToList();
        // Outcomes for addresses not in the envelope list (e.g. after expansion upstream) are still shown.
        foreach (var d in latest.Values.Where(d => !tx.Recipients.Contains(d.Recipient, StringComparer.OrdinalIgnoreCase)))
            status.Add(new AuditRecipientStatus { Recipient = d.Recipient, Outcome = d.Outcome, Reply = d.Reply, TimeUtc = d.TimeUtc });

        return new AuditRecordView { Seq = entry.Id, Node = entry.Node, Hash = entry.Hash, Transaction = tx, Deliveries = deliveries, RecipientStatus = status };
    }
}
