using Npgsql;

namespace GovGateway.Audit;

/// <summary>
/// Walks every node's chain in the shared store, from its anchor to the head in <c>audit_heads</c>, with the same
/// checks as the LiteDB walk (<see cref="ChainVerifier.Check"/>), and names the first entry changed, removed or inserted
/// by someone with access to the database: a row's text edited (its hash no longer matches what the next entry
/// recorded), a row deleted (a gap, or a chain ending before its head), a row added (a number beyond the head, or one
/// the next entry does not link to), a row's key or indexed copies edited apart from its text. Rows and heads are read
/// in one snapshot (REPEATABLE READ), so batches stored meanwhile do not look like damage.
/// </summary>
internal static class PostgresChainVerifier
{
    public static AuditVerifyResult Verify(NpgsqlConnection conn)
    {
        using var tx = conn.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        var heads = Points(conn, tx, "audit_heads");
        var anchors = Points(conn, tx, "audit_anchors");
        var result = new AuditVerifyResult { Shared = true };
        var done = new HashSet<string>(StringComparer.Ordinal);

        using (var cmd = new NpgsqlCommand(
            "SELECT node, seq, kind, time_utc, queue_id, tx_id, mail_from, message_id, subject, decision, hash, canonical FROM audit_entries ORDER BY node, seq", conn, tx))
        using (var r = cmd.ExecuteReader())
        {
            NodeWalk? walk = null;
            while (r.Read())
            {
                string node = r.GetString(0);
                if (walk?.Node != node)
                {
                    if (walk is not null && walk.Finish(result) is { } broken) return broken;
                    if (!heads.TryGetValue(node, out var head))
                        return Fail(result, node, "inserted", r.GetInt64(1), null,
                            $"node {node}: entry {r.GetInt64(1)} belongs to a node without a recorded head (audit_heads): rows were added by hand");
                    walk = new NodeWalk(node, anchors.GetValueOrDefault(node) ?? Genesis(), head);
                    done.Add(node);
                    result.Nodes.Add(node);
                }
                var row = new Row(r.GetInt64(1), r.GetString(2), r.GetFieldValue<DateTime>(3), Text(r, 4), Text(r, 5), Text(r, 6), Text(r, 7), Text(r, 8), Text(r, 9), r.GetString(10), r.GetString(11));
                if (walk.Step(row, result) is { } bad) return bad;
            }
            if (walk is not null && walk.Finish(result) is { } last) return last;
        }

        // A node whose head is recorded but whose rows are all gone.
        foreach (var (node, head) in heads.Where(h => !done.Contains(h.Key)).OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var anchor = anchors.GetValueOrDefault(node) ?? Genesis();
            result.Nodes.Add(node);
            if (head.Seq > anchor.Seq)
                return Fail(result, node, "removed", anchor.Seq + 1, null,
                    $"node {node}: entries {anchor.Seq + 1}..{head.Seq} are missing: no rows are left, but its head was recorded at {head.Seq}");
            result.Chains.Add(new AuditChainVerified { Node = node, Entries = 0, FirstSeq = anchor.Seq + 1, LastSeq = head.Seq, HeadHash = head.Hash });
        }
        result.Chains.Sort((a, b) => string.CompareOrdinal(a.Node, b.Node));

        tx.Commit();
        foreach (var (node, head) in heads) result.NodeHeads[node] = $"{head.Seq} {head.Hash}";
        result.Ok = true;
        result.Nodes.Sort(StringComparer.Ordinal);
        result.Message = result.Checked == 0
            ? "no entries stored yet; OK"
            : $"{result.Checked} entries verified on {result.Nodes.Count} node(s): "
              + string.Join(", ", result.Nodes.Select(n => $"{n} {(anchors.GetValueOrDefault(n)?.Seq ?? 0) + 1}..{heads[n].Seq}"));
        return result;
    }

    /// <summary>
    /// Compares this node's DATA/audit/head (the last entry it saw PostgreSQL take) with its chain there: a database put
    /// back to an older backup, or rows of the node's tail deleted together with its head row, leave the store behind
    /// the head file, which the walk alone cannot see. Nothing to compare without a head file (a machine that is not
    /// this node, or a node that never stored anything).
    /// </summary>
    public static void CompareLocalHead(NpgsqlConnection conn, AuditVerifyResult result, string node, string headPath)
    {
        if (HeadFile.Read(headPath) is not { } local || local.Seq == 0) return;
        var chain = result.Chains.FirstOrDefault(c => c.Node == node);
        long storeHead = chain?.LastSeq ?? 0;
        string shortHash = local.Hash.Length > 16 ? local.Hash[..16] : local.Hash;
        if (local.Seq > storeHead)
        {
            Fail(result, node, "removed", storeHead + 1, null,
                $"node {node}: {headPath} records entry {local.Seq} ({shortHash}...) as stored, but the store's chain of {node} ends at {storeHead}: "
                + $"entries {storeHead + 1}..{local.Seq} are missing from the database (put back to an older backup, or rows and head deleted)");
            return;
        }
        if (chain is not null && local.Seq < chain.FirstSeq)
        {
            result.LocalHead = $"{headPath}: node {node} entry {local.Seq}, since removed by retention (the chain starts at {chain.FirstSeq}); not compared";
            return;
        }
        using var cmd = new NpgsqlCommand("SELECT hash FROM audit_entries WHERE node = @n AND seq = @s", conn);
        cmd.Parameters.AddWithValue("n", node);
        cmd.Parameters.AddWithValue("s", local.Seq);
        var stored = cmd.ExecuteScalar() as string;
        if (stored != local.Hash)
        {
            Fail(result, node, "changed", local.Seq, null,
                $"node {node}: entry {local.Seq} in the store does not have the hash {headPath} recorded for it ({shortHash}...): the chain was rewritten from there");
            return;
        }
        result.LocalHead = local.Seq == storeHead
            ? $"{headPath}: node {node} entry {local.Seq} {local.Hash}, the store's head: matches"
            : $"{headPath}: node {node} entry {local.Seq} {local.Hash}: matches the store (its head is at {storeHead}; the file is written as batches are stored)";
    }

    private sealed record Row(long Seq, string Kind, DateTime TimeUtc, string? QueueId, string? TransactionId, string? MailFrom, string? MessageId, string? Subject, string? Decision, string Hash, string Canonical);

    /// <summary>One node's chain, entry by entry, as <see cref="ChainVerifier"/> walks the LiteDB chain.</summary>
    private sealed class NodeWalk(string node, ChainPoint anchor, ChainPoint head)
    {
        public string Node { get; } = node;
        private long _expected = anchor.Seq + 1;
        private string _prev = anchor.Hash;
        private string? _prevPrev;
        private AuditEntry? _previous;
        private long _walked;

        public AuditVerifyResult? Step(Row row, AuditVerifyResult result)
        {
            if (EntryCodec.TryParse(row.Canonical) is not { } entry)
                return Fail(result, Node, "changed", row.Seq, null, $"node {Node}: entry {row.Seq} was changed: its stored text is no longer an entry of the chain");
            if (entry.Id != row.Seq || entry.Node != Node)
                return Fail(result, Node, "changed", row.Seq, entry.Describe(),
                    $"node {Node}: the row keyed {Node}/{row.Seq} holds the text of entry {entry.Node}/{entry.Id} ({entry.Describe()}): its key was changed");
            if (ChainVerifier.Check(entry, _expected, _prev, _prevPrev, _previous, anchor, head) is { } problem)
            {
                if (problem.BlamesPrevious) result.Checked--;
                return Fail(result, Node, problem.Kind, problem.Seq, problem.Record, $"node {Node}: {problem.Message}");
            }
            var stored = new PostgresColumns(row.Kind, DateTime.SpecifyKind(row.TimeUtc, DateTimeKind.Utc), row.QueueId, row.TransactionId, row.MailFrom, row.MessageId, row.Subject, row.Decision);
            if (stored != PostgresColumns.Of(entry) || row.Hash != entry.Hash)
                return Fail(result, Node, "changed", entry.Id, entry.Describe(),
                    $"node {Node}: entry {entry.Id} ({entry.Describe()}) was changed: its columns no longer match its hashed text, so queries would misreport it");
            result.Checked++;
            _walked++;
            _prevPrev = _prev;
            _prev = entry.Hash;
            _previous = entry;
            _expected = entry.Id + 1;
            return null;
        }

        public AuditVerifyResult? Finish(AuditVerifyResult result)
        {
            long last = _expected - 1;
            if (last < head.Seq)
                return Fail(result, Node, "removed", last + 1, null,
                    $"node {Node}: entries {last + 1}..{head.Seq} are missing: the chain ends at {last} but its head was recorded at {head.Seq}");
            if (_prev != head.Hash)
            {
                if (_previous is not null) result.Checked--;
                return Fail(result, Node, "changed", last, _previous?.Describe(),
                    $"node {Node}: entry {last} ({_previous?.Describe()}) was changed: its hash is not the head hash recorded in audit_heads");
            }
            result.Chains.Add(new AuditChainVerified { Node = Node, Entries = _walked, FirstSeq = anchor.Seq + 1, LastSeq = last, HeadHash = head.Hash });
            return null;
        }
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static ChainPoint Genesis() => new() { Id = "anchor", Seq = 0, Hash = ChainHasher.Genesis };

    private static Dictionary<string, ChainPoint> Points(NpgsqlConnection conn, NpgsqlTransaction tx, string table)
    {
        var points = new Dictionary<string, ChainPoint>(StringComparer.Ordinal);
        using var cmd = new NpgsqlCommand($"SELECT node, seq, hash FROM {table}", conn, tx);
        using var r = cmd.ExecuteReader();
        while (r.Read()) points[r.GetString(0)] = new ChainPoint { Id = table, Seq = r.GetInt64(1), Hash = r.GetString(2) };
        return points;
    }

    private static AuditVerifyResult Fail(AuditVerifyResult result, string node, string kind, long seq, string? record, string message)
    {
        result.Ok = false;
        result.Node = node;
        result.Problem = kind;
        result.FirstBadSeq = seq;
        result.FirstBadRecord = record;
        result.Message = message;
        if (!result.Nodes.Contains(node)) result.Nodes.Add(node);
        return result;
    }
}
