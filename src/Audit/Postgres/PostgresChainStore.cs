using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace GovGateway.Audit;

/// <summary>
/// The shared store: every node ships its own chain (entries numbered by its journal, linked by its own hashes) into one
/// PostgreSQL database, and reads every node's entries from it. Nothing is opened until the first batch or question, so
/// a node starts and accepts mail while PostgreSQL is away; its journal holds the backlog (see <see cref="AuditLog"/>).
/// A batch, the node's head and nothing else change in one transaction, under a row lock on the head; entries at or
/// below the head are skipped, so a batch sent again after a lost reply is not stored twice.
/// </summary>
internal sealed class PostgresChainStore : IChainStore
{
    private readonly NpgsqlDataSource _source;
    private readonly string _node;
    private readonly string _headPath;
    private readonly ILogger _logger;
    private readonly object _writeLock = new();
    private volatile bool _schemaReady;
    private ChainPoint? _head;
    private ChainPoint? _headWritten;

    private PostgresChainStore(NpgsqlDataSource source, string node, string headPath, ILogger logger)
    {
        _source = source;
        _node = node;
        _headPath = headPath;
        _logger = logger;
    }

    /// <param name="headPath">DATA/audit/head: the last entry this node knows PostgreSQL holds, kept locally.</param>
    public static PostgresChainStore Create(string connectionString, string node, string headPath, ILogger logger)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "govgateway-audit " + node;
        return new PostgresChainStore(builder.Build(), node, headPath, logger);
    }

    private NpgsqlConnection Open()
    {
        var conn = _source.OpenConnection();
        if (_schemaReady) return conn;
        try
        {
            PostgresSchema.Ensure(conn);
            _schemaReady = true;
            return conn;
        }
        catch
        {
            conn.Dispose();
            throw;
        }
    }

    public void AppendBatch(IReadOnlyList<AuditEntry> batch)
    {
        lock (_writeLock)
            // Sent again after a broken connection, the batch is stored once: entries at or below the head are skipped.
            Retrying(open => AppendBatch(open, batch));
    }

    private void AppendBatch(Func<NpgsqlConnection> open, IReadOnlyList<AuditEntry> batch)
    {
        using var conn = open();
        using var tx = conn.BeginTransaction();
        var head = ReadPoint(conn, tx, "audit_heads", forUpdate: true) ?? ReadPoint(conn, tx, "audit_anchors", forUpdate: false)
            ?? new ChainPoint { Id = "head", Seq = 0, Hash = ChainHasher.Genesis };
        string prev = head.Hash;
        long last = head.Seq;
        var linked = new List<(AuditEntry Entry, string Canonical)>(batch.Count);
        foreach (var entry in batch)
        {
            if (entry.Id <= last) continue;
            if (entry.Id != last + 1)
                _logger.LogError("Audit chain gap on node {Node}: entry {Seq} follows {Last} in PostgreSQL; the missing entries were lost", _node, entry.Id, last);
            entry.Node = _node;
            entry.PrevHash = prev;
            (string text, entry.Hash) = ChainHasher.Link(prev, entry);
            prev = entry.Hash;
            last = entry.Id;
            linked.Add((entry, text));
        }
        if (linked.Count > 0)
        {
            using (var importer = conn.BeginBinaryImport(
                "COPY audit_entries (node, seq, kind, time_utc, queue_id, tx_id, mail_from, message_id, subject, decision, prev_hash, hash, canonical) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (e, text) in linked)
                {
                    var c = PostgresColumns.Of(e);
                    importer.StartRow();
                    importer.Write(_node, NpgsqlDbType.Text);
                    importer.Write(e.Id, NpgsqlDbType.Bigint);
                    importer.Write(c.Kind, NpgsqlDbType.Text);
                    importer.Write(c.TimeUtc, NpgsqlDbType.TimestampTz);
                    WriteText(importer, c.QueueId);
                    WriteText(importer, c.TransactionId);
                    WriteText(importer, c.MailFrom);
                    WriteText(importer, c.MessageId);
                    WriteText(importer, c.Subject);
                    WriteText(importer, c.Decision);
                    importer.Write(e.PrevHash, NpgsqlDbType.Text);
                    importer.Write(e.Hash, NpgsqlDbType.Text);
                    importer.Write(text, NpgsqlDbType.Text);
                }
                importer.Complete();
            }
            using var upsert = new NpgsqlCommand(
                "INSERT INTO audit_heads (node, seq, hash, updated_utc) VALUES (@n, @s, @h, now()) "
                + "ON CONFLICT (node) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, updated_utc = now()", conn, tx);
            upsert.Parameters.AddWithValue("n", _node);
            upsert.Parameters.AddWithValue("s", last);
            upsert.Parameters.AddWithValue("h", prev);
            upsert.ExecuteNonQuery();
        }
        tx.Commit();
        _head = new ChainPoint { Id = "head", Seq = last, Hash = prev };
    }

    private static void WriteText(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null) importer.WriteNull();
        else importer.Write(value, NpgsqlDbType.Text);
    }

    private ChainPoint? ReadPoint(NpgsqlConnection conn, NpgsqlTransaction? tx, string table, bool forUpdate)
    {
        using var cmd = new NpgsqlCommand($"SELECT seq, hash FROM {table} WHERE node = @n" + (forUpdate ? " FOR UPDATE" : ""), conn, tx);
        cmd.Parameters.AddWithValue("n", _node);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new ChainPoint { Id = table, Seq = r.GetInt64(0), Hash = r.GetString(1) } : null;
    }

    /// <summary>PostgreSQL commits durably itself; what is left is the local note of how far this node's chain reaches there.</summary>
    public void Checkpoint()
    {
        lock (_writeLock)
        {
            if (_head is not { } head || ReferenceEquals(head, _headWritten)) return;
            HeadFile.Write(_headPath, head);
            _headWritten = head;
        }
    }

    public HashSet<string> TransactionIdsSince(DateTime sinceUtc) => Retrying(open => TransactionIdsSince(open, sinceUtc));

    private HashSet<string> TransactionIdsSince(Func<NpgsqlConnection> open, DateTime sinceUtc)
    {
        using var conn = open();
        using var cmd = new NpgsqlCommand("SELECT tx_id FROM audit_entries WHERE node = @n AND kind = 'transaction' AND time_utc >= @since", conn);
        cmd.Parameters.AddWithValue("n", _node);
        cmd.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, ChainHasher.Normalize(sinceUtc));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var r = cmd.ExecuteReader();
        while (r.Read()) if (!r.IsDBNull(0)) ids.Add(r.GetString(0));
        return ids;
    }

    /// <summary>Each node purges its own chain: the run of its oldest entries before the cutoff, leaving an anchor.</summary>
    public int Purge(DateTime olderThanUtc)
    {
        lock (_writeLock) return Retrying(open => Purge(open, olderThanUtc));
    }

    private int Purge(Func<NpgsqlConnection> open, DateTime olderThanUtc)
    {
        using var conn = open();
        using var tx = conn.BeginTransaction();
        using var find = new NpgsqlCommand(
            "SELECT seq, hash FROM audit_entries WHERE node = @n AND seq < coalesce((SELECT min(seq) FROM audit_entries WHERE node = @n AND time_utc >= @cutoff), 9223372036854775807) "
            + "ORDER BY seq DESC LIMIT 1", conn, tx);
        find.Parameters.AddWithValue("n", _node);
        find.Parameters.AddWithValue("cutoff", NpgsqlDbType.TimestampTz, ChainHasher.Normalize(olderThanUtc));
        long through;
        string hash;
        using (var r = find.ExecuteReader())
        {
            if (!r.Read()) return 0;
            through = r.GetInt64(0);
            hash = r.GetString(1);
        }
        using var delete = new NpgsqlCommand("DELETE FROM audit_entries WHERE node = @n AND seq <= @s", conn, tx);
        delete.Parameters.AddWithValue("n", _node);
        delete.Parameters.AddWithValue("s", through);
        int count = delete.ExecuteNonQuery();
        using var anchor = new NpgsqlCommand(
            "INSERT INTO audit_anchors (node, seq, hash) VALUES (@n, @s, @h) ON CONFLICT (node) DO UPDATE SET seq = excluded.seq, hash = excluded.hash", conn, tx);
        anchor.Parameters.AddWithValue("n", _node);
        anchor.Parameters.AddWithValue("s", through);
        anchor.Parameters.AddWithValue("h", hash);
        anchor.ExecuteNonQuery();
        tx.Commit();
        _logger.LogInformation("Audit retention removed {Count} entries of node {Node} up to {Seq}", count, _node, through);
        return count;
    }

    public AuditQueryResult Query(AuditQuery q) => Retrying(open => PostgresQueries.Query(open, q));

    public AuditStats Stats(DateTime? since, DateTime? until, TimeSpan dayOffset) => StatsBuilder.Build(Transactions(since, until), since, until, dayOffset);

    public IEnumerable<AuditTransaction> Transactions(DateTime? since, DateTime? until) =>
        RetryingUntilFirst(open => PostgresQueries.Transactions(open, since, until));

    public AuditVerifyResult Verify() => Retrying(open =>
    {
        using var conn = open();
        var result = PostgresChainVerifier.Verify(conn);
        if (result.Ok) PostgresChainVerifier.CompareLocalHead(conn, result, _node, _headPath);
        return result;
    });

    /// <summary>PostgreSQL keeps its indexes itself; this rebuilds them (REINDEX) and counts the transactions listed.</summary>
    public int RebuildLookup() => Retrying(open =>
    {
        using var conn = open();
        using (var reindex = new NpgsqlCommand("REINDEX TABLE audit_entries", conn)) reindex.ExecuteNonQuery();
        using var count = new NpgsqlCommand("SELECT count(*) FROM audit_entries WHERE kind = 'transaction'", conn);
        return Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <summary>
    /// Runs <paramref name="work"/>, and once more when a connection it opened from the pool turned out broken: after
    /// PostgreSQL restarts, every connection pooled before fails at its first use, so without this the first question
    /// (or batch) after a restart fails although the database is back. The pool is cleared before the second try, so it
    /// gets a new connection. A failure to connect at all is not retried here (the database is away: the caller says so).
    /// </summary>
    private T Retrying<T>(Func<Func<NpgsqlConnection>, T> work)
    {
        bool opened = false;
        try
        {
            return work(() =>
            {
                var conn = Open();
                opened = true;
                return conn;
            });
        }
        catch (Exception ex) when (opened && IsBrokenConnection(ex))
        {
            ForgetPool(ex);
            return work(Open);
        }
    }

    private void Retrying(Action<Func<NpgsqlConnection>> work) => Retrying(open =>
    {
        work(open);
        return true;
    });

    /// <summary>As <see cref="Retrying{T}"/> for rows read as they come: a broken connection fails at the first row, so only then is it retried.</summary>
    private IEnumerable<T> RetryingUntilFirst<T>(Func<Func<NpgsqlConnection>, IEnumerable<T>> work)
    {
        bool opened = false;
        var rows = work(() =>
        {
            var conn = Open();
            opened = true;
            return conn;
        }).GetEnumerator();
        bool more;
        try
        {
            more = rows.MoveNext();
        }
        catch (Exception ex) when (opened && IsBrokenConnection(ex))
        {
            rows.Dispose();
            ForgetPool(ex);
            rows = work(Open).GetEnumerator();
            more = rows.MoveNext();
        }
        using (rows)
        {
            while (more)
            {
                yield return rows.Current;
                more = rows.MoveNext();
            }
        }
    }

    private void ForgetPool(Exception ex)
    {
        _logger.LogInformation("Audit store PostgreSQL: a pooled connection was broken ({Reason}; restarted since?); trying once more on a new connection",
            StoreOutageLog.Reason(ex));
        _source.Clear();
    }

    /// <summary>The connection itself failed (closed by the server, reset, timed out), as opposed to a statement the server refused.</summary>
    internal static bool IsBrokenConnection(Exception ex) => ex switch
    {
        // admin_shutdown, crash_shutdown, cannot_connect_now: the server ended this session.
        PostgresException pg => pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or System.Net.Sockets.SocketException or EndOfStreamException,
        InvalidOperationException when ex.Message.Contains("connection", StringComparison.OrdinalIgnoreCase) && ex.Message.Contains("broken", StringComparison.OrdinalIgnoreCase) => true,
        _ => false,
    };

    public void Dispose() => _source.Dispose();
}
