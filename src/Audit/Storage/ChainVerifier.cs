namespace GovGateway.Audit;

/// <summary>
/// Walks the chain from the anchor (last purged entry, or the start) to the head recorded in "meta" and names the
/// first entry that was changed, removed or inserted. Each entry is hashed as stored; a change shows where the next
/// entry (or the head) no longer carries that hash. It also checks that the lookup blocks list every transaction
/// (a block edited or deleted would hide records from queries by Message-ID or sender), and that every delivery outcome
/// a query could not find next to its transaction has its reference (see <see cref="OutcomeLocator"/>), and names the
/// first one missed.
/// </summary>
internal static class ChainVerifier
{
    public static AuditVerifyResult Verify(AuditStore store)
    {
        lock (store.WriteLock)
        {
            var anchor = store.Anchor;
            var head = store.StoredHead;
            var result = new AuditVerifyResult { AnchorSeq = anchor.Seq, HeadSeq = head.Seq, HeadHash = head.Hash };

            long expected = anchor.Seq + 1;
            string prev = anchor.Hash;
            string? prevPrev = null; // the hash before prev: an entry linking to it means the one between was inserted
            AuditEntry? previous = null;
            LookupBlock? block = null;
            (long Seq, string Record, string Message)? unlisted = null;
            var outcomes = new OutcomeLocator(store.Lookup);
            foreach (var chunk in store.ChunksAfter(long.MinValue))
            {
                var parsed = new List<AuditEntry>(chunk.Entries.Count);
                foreach (var text in chunk.Entries)
                {
                    // The stored text is the entry: its number, its link and its content are all read from what is hashed.
                    if (EntryCodec.TryParse(text) is not { } entry)
                        return Fail(result, "changed", expected, null, $"entry {expected} was changed: its stored text is no longer an entry of the chain");
                    var problem = Check(entry, expected, prev, prevPrev, previous, anchor, head);
                    if (problem is not null)
                    {
                        if (problem.Value.BlamesPrevious) result.Checked--; // counted as verified one step too early
                        return Fail(result, problem.Value.Kind, problem.Value.Seq, problem.Value.Record, problem.Value.Message);
                    }
                    if (entry.Transaction is not null)
                    {
                        long number = LookupBlock.NumberOf(entry.Id);
                        if (block?.Number != number) block = store.Lookup.Find(number);
                        // Reported only if the chain holds: a forged entry is first of all a break of the chain.
                        if (unlisted is null && (block is null || !block.Covers(entry)))
                            unlisted = (entry.Id, entry.Describe(),
                                $"entry {entry.Id} ({entry.Describe()}) is not listed in lookup block {number}"
                                + (block is null ? " (the block is missing or damaged)" : "")
                                + ": queries by Message-ID or sender would miss it. The chain itself is intact; `gateway audit rebuild-lookup` rebuilds the blocks from the entries");
                    }
                    parsed.Add(entry);
                    result.Checked++;
                    prevPrev = prev;
                    prev = entry.Hash;
                    previous = entry;
                    expected = entry.Id + 1;
                }
                // The first unlisted entry by number: a transaction of this chunk may come before or after its outcomes.
                if (outcomes.FirstUnreferenced(chunk, parsed) is (var outcome, var refsBlock) && (unlisted is null || outcome.Id < unlisted.Value.Seq))
                    unlisted = (outcome.Id, outcome.Describe(),
                        $"delivery outcome {outcome.Id} ({outcome.Describe()}) is stored apart from its transaction without a reference in lookup block {refsBlock}: "
                        + "queries would not show it. The chain itself is intact; `gateway audit rebuild-lookup` rebuilds the blocks and references from the entries");
            }

            long last = expected - 1;
            if (last < head.Seq)
                return Fail(result, "removed", last + 1, null,
                    $"entries {last + 1}..{head.Seq} are missing: the chain ends at {last} but its head was recorded at {head.Seq}");
            if (prev != head.Hash)
            {
                if (previous is not null) result.Checked--;
                return Fail(result, "changed", last, previous?.Describe(),
                    $"entry {last} ({previous?.Describe()}) was changed: its hash is not the head hash recorded in meta");
            }

            if (unlisted is { } u) return Fail(result, "unlisted", u.Seq, u.Record, u.Message);

            result.Ok = true;
            result.Message = result.Checked == 0
                ? $"chain empty (anchor {anchor.Seq}); OK"
                : $"{result.Checked} entries verified from {anchor.Seq + 1} to {head.Seq}; head {head.Hash}";
            return result;
        }
    }

    internal static (string Kind, long Seq, string? Record, string Message, bool BlamesPrevious)? Check(
        AuditEntry entry, long expected, string prev, string? prevPrev, AuditEntry? previous, ChainPoint anchor, ChainPoint head)
    {
        if (entry.Id > head.Seq)
            return ("inserted", entry.Id, entry.Describe(), $"entry {entry.Id} ({entry.Describe()}) lies beyond the recorded head {head.Seq}", false);
        if (entry.Id <= anchor.Seq)
            return ("inserted", entry.Id, entry.Describe(), $"entry {entry.Id} ({entry.Describe()}) lies at or before the retention anchor {anchor.Seq}", false);
        if (entry.Id > expected)
            return ("removed", expected, null,
                expected == entry.Id - 1
                    ? $"entry {expected} is missing (entry {entry.Id} follows {expected - 1})"
                    : $"entries {expected}..{entry.Id - 1} are missing (entry {entry.Id} follows {expected - 1})", false);
        if (entry.PrevHash != prev)
        {
            if (previous is null)
                return ("inserted", entry.Id, entry.Describe(), $"entry {entry.Id} ({entry.Describe()}) does not follow the retention anchor {anchor.Seq}", false);
            // Linked to the entry before the previous one: the previous one was put in between (and the rest renumbered).
            if (entry.PrevHash == prevPrev)
                return ("inserted", previous.Id, previous.Describe(),
                    $"entry {previous.Id} ({previous.Describe()}) was inserted: the entry after it links to the one before it", true);
            // The entry is intact but does not follow the one before it: that one was changed.
            return ("changed", previous.Id, previous.Describe(),
                $"entry {previous.Id} ({previous.Describe()}) was changed: its content no longer matches the hash entry {entry.Id} recorded for it", true);
        }
        if (entry.Id < expected)
            return ("inserted", entry.Id, entry.Describe(), $"entry {entry.Id} ({entry.Describe()}) comes again after entry {expected - 1}", false);
        return null;
    }

    private static AuditVerifyResult Fail(AuditVerifyResult result, string kind, long seq, string? record, string message)
    {
        result.Ok = false;
        result.Problem = kind;
        result.FirstBadSeq = seq;
        result.FirstBadRecord = record;
        result.Message = message;
        return result;
    }
}
