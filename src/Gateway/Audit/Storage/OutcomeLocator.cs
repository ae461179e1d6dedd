namespace GovGateway.Audit;

/// <summary>
/// Follows, chunk by chunk in chain order, where readers (<see cref="OutcomeFinder"/>) look for a delivery outcome: in
/// its transaction's chunk after that transaction, in the chunk right after it, or through the reference in the lookup
/// block of the outcome's number. Names the outcomes that none of these would find.
/// </summary>
internal sealed class OutcomeLocator(LookupIndex lookup)
{
    private HashSet<string> _acceptedHere = new(StringComparer.Ordinal);
    private HashSet<string> _acceptedBefore = new(StringComparer.Ordinal);
    private long _lastOfPrevious = long.MinValue;
    private long _refsBlock = -1;
    private HashSet<(string Queue, long Seq)> _refs = [];
    private LookupBlock? _block;

    public void StartChunk(ChainChunk chunk)
    {
        // The next-chunk rule holds only for the chunk right after: a gap (purge, damage) breaks it.
        _acceptedBefore = chunk.First == _lastOfPrevious + 1 ? _acceptedHere : new HashSet<string>(StringComparer.Ordinal);
        _acceptedHere = new HashSet<string>(StringComparer.Ordinal);
        _lastOfPrevious = chunk.Last;
    }

    /// <summary>Null when a reader finds <paramref name="entry"/> (or it is not an outcome); else the block whose reference is missing.</summary>
    public long? Unreferenced(AuditEntry entry)
    {
        if (entry.QueueId is not { Length: > 0 } queue) return null;
        if (entry.Transaction is { Decision: AuditDecisions.Accepted })
        {
            _acceptedHere.Add(queue);
            return null;
        }
        if (entry.Kind != EntryKinds.Delivery || _acceptedHere.Contains(queue) || _acceptedBefore.Contains(queue)) return null;

        long number = LookupBlock.NumberOf(entry.Id);
        if (_refsBlock != number)
        {
            var refs = lookup.FindRefs(number);
            _refs = refs.Queues.Zip(refs.Seqs).ToHashSet();
            _block = lookup.Find(number);
            _refsBlock = number;
        }
        bool found = _refs.Contains((queue, entry.Id)) && _block is not null && _block.MayContain(LookupKeys.Outcome(queue));
        return found ? null : number;
    }
}
