using System.Diagnostics;
using GovGateway.Archive.Core;
using GovGateway.Archive.Text;
using GovGateway.FileSystem;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace GovGateway.Archive.Embedded;

/// <summary>
/// The archive on one node: each document's bytes in files/ab/&lt;sha256&gt; (0600, written to a temporary name,
/// fsynced, renamed), metadata, text, exchanges and holds in archive.db (LiteDB), and a Lucene index in index/.
/// archive.db is the truth: a document is in it, checkpointed and fsynced, before <see cref="StoreAsync"/> returns;
/// the index is committed in batches and a document whose index entry was not committed when the process died is
/// indexed again at the next open (the "pending" collection).
/// </summary>
internal sealed class EmbeddedArchive : IDocumentArchive
{
    // A Lucene commit fsyncs every new segment file: done once a second it cost more than the stores themselves
    // (bench/RESULTS.md). Searches see uncommitted documents anyway (near-real-time reader), and what a crash loses
    // from the index is indexed again at the next open from the pending collection.
    private static readonly TimeSpan IndexCommitInterval = TimeSpan.FromSeconds(30);

    private readonly string _root;
    private readonly string _files;
    private readonly string _tmp;
    private readonly FileStream _dataFile;
    private readonly FileStream _logFile;
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<DocumentRow> _docs;
    private readonly ILiteCollection<TextRow> _texts;
    private readonly ILiteCollection<ExchangeRow> _exchanges;
    private readonly ILiteCollection<PendingRow> _pending;
    private readonly VietnameseAnalyzer _analyzer = new();
    private readonly LuceneIndex _index;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly SemaphoreSlim _durability = new(1, 1);
    private readonly string _dbPath;
    private long _committed;
    private long _count, _bytes, _held, _exchangeCount;
    private long _durable;
    private readonly Stopwatch _sinceCommit = Stopwatch.StartNew();
    private bool _indexDirty;

    private EmbeddedArchive(string root, ILogger logger)
    {
        _root = root;
        _logger = logger;
        PrivateFiles.CreateDirectory(root);
        _files = Path.Combine(root, "files");
        _tmp = Path.Combine(root, "tmp");
        PrivateFiles.CreateDirectory(_files);
        PrivateFiles.CreateDirectory(_tmp);
        var dbPath = _dbPath = Path.Combine(root, "archive.db");
        // FileShare.None locks archive.db: a second process (a CLI verb while the gateway runs) fails here, before it
        // touches anything.
        _dataFile = PrivateFiles.Open(dbPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 8192);
        try
        {
            _logFile = PrivateFiles.Open(dbPath + "-log", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 8192);
        }
        catch
        {
            _dataFile.Dispose();
            throw;
        }
        // Parts of documents being taken when the process died; only the lock holder may remove them.
        foreach (var stale in Directory.EnumerateFiles(_tmp, "*.part")) File.Delete(stale);
        _db = new LiteDatabase(_dataFile, CreateMapper(), _logFile) { UtcDate = true };
        _docs = _db.GetCollection<DocumentRow>("documents");
        _texts = _db.GetCollection<TextRow>("texts");
        _exchanges = _db.GetCollection<ExchangeRow>("exchanges");
        _pending = _db.GetCollection<PendingRow>("pending");
        _docs.EnsureIndex(r => r.Year);
        _docs.EnsureIndex(r => r.LastUtc);
        _exchanges.EnsureIndex(r => r.DocumentId);
        _exchanges.EnsureIndex(r => r.TimeUtc);
        var indexPath = Path.Combine(root, "index");
        PrivateFiles.CreateDirectory(indexPath);
        _index = new LuceneIndex(indexPath, _analyzer);
    }

    public static EmbeddedArchive Open(string root, ILogger logger)
    {
        var archive = new EmbeddedArchive(root, logger);
        try
        {
            archive.Recover();
            archive.Count();
            return archive;
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    private static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper { TrimWhitespace = false, EmptyStringToNull = false, SerializeNullValues = false };
        mapper.Entity<DocumentRow>().Id(r => r.Id, autoId: false);
        mapper.Entity<TextRow>().Id(r => r.Id, autoId: false);
        mapper.Entity<ExchangeRow>().Id(r => r.Id, autoId: false);
        mapper.Entity<PendingRow>().Id(r => r.Id, autoId: false);
        mapper.Entity<ArchivedDocument>().Ignore(d => d.Exchanges).Ignore(d => d.Signed).Ignore(d => d.Urgent).Ignore(d => d.LastExchangeUtc);
        return mapper;
    }

    /// <summary>Indexes what archive.db holds but the index may not (the process died before the index's commit); an empty index is rebuilt whole.</summary>
    /// <summary>Counts what archive.db holds once at open; stores, holds and purges keep the counts (under the write lock), so <see cref="Stats"/> reads no rows.</summary>
    private void Count()
    {
        foreach (var row in _docs.FindAll())
        {
            _count++;
            _bytes += row.Doc.Size;
            if (row.Doc.Hold is not null) _held++;
        }
        _exchangeCount = _exchanges.LongCount();
    }

    private void Recover()
    {
        var ids = _pending.FindAll().Select(p => p.Id).ToList();
        if (_index.Count() == 0 && _docs.Count() > 0) ids = _docs.Query().Select(r => r.Id).ToList();
        if (ids.Count == 0) return;
        _logger.LogWarning("Archive: indexing {Count} documents whose index entries were not committed", ids.Count);
        foreach (var id in ids)
        {
            if (_docs.FindById(id) is { } row) Reindex(row);
            else _index.Delete(id);
        }
        CommitIndex();
    }

    private void Reindex(DocumentRow row)
    {
        var text = _texts.FindById(row.Id)?.Text ?? "";
        var times = _exchanges.Find(e => e.DocumentId == row.Id).Select(e => e.TimeUtc);
        _index.Upsert(row.Doc, text, times, row.LastUtc);
    }

    private void CommitIndex()
    {
        _index.Commit();
        _pending.DeleteAll();
        _indexDirty = false;
        _sinceCommit.Restart();
    }

    private string FilePath(string id) => Path.Combine(_files, id[..2], id);

    public async Task<bool> StoreAsync(ArchiveItem item, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var exchange = ItemCheck.Exchange(item);
        using var intake = await ContentIntake.TakeAsync(content, _tmp, item.Document.Id, ct);
        var id = intake.Sha256;
        var key = ExchangeRow.Key(id, exchange);
        if (_docs.FindById(id) is not null && _exchanges.FindById(key) is not null) return false;
        PlaceFile(intake, id);
        bool isNew;
        long generation;
        await _write.WaitAsync(ct);
        try
        {
            var existing = _docs.FindById(id);
            if (existing is not null && _exchanges.FindById(key) is not null) return false;
            isNew = existing is null;
            var time = ArchiveTime.Normalize(exchange.TimeUtc);
            var row = existing ?? new DocumentRow { Id = id, Doc = ItemCheck.Snapshot(item.Document, id, intake.Size, time) };
            row.Year = RegisterBuilder.YearOf(row.Doc);
            if (time > row.LastUtc) row.LastUtc = time;
            if (!_db.BeginTrans()) throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
            try
            {
                _docs.Upsert(row);
                if (isNew) _texts.Upsert(new TextRow { Id = id, Text = item.Text ?? "" });
                _exchanges.Insert(new ExchangeRow { Id = key, DocumentId = id, TimeUtc = time, Exchange = ItemCheck.Copy(exchange, time) });
                _pending.Upsert(new PendingRow { Id = id });
                _db.Commit();
            }
            catch
            {
                _db.Rollback();
                throw;
            }
            generation = ++_committed;
            if (isNew)
            {
                Interlocked.Increment(ref _count);
                Interlocked.Add(ref _bytes, intake.Size);
            }
            Interlocked.Increment(ref _exchangeCount);
            Reindex(row);
            _indexDirty = true;
            if (_sinceCommit.Elapsed >= IndexCommitInterval) CommitIndex();
        }
        finally
        {
            _write.Release();
        }
        await MakeDurableAsync(generation, ct);
        return isNew;
    }

    /// <summary>
    /// Waits until the transaction numbered <paramref name="generation"/> is on disk (the host removes a queue file once
    /// its documents are stored). One checkpoint and fsync covers every transaction committed before it starts, so
    /// stores running together share it (group commit).
    /// </summary>
    private async Task MakeDurableAsync(long generation, CancellationToken ct)
    {
        if (Interlocked.Read(ref _durable) >= generation) return;
        await _durability.WaitAsync(ct);
        try
        {
            if (Interlocked.Read(ref _durable) >= generation) return;
            long target = Interlocked.Read(ref _committed);
            Durable();
            Interlocked.Exchange(ref _durable, target);
        }
        finally
        {
            _durability.Release();
        }
    }

    /// <summary>The committed transaction on disk: the host removes a queue file once its documents are stored.</summary>
    private void Durable()
    {
        _db.Checkpoint();
        Fsync.Path(_dbPath);
        if (File.Exists(_dbPath + "-log")) Fsync.Path(_dbPath + "-log");
    }

    private void PlaceFile(ContentIntake intake, string id)
    {
        var path = FilePath(id);
        if (File.Exists(path)) return;
        var dir = Path.GetDirectoryName(path)!;
        PrivateFiles.CreateDirectory(dir);
        try
        {
            File.Move(intake.TempPath, path);
        }
        catch (IOException) when (File.Exists(path))
        {
            // The same document stored at the same moment by another exchange: its bytes are the same.
            return;
        }
        Fsync.Path(dir);
    }

    private ArchivedDocument Load(DocumentRow row)
    {
        var d = row.Doc;
        d.Id = row.Id;
        d.Exchanges = _exchanges.Find(e => e.DocumentId == row.Id).OrderBy(e => e.TimeUtc).Select(e => e.Exchange).ToList();
        return d;
    }

    public ArchiveSearchResult Search(ArchiveQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryFilters.Check(query);
        var text = TextQuery.Parse(query.Text);
        var textQuery = Passages.Build(text);
        var (total, page) = _index.Search(textQuery, query, QueryFilters.Of(query));
        var result = new ArchiveSearchResult();
        // Lucene counts every match while collecting the page anyway; the bound is applied so both stores answer alike.
        result.SetTotal(total, query.CountUpTo);
        var passages = Passages.For(text, _analyzer);
        // One query per collection for the whole page, not three per hit.
        var keys = page.Select(p => new BsonValue(p.Id)).ToArray();
        var rows = keys.Length == 0 ? [] : _docs.Find(Query.In("_id", keys)).ToDictionary(r => r.Id);
        var exchanges = _exchanges.Find(Query.In("DocumentId", keys)).ToLookup(e => e.DocumentId);
        var texts = textQuery is null || keys.Length == 0 ? [] : _texts.Find(Query.In("_id", keys)).ToDictionary(t => t.Id, t => t.Text);
        foreach (var (id, score) in page)
        {
            if (!rows.TryGetValue(id, out var row)) continue;
            row.Doc.Id = row.Id;
            row.Doc.Exchanges = exchanges[id].OrderBy(e => e.TimeUtc).Select(e => e.Exchange).ToList();
            result.Hits.Add(new ArchiveHit
            {
                Document = row.Doc,
                Score = score,
                Passages = textQuery is null ? [] : passages(FilterValues.Body(row.Doc, texts.GetValueOrDefault(id) ?? "")),
            });
        }
        return result;
    }

    public ArchivedDocument? Find(string id)
    {
        var key = ArchiveIds.Normalize(id);
        if (ArchiveIds.IsFull(key)) return _docs.FindById(key) is { } row ? Load(row) : null;
        var matches = _docs.Find(Query.StartsWith("_id", key), limit: 2).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => Load(matches[0]),
            _ => throw ArchiveIds.Ambiguous(id, _docs.Find(Query.StartsWith("_id", key), limit: 10).Select(r => r.Id)),
        };
    }

    public Stream OpenVerified(string id)
    {
        var doc = Find(id) ?? throw ArchiveIds.NotFound(id);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(FilePath(doc.Id));
        }
        catch (FileNotFoundException)
        {
            throw new ArchiveIntegrityException(doc.Id, "",
                $"Tệp của tài liệu {doc.Id} không còn trong kho lưu trữ. / The file of document {doc.Id} is missing from the archive.");
        }
        return new MemoryStream(ContentIntake.Verified(doc.Id, bytes), writable: false);
    }

    public ArchiveRegister Register(int year, string? issuer) =>
        RegisterBuilder.Build(year, issuer, _docs.Find(r => r.Year == year).Select(r => { r.Doc.Id = r.Id; r.Doc.Exchanges = []; return r.Doc; }));

    public IEnumerable<ArchivedDocument> List(DateTime? sinceUtc, DateTime? untilUtc)
    {
        var since = sinceUtc?.ToUniversalTime() ?? DateTime.MinValue;
        var until = untilUtc?.ToUniversalTime() ?? DateTime.MaxValue;
        var ids = _exchanges.Query().Where(e => e.TimeUtc >= since && e.TimeUtc < until).OrderBy(e => e.TimeUtc)
            .Select(e => e.DocumentId).ToEnumerable().Distinct().ToList();
        foreach (var id in ids)
            if (_docs.FindById(id) is { } row) yield return Load(row);
    }

    public void Hold(string id, string reason, string by)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new ArchiveException("Cần nêu lý do giữ tài liệu. / A legal hold needs a reason.");
        ChangeHold(id, row => row.Doc.Hold = new ArchiveHold { Reason = reason, By = by, SinceUtc = ArchiveTime.Normalize(DateTime.UtcNow) });
    }

    public void ReleaseHold(string id, string by) => ChangeHold(id, row =>
    {
        if (row.Doc.Hold is null)
            throw new ArchiveException($"Tài liệu {row.Id} không bị giữ. / Document {row.Id} is not under a legal hold.");
        row.Doc.Hold = null;
    });

    private void ChangeHold(string id, Action<DocumentRow> change)
    {
        _write.Wait();
        try
        {
            var doc = Find(id) ?? throw ArchiveIds.NotFound(id);
            var row = _docs.FindById(doc.Id)!;
            bool wasHeld = row.Doc.Hold is not null;
            change(row);
            Interlocked.Add(ref _held, (row.Doc.Hold is not null ? 1 : 0) - (wasHeld ? 1 : 0));
            _docs.Update(row);
            Durable();
        }
        finally
        {
            _write.Release();
        }
    }

    public ArchivePurgeResult Purge(ArchiveRetention retention, DateTime nowUtc, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(retention);
        var result = new ArchivePurgeResult { DryRun = dryRun };
        if (PurgePlanner.Horizon(retention, nowUtc) is not { } horizon) return result;
        _write.Wait();
        try
        {
            var candidates = _docs.Find(r => r.LastUtc <= horizon).ToList();
            foreach (var row in candidates)
            {
                var doc = Load(row);
                if (!PurgePlanner.IsDue(doc, retention, nowUtc)) continue;
                if (doc.Hold is not null)
                {
                    result.KeptHeld.Add(doc.Id);
                    continue;
                }
                result.Removed.Add(PurgePlanner.Removed(doc));
                if (dryRun) continue;
                if (!_db.BeginTrans()) throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
                _exchanges.DeleteMany(e => e.DocumentId == doc.Id);
                _texts.Delete(doc.Id);
                _docs.Delete(doc.Id);
                _pending.Upsert(new PendingRow { Id = doc.Id });
                _db.Commit();
                Interlocked.Decrement(ref _count);
                Interlocked.Add(ref _bytes, -doc.Size);
                Interlocked.Add(ref _exchangeCount, -doc.Exchanges.Count);
                _index.Delete(doc.Id);
                File.Delete(FilePath(doc.Id));
            }
            if (!dryRun && result.Removed.Count > 0)
            {
                Durable();
                CommitIndex();
            }
            return result;
        }
        finally
        {
            _write.Release();
        }
    }

    public ArchiveStats Stats()
    {
        return new ArchiveStats
        {
            Documents = Interlocked.Read(ref _count),
            Bytes = Interlocked.Read(ref _bytes),
            Held = Interlocked.Read(ref _held),
            Exchanges = Interlocked.Read(ref _exchangeCount),
            IndexBytes = _index.SizeBytes(),
        };
    }

    /// <summary>Commits the index now (the bench measures with it; Dispose does it too).</summary>
    public void Flush()
    {
        _write.Wait();
        try
        {
            if (_indexDirty) CommitIndex();
        }
        finally
        {
            _write.Release();
        }
    }

    public void Dispose()
    {
        try
        {
            if (_indexDirty) CommitIndex();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Archive: the index could not be committed at close; it is rebuilt for the pending documents at the next open");
        }
        _index.Dispose();
        _db.Dispose();
        _logFile.Dispose();
        _dataFile.Dispose();
        _analyzer.Dispose();
        _write.Dispose();
        _durability.Dispose();
    }
}
