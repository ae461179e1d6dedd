namespace GovGateway.Audit;

/// <summary>
/// Follows, chunk by chunk in chain order, where readers (<see cref="OutcomeFinder"/>) look for a delivery outcome: in
/// its transaction's chunk after that transaction, in the chunk right after it, or through the reference in the lookup
/// block of the outcome's number. It splits each chunk by the writer's own rules (<see cref="OutcomePlacement.Group"/>,
/// <see cref="OutcomePlacement.StoredChunk"/>) and names the first outcome that none of these would find.
/// </summary>
internal sealed class OutcomeLocator(LookupIndex lookup)
{
    private OutcomePlacement.StoredChunk? _previous;
    private long _refsBlock = -1;
    private HashSet<(string Queue, long Seq)> _refs = [];
    private LookupBlock? _block;

    /// <summary>
    /// The first outcome of <paramref name="chunk"/> (its entries parsed, in order: <paramref name="entries"/>) that a
    /// reader would not find, with the lookup block whose reference is missing; null when every one is found.
    /// </summary>
    public (AuditEntry Outcome, long Block)? FirstUnreferenced(ChainChunk chunk, List<AuditEntry> entries)
    {
        var (transactions, later) = OutcomePlacement.Group(entries);
        (AuditEntry, long)? missing = null;
        foreach (var outcome in OutcomePlacement.NeedingReference(later, _previous, chunk.First))
        {
            string queue = outcome.QueueId!;
            long number = LookupBlock.NumberOf(outcome.Id);
            if (!IsReferenced(number, queue, outcome.Id))
            {
                missing = (outcome, number);
                break;
            }
        }
        _previous = OutcomePlacement.StoredChunk.Of(chunk.Last, transactions);
        return missing;
    }

    private bool IsReferenced(long number, string queue, long seq)
    {
        if (_refsBlock != number)
        {
            var refs = lookup.FindRefs(number);
            _refs = refs.Queues.Zip(refs.Seqs).ToHashSet();
            _block = lookup.Find(number);
            _refsBlock = number;
        }
        return _refs.Contains((queue, seq)) && _block is not null && _block.MayContain(LookupKeys.Outcome(queue));
    }
}
