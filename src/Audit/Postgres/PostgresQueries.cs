using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace GovGateway.Audit;

/// <summary>
/// <c>audit query</c> and <c>audit stats</c> over every node's entries. PostgreSQL narrows by its indexes (time,
/// Message-ID, sender address, decision, and the subject through <c>audit_fold</c>: unaccent, so "giay moi" finds
/// "Giấy mời"); each candidate is read from its canonical text and passes the same <see cref="TransactionFilter"/> as in
/// the LiteDB store, so both stores answer alike. Outcomes join their transaction by node and queue id.
/// </summary>
internal static class PostgresQueries
{
    public static AuditQueryResult Query(Func<NpgsqlConnection> open, AuditQuery q)
    {
        if (q.Limit <= 0) throw new ArgumentOutOfRangeException(nameof(q), q.Limit, "--limit must be positive.");
        var filter = new TransactionFilter(q);
        var result = new AuditQueryResult();
        var found = new List<AuditEntry>();
        using var conn = open();
        // Read in pages, newest first, continuing below the last row read (time, node, number): a query that stops at its
        // limit transfers a page or two, not the whole range.
        int page = Math.Max(q.Limit + 1, 500);
        (DateTime Time, string Node, long Seq)? after = null;
        bool done = false;
        while (!done)
        {
            using var cmd = new NpgsqlCommand { Connection = conn };
            var sql = new StringBuilder("SELECT canonical, time_utc, node, seq FROM audit_entries WHERE kind = 'transaction'");
            AddRange(cmd, sql, q.Since, q.Until);
            if (PostgresColumns.MessageKey(q.MessageId) is { } messageId)
            {
                sql.Append(" AND message_id = @mid");
                cmd.Parameters.AddWithValue("mid", messageId);
            }
            if (q.Sender?.Trim().ToLowerInvariant() is { Length: > 0 } sender && sender.IndexOf('@') > 0)
            {
                sql.Append(" AND lower(mail_from) = @sender");
                cmd.Parameters.AddWithValue("sender", sender);
            }
            if (q.Subject?.Trim() is { Length: > 0 } subject)
            {
                sql.Append(" AND audit_fold(subject) LIKE '%' || audit_fold(@subject) || '%'");
                cmd.Parameters.AddWithValue("subject", EscapeLike(subject));
            }
            if (q.Decision?.Trim() is { Length: > 0 } decision)
            {
                sql.Append(" AND lower(decision) = lower(@decision)");
                cmd.Parameters.AddWithValue("decision", decision);
            }
            if (after is { } last)
            {
                sql.Append(" AND (time_utc, node, seq) < (@at, @an, @as)");
                cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, last.Time);
                cmd.Parameters.AddWithValue("an", last.Node);
                cmd.Parameters.AddWithValue("as", last.Seq);
            }
            sql.Append(" ORDER BY time_utc DESC, node DESC, seq DESC LIMIT ").Append(page);
            cmd.CommandText = sql.ToString();
            int rows = 0;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows++;
                after = (r.GetFieldValue<DateTime>(1), r.GetString(2), r.GetInt64(3));
                var entry = EntryCodec.Parse(r.GetString(0));
                if (entry.Transaction is null || !filter.Matches(entry.Transaction)) continue;
                if (found.Count == q.Limit)
                {
                    result.Truncated = true;
                    done = true;
                    break;
                }
                found.Add(entry);
            }
            if (rows < page) done = true;
        }

        var outcomes = OutcomesOf(conn, found);
        foreach (var entry in found)
        {
            var own = entry.QueueId is { } queue && outcomes.TryGetValue((entry.Node ?? "", queue), out var list)
                ? list.Where(o => o.Id > entry.Id).ToList()
                : [];
            result.Records.Add(AuditQueryEngine.Join(entry, own));
        }
        return result;
    }

    private static Dictionary<(string Node, string Queue), List<AuditEntry>> OutcomesOf(NpgsqlConnection conn, List<AuditEntry> transactions)
    {
        var byKey = new Dictionary<(string, string), List<AuditEntry>>();
        var queues = transactions.Where(t => !string.IsNullOrEmpty(t.QueueId)).Select(t => t.QueueId!).Distinct().ToArray();
        if (queues.Length == 0) return byKey;
        using var cmd = new NpgsqlCommand("SELECT canonical FROM audit_entries WHERE kind = 'delivery' AND queue_id = ANY(@q) ORDER BY node, seq", conn);
        cmd.Parameters.AddWithValue("q", queues);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var e = EntryCodec.Parse(r.GetString(0));
            if (e.QueueId is null) continue;
            var key = (e.Node ?? "", e.QueueId);
            if (!byKey.TryGetValue(key, out var list)) byKey[key] = list = [];
            list.Add(e);
        }
        return byKey;
    }

    public static AuditStats Stats(Func<NpgsqlConnection> open, DateTime? since, DateTime? until, TimeSpan dayOffset) =>
        StatsBuilder.Build(Transactions(open, since, until), since, until, dayOffset);

    public static IEnumerable<AuditTransaction> Transactions(Func<NpgsqlConnection> open, DateTime? since, DateTime? until)
    {
        using var conn = open();
        using var cmd = new NpgsqlCommand { Connection = conn };
        var sql = new StringBuilder("SELECT canonical FROM audit_entries WHERE kind = 'transaction'");
        AddRange(cmd, sql, since, until);
        cmd.CommandText = sql.ToString();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            if (EntryCodec.Parse(r.GetString(0)).Transaction is { } t) yield return t;
    }

    private static void AddRange(NpgsqlCommand cmd, StringBuilder sql, DateTime? since, DateTime? until)
    {
        var (from, to) = StatsBuilder.Range(since, until);
        if (since is not null)
        {
            sql.Append(" AND time_utc >= @since");
            cmd.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, from);
        }
        if (until is not null)
        {
            sql.Append(" AND time_utc < @until");
            cmd.Parameters.AddWithValue("until", NpgsqlDbType.TimestampTz, to);
        }
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
