using LiteDB;
using Microsoft.Extensions.Logging;
using GovGateway.FileSystem;

namespace GovGateway.Audit;

/// <summary>
/// The LiteDB side of the audit log (DATA/audit/audit.db, direct mode: one process owns the file).
/// The chain's entries live in "chain" as chunks (<see cref="ChainChunk"/>: runs of consecutive entries in their
/// canonical form). Transactions are found by time, Message-ID and sender through "lookup" (<see cref="LookupIndex"/>),
/// then read by chunk. A delivery outcome is found in its transaction's chunk or in the one right after it (most are
/// stored within a flush interval of their transaction); one stored later still gets a reference in "outcome_refs"
/// (<see cref="OutcomeRefs"/>, one document per lookup block), through which queries join it to the transaction.
/// Writes (batches, purges) and chain walks are serialized by one lock so the head and anchor in "meta" always
/// describe the entries a reader sees.
/// </summary>
internal sealed class AuditStore : IDisposable
{
    public const string ChainCollection = ChainChunk.Collection;
    /// <summary>
    /// The layout of audit.db, kept in "meta" as <c>{_id: "format", Seq: version}</c>. A database of a later format is
    /// refused rather than misread; a change of layout raises it and converts explicitly on open.
    /// </summary>
    public const int StorageFormat = 1;
    private const string FormatId = "format";
    public const string MetaCollection = "meta";
    private const string HeadId = "head";
    private const string AnchorId = "anchor";

    private readonly LiteDatabase _db;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly object _writeLock = new();
    private readonly ILiteCollection<BsonDocument> _chain;
    private readonly FileStream _dataFile;
    private readonly FileStream _logFile;
    // The chunk this process stored last and its accepted transactions' queue ids: their outcomes in the next chunk need
    // no reference. Unknown after opening, when every outcome outside its transaction's chunk gets one.
    private OutcomePlacement.StoredChunk? _lastStored;

    private AuditStore(LiteDatabase db, string path, ILogger logger, FileStream dataFile, FileStream logFile)
    {
        _dataFile = dataFile;
        _logFile = logFile;
        _db = db;
        _path = path;
        _logger = logger;
        _chain = db.GetCollection(ChainCollection);
        Meta = db.GetCollection<ChainPoint>(MetaCollection);
        Lookup = new LookupIndex(db.GetCollection(LookupIndex.Collection), db.GetCollection(OutcomeRefs.Collection));
        Head = Meta.FindById(HeadId) ?? new ChainPoint { Id = HeadId, Seq = 0, Hash = ChainHasher.Genesis };
    }

    /// <summary>Blocks of lookup keys (Message-ID, sender) and time ranges over runs of chain numbers.</summary>
    public LookupIndex Lookup { get; }

    public ILiteCollection<ChainPoint> Meta { get; }

    /// <summary>Last entry written (seq 0 and the genesis hash for an empty log).</summary>
    public ChainPoint Head { get; private set; }

    public object WriteLock => _writeLock;

    public static AuditStore Open(string path, AuditOptions options, ILogger logger)
    {
        // LiteDB is given the files as streams: it then flushes each commit to the OS without an fsync of its own.
        // Durability comes from the audit journal, which is only deleted after Checkpoint() has fsynced both files.
        var data = PrivateFiles.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 8192);
        FileStream? log = null;
        LiteDatabase? db = null;
        try
        {
            log = PrivateFiles.Open(LogPathFor(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 8192);
            db = new LiteDatabase(data, CreateMapper(), log);
            db.UtcDate = true;
            db.CheckpointSize = options.CheckpointPages;
            // A collection LiteDB creates inside the writer's transaction while a query reads it fails that query
            // ("page type must be collection page"): create the ones without an index of their own now.
            CreateCollection(db, ChainCollection);
            CreateCollection(db, LookupIndex.Collection);
            CreateCollection(db, OutcomeRefs.Collection);
            var store = new AuditStore(db, path, logger, data, log);
            try
            {
                store.CheckFormat();
                if (store.Lookup.IsEmpty && store._chain.Exists(Query.All())) store.RebuildLookup();
            }
            catch
            {
                store.Dispose();
                throw;
            }
            return store;
        }
        catch
        {
            db?.Dispose();
            log?.Dispose();
            data.Dispose();
            throw;
        }
    }

    private static void CreateCollection(LiteDatabase db, string name)
    {
        if (db.CollectionExists(name)) return;
        var collection = db.GetCollection(name);
        if (!db.BeginTrans()) throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
        collection.Insert(new BsonDocument { ["_id"] = long.MinValue });
        collection.Delete(long.MinValue);
        db.Commit();
    }

    /// <summary>Mapper that stores strings exactly as given (LiteDB trims and nulls empty strings by default).</summary>
    internal static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper
        {
            TrimWhitespace = false,
            EmptyStringToNull = false,
            SerializeNullValues = false,
        };
        mapper.Entity<AuditEntry>().Id(e => e.Id, autoId: false);
        mapper.Entity<ChainPoint>().Id(e => e.Id, autoId: false);
        return mapper;
    }

    private void CheckFormat()
    {
        if (Meta.FindById(FormatId) is { } format)
        {
            if (format.Seq != StorageFormat)
                throw new AuditLogDamagedException($"{_path} is in audit storage format {format.Seq}; this gateway reads format {StorageFormat} (a database written by a newer version?).");
            return;
        }
        Meta.Upsert(new ChainPoint { Id = FormatId, Seq = StorageFormat, Hash = "" });
    }

    /// <summary>
    /// Chunks holding entries after <paramref name="afterSeq"/>, in stored order (chunks are keyed by their last entry).
    /// </summary>
    public IEnumerable<ChainChunk> ChunksAfter(long afterSeq) =>
        _chain.Find(Query.GT("_id", afterSeq)).Select(ChainChunk.FromDocument);

    /// <summary>Every readable chain entry after <paramref name="afterSeq"/>, in chain order, transactions carrying the outcomes of their chunk.</summary>
    public IEnumerable<AuditEntry> ChainAfter(long afterSeq)
    {
        foreach (var chunk in ChunksAfter(afterSeq))
            foreach (var e in chunk.Read())
                if (e.Id > afterSeq) yield return e;
    }

    /// <summary>Ids of the stored transactions with a time at or after <paramref name="sinceUtc"/>.</summary>
    public HashSet<string> TransactionIdsSince(DateTime sinceUtc) =>
        InRange(ChainHasher.Normalize(sinceUtc), DateTime.MaxValue).Select(e => e.Transaction!.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>Transactions with a time in [since, until), in chain order, read block by block, without their outcomes.</summary>
    public IEnumerable<AuditEntry> InRange(DateTime since, DateTime until)
    {
        foreach (var block in LookupIndex.Candidates(Lookup.All(), [], since, until))
            foreach (var e in TransactionsIn(block, since, until))
                yield return e;
    }

    /// <summary>
    /// The block's stored transactions with a time in [since, until), in chain order, without their outcomes; with
    /// <paramref name="needles"/>, only those whose text contains them all (<see cref="ChainChunk.ReadTransactions"/>).
    /// </summary>
    private IEnumerable<AuditEntry> TransactionsIn(LookupBlock block, DateTime since, DateTime until, IReadOnlyList<string>? needles = null)
    {
        foreach (var doc in _chain.Find(Query.GTE("_id", block.FirstSeq)))
        {
            var chunk = ChainChunk.FromDocument(doc);
            if (chunk.First > block.LastSeq) yield break;
            foreach (var e in chunk.ReadTransactions(needles))
                if (e.Id >= block.FirstSeq && e.Id <= block.LastSeq && e.Transaction is not null && e.TimeUtc >= since && e.TimeUtc < until)
                    yield return e;
        }
    }

    /// <summary>The chunk holding <paramref name="seq"/>, or the first after it when that entry is not stored (purged); null past the head.</summary>
    public ChainChunk? ChunkHolding(long seq) => ChunkDocumentHolding(seq) is { } doc ? ChainChunk.FromDocument(doc) : null;

    /// <summary>
    /// Delivery outcomes of <paramref name="queueId"/> after <paramref name="afterSeq"/> that have a reference (see
    /// <see cref="Store"/>), looked up in <paramref name="blocks"/> (<see cref="LookupIndex.All"/>).
    /// </summary>
    public IEnumerable<AuditEntry> ReferencedOutcomes(IReadOnlyList<LookupBlock> blocks, string queueId, long afterSeq)
    {
        foreach (long seq in Lookup.ReferencedOutcomes(blocks, queueId, afterSeq))
        {
            if (ChunkDocumentHolding(seq) is not { } doc) continue;
            var chunk = ChainChunk.FromDocument(doc);
            long index = seq - chunk.First;
            if (index < 0 || index >= chunk.Entries.Count) continue;
            if (EntryCodec.TryParse(chunk.Entries[(int)index]) is { Kind: EntryKinds.Delivery, Delivery: not null } e && e.Id == seq && e.QueueId == queueId)
                yield return e;
        }
    }

    /// <summary>The chunk document that holds <paramref name="seq"/> if any is stored: the first whose last entry is at or after it.</summary>
    private BsonDocument? ChunkDocumentHolding(long seq) => _chain.FindOne(Query.GTE("_id", seq));

    public ChainPoint Anchor => Meta.FindById(AnchorId) ?? new ChainPoint { Id = AnchorId, Seq = 0, Hash = ChainHasher.Genesis };

    public ChainPoint StoredHead => Meta.FindById(HeadId) ?? new ChainPoint { Id = HeadId, Seq = 0, Hash = ChainHasher.Genesis };

    /// <summary>
    /// Links and stores entries in sequence order in one LiteDB transaction. Entries at or below the head are
    /// skipped, which makes journal replay idempotent.
    /// </summary>
    public int AppendBatch(IReadOnlyList<AuditEntry> batch)
    {
        lock (_writeLock)
        {
            var head = Head;
            string prev = head.Hash;
            long last = head.Seq;
            var linked = new List<AuditEntry>(batch.Count);
            var canonical = new List<string>(batch.Count);
            foreach (var entry in batch)
            {
                if (entry.Id <= last) continue;
                if (entry.Id != last + 1)
                    _logger.LogError("Audit chain gap: entry {Seq} follows {Last}; the missing entries were lost from the journal", entry.Id, last);
                entry.PrevHash = prev;
                (string text, entry.Hash) = ChainHasher.Link(prev, entry);
                prev = entry.Hash;
                last = entry.Id;
                linked.Add(entry);
                canonical.Add(text);
            }
            if (linked.Count == 0) return 0;

            var newHead = new ChainPoint { Id = HeadId, Seq = last, Hash = prev };
            var stored = InTransaction(() =>
            {
                var stored = Store(linked, canonical, _lastStored);
                Meta.Upsert(newHead);
                return stored;
            });
            _lastStored = stored;
            Head = newHead;
            return linked.Count;
        }
    }

    /// <summary>
    /// Stores linked entries (consecutive numbers) as chunks and lists their transactions in the lookup blocks, inside
    /// the caller's transaction. An outcome whose accepted transaction is neither in its chunk nor in the chunk right
    /// before it (<paramref name="previous"/>, the last one stored) gets a reference: readers
    /// (<see cref="OutcomeFinder"/>) look in those two chunks, and through references. Under load most outcomes
    /// come after their transaction's batch (81% at 50 ms batches, half of them more than one batch later at 250 ms). Returns the last chunk stored.
    /// </summary>
    private OutcomePlacement.StoredChunk? Store(List<AuditEntry> linked, List<string> canonical, OutcomePlacement.StoredChunk? previous)
    {
        int start = 0;
        while (start < linked.Count)
        {
            // A chunk's entries must be consecutive (an entry's place in it gives its number) and stay well under
            // LiteDB's document limit.
            int end = start, bytes = 0;
            do
            {
                bytes += canonical[end].Length;
                end++;
            }
            while (end < linked.Count && linked[end].Id == linked[end - 1].Id + 1 && bytes + canonical[end].Length <= ChainChunk.MaxBytes);

            var entries = linked.GetRange(start, end - start);
            _chain.Insert(new ChainChunk(entries[0].Id, canonical.GetRange(start, end - start)).ToDocument());
            var (transactions, later) = OutcomePlacement.Group(entries);
            long first = entries[0].Id;
            var referenced = OutcomePlacement.NeedingReference(later, previous, first).ToList();
            Lookup.Record(transactions, referenced);
            previous = OutcomePlacement.StoredChunk.Of(entries[^1].Id, transactions);
            start = end;
        }
        return previous;
    }

    /// <summary>
    /// Removes the longest run of oldest entries (in chain order) whose time is before the cutoff, and stores the
    /// last removed entry's sequence number and hash as the anchor the chain walk starts from.
    /// </summary>
    public int Purge(DateTime olderThanUtc)
    {
        var cutoff = ChainHasher.Normalize(olderThanUtc);
        lock (_writeLock)
        {
            var anchor = Anchor;
            AuditEntry? lastPurged = null;
            long storedWithPurged = 0;
            int count = 0;
            foreach (var entry in ChainAfter(anchor.Seq))
            {
                // Outcomes stored with a purged transaction go with it, so the run extends over them even when they
                // are a moment younger than the cutoff: the chain must resume after the anchor with nothing missing.
                if (entry.TimeUtc >= cutoff && entry.Id > storedWithPurged) break;
                lastPurged = entry;
                count++;
                if (entry.Outcomes is { Count: > 0 } outcomes) storedWithPurged = Math.Max(storedWithPurged, outcomes[^1].Id);
            }
            if (lastPurged is null) return 0;

            long through = lastPurged.Id;
            InTransaction(() =>
            {
                _chain.DeleteMany(Query.LTE("_id", through));
                // The chunk the run ends in keeps the entries after it.
                if (ChunkDocumentHolding(through + 1) is { } doc && ChainChunk.FromDocument(doc) is { } partial && partial.First <= through)
                {
                    int cut = (int)Math.Min(through - partial.First + 1, partial.Entries.Count);
                    _chain.Delete(doc["_id"]);
                    if (cut < partial.Entries.Count)
                        _chain.Insert(new ChainChunk(through + 1, partial.Entries.GetRange(cut, partial.Entries.Count - cut)).ToDocument());
                }
                Lookup.PurgeThrough(through);
                Meta.Upsert(new ChainPoint { Id = AnchorId, Seq = through, Hash = lastPurged.Hash });
                return 0;
            });
            _logger.LogInformation("Audit retention removed {Count} entries up to {Seq} (older than {Cutoff:o})", count, through, cutoff);
            return count;
        }
    }

    /// <summary>
    /// Runs a change of the writer (caller holds the write lock) as one LiteDB transaction; on failure rolls it back and
    /// drops the lookup block the writer keeps in memory, which may hold what was rolled back.
    /// </summary>
    private T InTransaction<T>(Func<T> change)
    {
        if (!_db.BeginTrans()) throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
        try
        {
            var result = change();
            _db.Commit();
            return result;
        }
        catch
        {
            try
            {
                _db.Rollback();
            }
            catch (Exception rollbackError)
            {
                // After a failed disk write the rollback can fail too; the caller sees the first error.
                KeepReachable(rollbackError);
            }
            Lookup.Discard();
            throw;
        }
    }

    // A LiteDB transaction whose rollback (or dispose) failed stays open inside the engine, and its finalizer, run
    // whenever the engine is collected, throws again and ends the process. A store in that state is kept reachable
    // for the life of the process instead: a few pages per disk-full episode.
    private static readonly List<AuditStore> Failed = [];

    private void KeepReachable(Exception error)
    {
        _logger.LogDebug(error, "LiteDB could not roll back or close {Path}; keeping it in memory", _path);
        lock (Failed)
            if (!Failed.Contains(this)) Failed.Add(this);
    }

    /// <summary>Recomputes the lookup blocks from every stored transaction, in one LiteDB transaction.</summary>
    public int RebuildLookup()
    {
        lock (_writeLock)
        {
            int count = InTransaction(() => Lookup.Rebuild(ChunksAfter(long.MinValue).Select(c => OutcomePlacement.Group(c.Parse()))));
            _logger.LogInformation("Audit lookup blocks built for {Count} stored transactions", count);
            return count;
        }
    }

    /// <summary>
    /// Transactions (without their outcomes) that have every key (none: all of them) in the time range, newest first (time, then number), read block by block
    /// (of <paramref name="all"/>, <see cref="LookupIndex.All"/>): a block is read only once no block left can hold anything newer than what is waiting to be returned.
    /// </summary>
    public IEnumerable<AuditEntry> FindByKeys(IReadOnlyList<LookupBlock> all, IReadOnlyList<string> keys, DateTime since, DateTime until)
    {
        var blocks = LookupIndex.Candidates(all, keys, since, until).OrderByDescending(b => b.MaxTimeUtc).ThenByDescending(b => b.Number).ToList();
        var needles = keys.Select(LookupKeys.Needle).OfType<string>().ToList();
        var waiting = new PriorityQueue<AuditEntry, (DateTime, long)>(Comparer<(DateTime Time, long Id)>.Create((a, b) => b.CompareTo(a)));
        int next = 0;
        while (true)
        {
            while (next < blocks.Count && (waiting.Count == 0 || blocks[next].MaxTimeUtc >= waiting.Peek().TimeUtc))
            {
                foreach (var e in TransactionsIn(blocks[next++], since, until, needles.Count > 0 ? needles : null))
                    if (keys.All(LookupKeys.Of(e.Transaction!).Contains)) waiting.Enqueue(e, (e.TimeUtc, e.Id));
            }
            if (waiting.Count == 0) yield break;
            yield return waiting.Dequeue();
        }
    }

    /// <summary>Folds LiteDB's -log file into the data file, makes both durable, and records the head in DATA/audit/head.</summary>
    public void Checkpoint()
    {
        lock (_writeLock)
        {
            _db.Checkpoint();
            Fsync.PathIfExists(_path);
            Fsync.PathIfExists(LogPath);
            // Only now, with the database durable up to it, may the head kept outside it move (see HeadFile).
            HeadFile.Write(HeadFile.PathFor(_path), Head);
        }
    }

    public string LogPath => LogPathFor(_path);

    private static string LogPathFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));

    public void Dispose()
    {
        // After a failed disk write LiteDB's own dispose can throw; the files must still be closed so that the
        // database can be opened again.
        try
        {
            _db.Dispose();
        }
        catch (Exception error)
        {
            KeepReachable(error);
            throw;
        }
        finally
        {
            _logFile.Dispose();
            _dataFile.Dispose();
        }
    }
}
