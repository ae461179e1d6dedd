using LiteDB;
using Microsoft.Extensions.Logging;

namespace GovGateway.Audit;

/// <summary>
/// The LiteDB side of the audit log (DATA/audit/audit.db, direct mode: one process owns the file).
/// The chain's entries live in two collections sharing one sequence (_id): "transactions", and "deliveries" with the
/// queue-id index that joins them to their transaction. Transactions are found by time, Message-ID and sender through
/// "lookup" (<see cref="LookupIndex"/>), written with each batch, then read by _id range: no secondary index on them.
/// Writes (batches, purges) and chain walks are serialized by one lock so the head and anchor in "meta" always
/// describe the entries a reader sees.
/// </summary>
internal sealed class AuditStore : IDisposable
{
    public const string TransactionsCollection = "transactions";
    public const string DeliveriesCollection = "deliveries";
    public const string MetaCollection = "meta";
    private const string HeadId = "head";
    private const string AnchorId = "anchor";

    private readonly LiteDatabase _db;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly object _writeLock = new();

    // The same collections untyped: the writer inserts documents it built itself (EntryDocument).
    private readonly ILiteCollection<BsonDocument> _transactionDocs;
    private readonly ILiteCollection<BsonDocument> _deliveryDocs;
    private readonly FileStream _dataFile;
    private readonly FileStream _logFile;

    private AuditStore(LiteDatabase db, string path, ILogger logger, FileStream dataFile, FileStream logFile)
    {
        _dataFile = dataFile;
        _logFile = logFile;
        _db = db;
        _path = path;
        _logger = logger;
        Transactions = db.GetCollection<AuditEntry>(TransactionsCollection);
        Deliveries = db.GetCollection<AuditEntry>(DeliveriesCollection);
        _transactionDocs = db.GetCollection(TransactionsCollection);
        _deliveryDocs = db.GetCollection(DeliveriesCollection);
        Meta = db.GetCollection<ChainPoint>(MetaCollection);
        Lookup = new LookupIndex(db.GetCollection(LookupIndex.Collection));
        Head = Meta.FindById(HeadId) ?? new ChainPoint { Id = HeadId, Seq = 0, Hash = ChainHasher.Genesis };
    }

    public ILiteCollection<AuditEntry> Transactions { get; }
    public ILiteCollection<AuditEntry> Deliveries { get; }

    /// <summary>Blocks of lookup keys (Message-ID, sender) and time ranges over runs of chain numbers.</summary>
    public LookupIndex Lookup { get; }

    /// <summary>
    /// Every chain entry after <paramref name="afterSeq"/>, in sequence order: a merge of both collections and of the
    /// outcomes stored inside transactions, which follow their transaction within one batch.
    /// </summary>
    public IEnumerable<AuditEntry> ChainAfter(long afterSeq)
    {
        using var tx = Transactions.Find(Query.GT("_id", afterSeq)).GetEnumerator();
        using var dl = Deliveries.Find(Query.GT("_id", afterSeq)).GetEnumerator();
        var embedded = new PriorityQueue<AuditEntry, long>();
        bool hasTx = tx.MoveNext(), hasDl = dl.MoveNext();
        while (hasTx || hasDl || embedded.Count > 0)
        {
            long next = Math.Min(hasTx ? tx.Current.Id : long.MaxValue, hasDl ? dl.Current.Id : long.MaxValue);
            if (embedded.TryPeek(out var outcome, out long seq) && seq <= next)
            {
                embedded.Dequeue();
                if (seq > afterSeq) yield return outcome;
            }
            else if (hasTx && tx.Current.Id == next)
            {
                var t = tx.Current;
                foreach (var o in t.Outcomes ?? []) embedded.Enqueue(o, o.Id);
                yield return t;
                hasTx = tx.MoveNext();
            }
            else
            {
                yield return dl.Current;
                hasDl = dl.MoveNext();
            }
        }
    }

    public ILiteCollection<ChainPoint> Meta { get; }

    /// <summary>Last entry written (seq 0 and the genesis hash for an empty log).</summary>
    public ChainPoint Head { get; private set; }

    public object WriteLock => _writeLock;

    public static AuditStore Open(string path, AuditOptions options, ILogger logger)
    {
        // LiteDB is given the files as streams: it then flushes each commit to the OS without an fsync of its own.
        // Durability comes from the audit journal, which is only deleted after Checkpoint() has fsynced both files.
        var data = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 8192);
        FileStream? log = null;
        LiteDatabase? db = null;
        try
        {
            log = new FileStream(LogPathFor(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 8192);
            db = new LiteDatabase(data, CreateMapper(), log);
            db.UtcDate = true;
            db.CheckpointSize = options.CheckpointPages;
            var transactions = db.GetCollection<AuditEntry>(TransactionsCollection);
            // Time range, Message-ID and sender are looked up through the lookup blocks; recipient, class, rule, symbol,
            // signature and subject filters run in memory over what they yield. Earlier versions kept LiteDB indexes on
            // time, queue id, Message-ID and sender (each insert into each cost 10-70 µs): dropped here, and the blocks
            // built from what is stored.
            bool hadKeyIndexes = transactions.DropIndex("time") | transactions.DropIndex("queue") | transactions.DropIndex("msgid") | transactions.DropIndex("sender");
            // Deliveries are only ever looked up by the transaction's queue id.
            db.GetCollection<AuditEntry>(DeliveriesCollection).EnsureIndex("queue", "$.QueueId");
            // A collection LiteDB creates inside the writer's transaction while a query reads it fails that query
            // ("page type must be collection page"): create the ones without an index of their own now.
            CreateCollection(db, TransactionsCollection);
            CreateCollection(db, LookupIndex.Collection);
            var store = new AuditStore(db, path, logger, data, log);
            try
            {
                if (hadKeyIndexes || (store.Lookup.IsEmpty && store._transactionDocs.Exists(Query.All()))) store.RebuildLookup();
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

    /// <summary>Ids of the stored transactions with a time at or after <paramref name="sinceUtc"/>.</summary>
    public HashSet<string> TransactionIdsSince(DateTime sinceUtc) =>
        InRange(ChainHasher.Normalize(sinceUtc), DateTime.MaxValue).Select(e => e.Transaction!.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>Transactions with a time in [since, until), in chain order, read block by block.</summary>
    public IEnumerable<AuditEntry> InRange(DateTime since, DateTime until)
    {
        foreach (var block in Lookup.Candidates([], since, until).OrderBy(b => b.Number))
            foreach (var e in TransactionsIn(block, since, until))
                yield return e;
    }

    /// <summary>The block's stored transactions with a time in [since, until), in chain order.</summary>
    private IEnumerable<AuditEntry> TransactionsIn(LookupBlock block, DateTime since, DateTime until) =>
        Transactions.Find(Query.Between("_id", block.FirstSeq, block.LastSeq))
            .Where(e => e.Kind == EntryKinds.Transaction && e.Transaction is not null && e.TimeUtc >= since && e.TimeUtc < until);

    public ChainPoint Anchor => Meta.FindById(AnchorId) ?? new ChainPoint { Id = AnchorId, Seq = 0, Hash = ChainHasher.Genesis };

    public ChainPoint StoredHead => Meta.FindById(HeadId) ?? new ChainPoint { Id = HeadId, Seq = 0, Hash = ChainHasher.Genesis };

    /// <summary>
    /// Links and inserts entries in sequence order in one LiteDB transaction. Entries at or below the head are
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
            foreach (var entry in batch)
            {
                if (entry.Id <= last) continue;
                if (entry.Id != last + 1)
                    _logger.LogError("Audit chain gap: entry {Seq} follows {Last}; the missing entries were lost from the journal", entry.Id, last);
                entry.PrevHash = prev;
                entry.Hash = ChainHasher.Compute(prev, entry);
                prev = entry.Hash;
                last = entry.Id;
                linked.Add(entry);
            }
            if (linked.Count == 0) return 0;

            var newHead = new ChainPoint { Id = HeadId, Seq = last, Hash = prev };
            InTransaction(() =>
            {
                var (transactions, deliveries) = Group(linked);
                if (transactions.Count > 0) _transactionDocs.InsertBulk(transactions.Select(EntryDocument.From), transactions.Count);
                if (deliveries.Count > 0) _deliveryDocs.InsertBulk(deliveries.Select(EntryDocument.From), deliveries.Count);
                Lookup.Record(transactions);
                Meta.Upsert(newHead);
                return 0;
            });
            Head = newHead;
            return linked.Count;
        }
    }

    /// <summary>
    /// Transactions, each carrying the outcomes of this batch that follow it (one document instead of one per outcome:
    /// most messages are delivered within the batch that records their acceptance), and the outcomes left over.
    /// </summary>
    private static (List<AuditEntry> Transactions, List<AuditEntry> Deliveries) Group(List<AuditEntry> linked)
    {
        var transactions = new List<AuditEntry>(linked.Count);
        var deliveries = new List<AuditEntry>();
        var accepted = new Dictionary<string, AuditEntry>(StringComparer.Ordinal);
        foreach (var entry in linked)
        {
            if (entry.Kind == EntryKinds.Delivery)
            {
                if (entry.QueueId is { } queue && accepted.TryGetValue(queue, out var owner)) (owner.Outcomes ??= []).Add(entry);
                else deliveries.Add(entry);
                continue;
            }
            entry.Outcomes = null; // a retried batch groups again from scratch
            transactions.Add(entry);
            if (entry.QueueId is { } id && entry.Transaction?.Decision == AuditDecisions.Accepted) accepted[id] = entry;
        }
        return (transactions, deliveries);
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
            foreach (var entry in ChainAfter(anchor.Seq))
            {
                // Outcomes stored inside a purged transaction go with it, so the run extends over them even when they
                // are a moment younger than the cutoff: the chain must resume after the anchor with nothing missing.
                if (entry.TimeUtc >= cutoff && entry.Id > storedWithPurged) break;
                lastPurged = entry;
                if (entry.Outcomes is { Count: > 0 } outcomes) storedWithPurged = Math.Max(storedWithPurged, outcomes[^1].Id);
            }
            if (lastPurged is null) return 0;

            int removed = InTransaction(() =>
            {
                int n = Transactions.DeleteMany(Query.LTE("_id", lastPurged.Id)) + Deliveries.DeleteMany(Query.LTE("_id", lastPurged.Id));
                Lookup.PurgeThrough(lastPurged.Id);
                Meta.Upsert(new ChainPoint { Id = AnchorId, Seq = lastPurged.Id, Hash = lastPurged.Hash });
                return n;
            });
            _logger.LogInformation("Audit retention removed {Count} entries up to {Seq} (older than {Cutoff:o})", removed, lastPurged.Id, cutoff);
            return removed;
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
            _db.Rollback();
            Lookup.Discard();
            throw;
        }
    }

    /// <summary>Recomputes the lookup blocks from every stored transaction, in one LiteDB transaction.</summary>
    public int RebuildLookup()
    {
        lock (_writeLock)
        {
            int count = InTransaction(() => Lookup.Rebuild(Transactions.Find(Query.All("_id", Query.Ascending))));
            _logger.LogInformation("Audit lookup blocks built for {Count} stored transactions", count);
            return count;
        }
    }

    /// <summary>
    /// Transactions that have every key (none: all of them) in the time range, newest first (time, then number), read block by block:
    /// a block is read only once no block left can hold anything newer than what is waiting to be returned.
    /// </summary>
    public IEnumerable<AuditEntry> FindByKeys(IReadOnlyList<string> keys, DateTime since, DateTime until)
    {
        var blocks = Lookup.Candidates(keys, since, until).OrderByDescending(b => b.MaxTimeUtc).ThenByDescending(b => b.Number).ToList();
        var waiting = new PriorityQueue<AuditEntry, (DateTime, long)>(Comparer<(DateTime Time, long Id)>.Create((a, b) => b.CompareTo(a)));
        int next = 0;
        while (true)
        {
            while (next < blocks.Count && (waiting.Count == 0 || blocks[next].MaxTimeUtc >= waiting.Peek().TimeUtc))
            {
                foreach (var e in TransactionsIn(blocks[next++], since, until))
                    if (keys.All(LookupKeys.Of(e.Transaction!).Contains)) waiting.Enqueue(e, (e.TimeUtc, e.Id));
            }
            if (waiting.Count == 0) yield break;
            yield return waiting.Dequeue();
        }
    }

    /// <summary>Folds LiteDB's -log file into the data file and makes both durable.</summary>
    public void Checkpoint()
    {
        lock (_writeLock)
        {
            _db.Checkpoint();
            NativeFsync.Path(_path);
            NativeFsync.Path(LogPath);
        }
    }

    public string LogPath => LogPathFor(_path);

    private static string LogPathFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));

    public void Dispose()
    {
        _db.Dispose();
        _logFile.Dispose();
        _dataFile.Dispose();
    }
}
