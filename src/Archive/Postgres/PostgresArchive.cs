using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GovGateway.Archive.Core;
using GovGateway.Archive.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace GovGateway.Archive.Postgres;

/// <summary>
/// The archive in the audit log's PostgreSQL database, shared by every node: bytes in archive_files (bytea), metadata
/// and text in archive_documents with a folded tsvector (GIN), exchanges and holds in their own tables. Filters use
/// the same folded values as the embedded store (<see cref="FilterValues"/>) and passages the same highlighter, so a
/// query finds the same documents and shows the same passages through either store.
/// </summary>
internal sealed class PostgresArchive : IDocumentArchive
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly NpgsqlDataSource _source;
    private readonly ILogger _logger;
    private readonly VietnameseAnalyzer _analyzer = new();
    private volatile bool _schemaReady;

    private PostgresArchive(NpgsqlDataSource source, ILogger logger)
    {
        _source = source;
        _logger = logger;
    }

    public static PostgresArchive Create(string connectionString, ILogger logger)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "govgateway-archive";
        return new PostgresArchive(builder.Build(), logger);
    }

    private NpgsqlConnection Open()
    {
        var conn = _source.OpenConnection();
        if (_schemaReady) return conn;
        try
        {
            ArchiveSchema.Ensure(conn);
            _schemaReady = true;
            return conn;
        }
        catch
        {
            conn.Dispose();
            throw;
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var conn = await _source.OpenConnectionAsync(ct);
        if (_schemaReady) return conn;
        try
        {
            ArchiveSchema.Ensure(conn);
            _schemaReady = true;
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, NpgsqlTransaction? tx = null) => new(sql, conn, tx);

    public async Task<bool> StoreAsync(ArchiveItem item, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var exchange = ItemCheck.Exchange(item);
        // bytea takes the value whole, so the document is read into memory here (attachments are bounded by the
        // gateway's message size limit).
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var id = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.IsNullOrEmpty(item.Document.Id) && !string.Equals(item.Document.Id, id, StringComparison.OrdinalIgnoreCase))
            throw new ArchiveIntegrityException(item.Document.Id, id,
                $"Nội dung tài liệu có SHA-256 {id}, không phải {item.Document.Id} như bản ghi kiểm toán; không lưu trữ. / " +
                $"The document's bytes hash to {id}, not to {item.Document.Id} as its audit record says; not archived.");
        var time = ArchiveTime.Normalize(exchange.TimeUtc);
        var doc = ItemCheck.Snapshot(item.Document, id, bytes.Length, time);
        var f = FilterValues.Of(doc);
        var body = FilterValues.Body(doc, item.Text ?? "");

        await using var conn = await OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        bool isNew;
        await using (var insert = Command(conn, """
            INSERT INTO archive_documents (id, meta, body, tsv, size, class, doc_type, notation, number, issuer_words,
                signer_words, signed, urgent, register_year, first_seen, last_exchange)
            VALUES (@id, @meta, @body, to_tsvector('simple', archive_fold(@words)), @size, @class, @type, @notation, @number,
                @issuer, @signer, @signed, @urgent, @year, @first, @last)
            ON CONFLICT (id) DO NOTHING
            """, tx))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("meta", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(doc, Json));
            insert.Parameters.AddWithValue("body", body);
            insert.Parameters.AddWithValue("words", string.Join(' ', FoldedWords.Split(body)));
            insert.Parameters.AddWithValue("size", (long)bytes.Length);
            insert.Parameters.AddWithValue("class", f.Class);
            insert.Parameters.AddWithValue("type", f.Type);
            insert.Parameters.AddWithValue("notation", f.Notation);
            insert.Parameters.AddWithValue("number", NpgsqlDbType.Integer, (object?)f.Number ?? DBNull.Value);
            insert.Parameters.AddWithValue("issuer", f.IssuerWords);
            insert.Parameters.AddWithValue("signer", f.SignerWords);
            insert.Parameters.AddWithValue("signed", f.Signed);
            insert.Parameters.AddWithValue("urgent", f.Urgent);
            insert.Parameters.AddWithValue("year", RegisterBuilder.YearOf(doc));
            insert.Parameters.AddWithValue("first", doc.FirstSeenUtc);
            insert.Parameters.AddWithValue("last", time);
            isNew = await insert.ExecuteNonQueryAsync(ct) == 1;
        }
        if (isNew)
        {
            await using var file = Command(conn, "INSERT INTO archive_files (id, content) VALUES (@id, @content)", tx);
            file.Parameters.AddWithValue("id", id);
            file.Parameters.AddWithValue("content", bytes);
            await file.ExecuteNonQueryAsync(ct);
        }
        await using (var ex = Command(conn, """
            INSERT INTO archive_exchanges (document_id, direction, queue_id, time, exchange)
            VALUES (@id, @direction, @queue, @time, @exchange) ON CONFLICT DO NOTHING
            """, tx))
        {
            ex.Parameters.AddWithValue("id", id);
            ex.Parameters.AddWithValue("direction", exchange.Direction);
            ex.Parameters.AddWithValue("queue", exchange.QueueId);
            ex.Parameters.AddWithValue("time", time);
            ex.Parameters.AddWithValue("exchange", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(ItemCheck.Copy(exchange, time), Json));
            if (await ex.ExecuteNonQueryAsync(ct) == 0)
            {
                // The same exchange again (a retry after a lost reply, a restart): nothing changes.
                await tx.RollbackAsync(ct);
                return false;
            }
        }
        if (!isNew)
        {
            await using var last = Command(conn, "UPDATE archive_documents SET last_exchange = greatest(last_exchange, @time) WHERE id = @id", tx);
            last.Parameters.AddWithValue("id", id);
            last.Parameters.AddWithValue("time", time);
            await last.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return isNew;
    }

    private const string DocumentColumns = "d.id, d.meta::text, h.reason, h.held_by, h.since";
    private const string FromDocuments = "archive_documents d LEFT JOIN archive_holds h ON h.document_id = d.id";

    private static ArchivedDocument ReadDocument(NpgsqlDataReader r, int offset = 0)
    {
        var doc = JsonSerializer.Deserialize<ArchivedDocument>(r.GetString(offset + 1), Json)!;
        doc.Id = r.GetString(offset);
        doc.Exchanges = [];
        doc.Hold = r.IsDBNull(offset + 2) ? null : new ArchiveHold
        {
            Reason = r.GetString(offset + 2),
            By = r.GetString(offset + 3),
            SinceUtc = DateTime.SpecifyKind(r.GetDateTime(offset + 4), DateTimeKind.Utc),
        };
        return doc;
    }

    /// <summary>Fills in each document's exchanges, oldest first.</summary>
    private static void LoadExchanges(NpgsqlConnection conn, IReadOnlyList<ArchivedDocument> docs)
    {
        if (docs.Count == 0) return;
        var byId = docs.ToDictionary(d => d.Id);
        using var cmd = Command(conn, "SELECT document_id, exchange::text FROM archive_exchanges WHERE document_id = ANY(@ids) ORDER BY time, direction, queue_id");
        cmd.Parameters.AddWithValue("ids", byId.Keys.ToArray());
        using var r = cmd.ExecuteReader();
        while (r.Read())
            byId[r.GetString(0)].Exchanges.Add(JsonSerializer.Deserialize<ArchiveExchange>(r.GetString(1), Json)!);
    }

    public ArchiveSearchResult Search(ArchiveQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryFilters.Check(query);
        var text = TextQuery.Parse(query.Text);
        var filters = QueryFilters.Of(query);
        using var conn = Open();
        using var cmd = Command(conn, "");
        var where = new List<string>();
        string? tsquery = null;
        if (!text.IsEmpty)
        {
            var parts = new List<string>();
            if (text.Words.Count > 0)
            {
                parts.Add("plainto_tsquery('simple', archive_fold(@words))");
                cmd.Parameters.AddWithValue("words", string.Join(' ', text.Words));
            }
            for (int i = 0; i < text.Phrases.Count; i++)
            {
                parts.Add($"phraseto_tsquery('simple', archive_fold(@phrase{i}))");
                cmd.Parameters.AddWithValue($"phrase{i}", string.Join(' ', text.Phrases[i]));
            }
            tsquery = "(" + string.Join(" && ", parts) + ")";
            where.Add($"d.tsv @@ {tsquery}");
        }
        void Eq(string column, string name, object value)
        {
            where.Add($"d.{column} = @{name}");
            cmd.Parameters.AddWithValue(name, value);
        }
        if (filters.Type is { } type) Eq("doc_type", "type", type);
        if (filters.Notation is { } notation) Eq("notation", "notation", notation);
        if (filters.Number is { } number) Eq("number", "number", number);
        if (filters.Class is { } cls) Eq("class", "class", cls);
        if (query.Signed is { } signed) Eq("signed", "signed", signed);
        if (query.Urgent is { } urgent) Eq("urgent", "urgent", urgent);
        if (filters.IssuerWords.Length > 0)
        {
            where.Add("d.issuer_words @> @issuer");
            cmd.Parameters.AddWithValue("issuer", filters.IssuerWords);
        }
        if (filters.SignerWords.Length > 0)
        {
            where.Add("d.signer_words @> @signer");
            cmd.Parameters.AddWithValue("signer", filters.SignerWords);
        }
        if (query.SinceUtc is not null || query.UntilUtc is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM archive_exchanges e WHERE e.document_id = d.id AND e.time >= @since AND e.time < @until)");
            cmd.Parameters.AddWithValue("since", query.SinceUtc is { } s ? ArchiveTime.Normalize(s) : DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc));
            cmd.Parameters.AddWithValue("until", query.UntilUtc is { } u ? ArchiveTime.Normalize(u) : DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc));
        }
        var whereSql = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        var score = tsquery is null ? "0::real" : $"ts_rank(d.tsv, {tsquery})";
        var order = tsquery is null ? "d.last_exchange DESC, d.id" : "score DESC, d.id";
        cmd.CommandText = $"""
            SELECT {DocumentColumns}, {(tsquery is null ? "''" : "d.body")}, {score} AS score, count(*) OVER () AS total
            FROM {FromDocuments} {whereSql} ORDER BY {order} LIMIT @limit OFFSET @offset
            """;
        cmd.Parameters.AddWithValue("limit", query.Limit);
        cmd.Parameters.AddWithValue("offset", query.Offset);
        var result = new ArchiveSearchResult();
        var passages = Passages.For(text, _analyzer);
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var doc = ReadDocument(r);
                result.Total = (int)r.GetInt64(7);
                result.Hits.Add(new ArchiveHit
                {
                    Document = doc,
                    Score = r.GetFloat(6),
                    Passages = passages(r.GetString(5)),
                });
            }
        }
        if (result.Hits.Count == 0 && query.Offset > 0)
        {
            cmd.CommandText = $"SELECT count(*) FROM {FromDocuments} {whereSql}";
            result.Total = (int)(long)cmd.ExecuteScalar()!;
        }
        LoadExchanges(conn, result.Hits.Select(h => h.Document).ToList());
        return result;
    }

    public ArchivedDocument? Find(string id)
    {
        var key = ArchiveIds.Normalize(id);
        using var conn = Open();
        return Find(conn, id, key);
    }

    private static ArchivedDocument? Find(NpgsqlConnection conn, string id, string key)
    {
        // The hex digits sort below 'g': every id starting with the prefix lies in [prefix, prefix + "g").
        var match = ArchiveIds.IsFull(key) ? "d.id = @low" : "d.id >= @low AND d.id < @high";
        using var cmd = Command(conn, $"SELECT {DocumentColumns} FROM {FromDocuments} WHERE {match} ORDER BY d.id LIMIT 10");
        cmd.Parameters.AddWithValue("low", key);
        cmd.Parameters.AddWithValue("high", key + "g");
        var found = new List<ArchivedDocument>();
        using (var r = cmd.ExecuteReader())
            while (r.Read()) found.Add(ReadDocument(r));
        if (found.Count > 1) throw ArchiveIds.Ambiguous(id, found.Select(d => d.Id));
        LoadExchanges(conn, found);
        return found.FirstOrDefault();
    }

    public Stream OpenVerified(string id)
    {
        var key = ArchiveIds.Normalize(id);
        using var conn = Open();
        var doc = Find(conn, id, key) ?? throw ArchiveIds.NotFound(id);
        using var cmd = Command(conn, "SELECT content FROM archive_files WHERE id = @id");
        cmd.Parameters.AddWithValue("id", doc.Id);
        var bytes = cmd.ExecuteScalar() as byte[] ?? throw new ArchiveIntegrityException(doc.Id, "",
            $"Nội dung của tài liệu {doc.Id} không còn trong kho lưu trữ. / The bytes of document {doc.Id} are missing from the archive.");
        return new MemoryStream(ContentIntake.Verified(doc.Id, bytes), writable: false);
    }

    public ArchiveRegister Register(int year, string? issuer)
    {
        using var conn = Open();
        using var cmd = Command(conn, $"SELECT {DocumentColumns} FROM {FromDocuments} WHERE d.register_year = @year");
        cmd.Parameters.AddWithValue("year", year);
        var docs = new List<ArchivedDocument>();
        using (var r = cmd.ExecuteReader())
            while (r.Read()) docs.Add(ReadDocument(r));
        return RegisterBuilder.Build(year, issuer, docs);
    }

    public IEnumerable<ArchivedDocument> List(DateTime? sinceUtc, DateTime? untilUtc)
    {
        using var conn = Open();
        using var cmd = Command(conn, $"""
            SELECT {DocumentColumns}, m.first FROM {FromDocuments}
            JOIN (SELECT document_id, min(time) AS first FROM archive_exchanges WHERE time >= @since AND time < @until GROUP BY document_id) m
              ON m.document_id = d.id
            ORDER BY m.first, d.id
            """);
        cmd.Parameters.AddWithValue("since", sinceUtc is { } s ? ArchiveTime.Normalize(s) : DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc));
        cmd.Parameters.AddWithValue("until", untilUtc is { } u ? ArchiveTime.Normalize(u) : DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc));
        var docs = new List<ArchivedDocument>();
        using (var r = cmd.ExecuteReader())
            while (r.Read()) docs.Add(ReadDocument(r));
        // Exchanges are read in pages so an export of a year does not hold one huge ANY() array.
        foreach (var chunk in docs.Chunk(500)) LoadExchanges(conn, chunk);
        return docs;
    }

    public void Hold(string id, string reason, string by)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new ArchiveException("Cần nêu lý do giữ tài liệu. / A legal hold needs a reason.");
        var key = ArchiveIds.Normalize(id);
        using var conn = Open();
        var doc = Find(conn, id, key) ?? throw ArchiveIds.NotFound(id);
        using var cmd = Command(conn, """
            INSERT INTO archive_holds (document_id, reason, held_by, since) VALUES (@id, @reason, @by, @since)
            ON CONFLICT (document_id) DO UPDATE SET reason = excluded.reason, held_by = excluded.held_by, since = excluded.since
            """);
        cmd.Parameters.AddWithValue("id", doc.Id);
        cmd.Parameters.AddWithValue("reason", reason);
        cmd.Parameters.AddWithValue("by", by ?? "");
        cmd.Parameters.AddWithValue("since", ArchiveTime.Normalize(DateTime.UtcNow));
        cmd.ExecuteNonQuery();
    }

    public void ReleaseHold(string id, string by)
    {
        var key = ArchiveIds.Normalize(id);
        using var conn = Open();
        var doc = Find(conn, id, key) ?? throw ArchiveIds.NotFound(id);
        using var cmd = Command(conn, "DELETE FROM archive_holds WHERE document_id = @id");
        cmd.Parameters.AddWithValue("id", doc.Id);
        if (cmd.ExecuteNonQuery() == 0)
            throw new ArchiveException($"Tài liệu {doc.Id} không bị giữ. / Document {doc.Id} is not under a legal hold.");
    }

    public ArchivePurgeResult Purge(ArchiveRetention retention, DateTime nowUtc, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(retention);
        var result = new ArchivePurgeResult { DryRun = dryRun };
        if (PurgePlanner.Horizon(retention, nowUtc) is not { } horizon) return result;
        using var conn = Open();
        var candidates = new List<ArchivedDocument>();
        using (var cmd = Command(conn, $"SELECT {DocumentColumns} FROM {FromDocuments} WHERE d.last_exchange <= @horizon ORDER BY d.last_exchange, d.id"))
        {
            cmd.Parameters.AddWithValue("horizon", DateTime.SpecifyKind(horizon, DateTimeKind.Utc));
            using var r = cmd.ExecuteReader();
            while (r.Read()) candidates.Add(ReadDocument(r));
        }
        foreach (var chunk in candidates.Chunk(500)) LoadExchanges(conn, chunk);
        foreach (var doc in candidates)
        {
            if (!PurgePlanner.IsDue(doc, retention, nowUtc)) continue;
            if (doc.Hold is not null)
            {
                result.KeptHeld.Add(doc.Id);
                continue;
            }
            if (!dryRun)
            {
                // The hold is checked again in the statement: another node may have placed one since the list was read.
                using var delete = Command(conn, "DELETE FROM archive_documents d WHERE d.id = @id AND NOT EXISTS (SELECT 1 FROM archive_holds h WHERE h.document_id = d.id)");
                delete.Parameters.AddWithValue("id", doc.Id);
                if (delete.ExecuteNonQuery() == 0)
                {
                    result.KeptHeld.Add(doc.Id);
                    continue;
                }
            }
            result.Removed.Add(PurgePlanner.Removed(doc));
        }
        return result;
    }

    public ArchiveStats Stats()
    {
        using var conn = Open();
        using var cmd = Command(conn, """
            SELECT (SELECT count(*) FROM archive_documents), (SELECT coalesce(sum(size), 0)::bigint FROM archive_documents),
                   (SELECT count(*) FROM archive_exchanges), (SELECT count(*) FROM archive_holds),
                   pg_relation_size('archive_documents_tsv')
            """);
        using var r = cmd.ExecuteReader();
        r.Read();
        return new ArchiveStats { Documents = r.GetInt64(0), Bytes = r.GetInt64(1), Exchanges = r.GetInt64(2), Held = r.GetInt64(3), IndexBytes = r.GetInt64(4) };
    }

    public void Dispose()
    {
        _source.Dispose();
        _analyzer.Dispose();
    }
}
