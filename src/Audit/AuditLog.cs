using System.Text.Json;
using System.Threading.Channels;
using GovGateway.FileSystem;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovGateway.Audit;

/// <summary>
/// The tamper-evident audit log. <see cref="AppendAsync"/> returns once the record is fsynced in the journal
/// (DATA/audit/journal/), sharing one fsync with every concurrent caller. A caller that already keeps the record
/// durably itself — the spool seals an accepted message's record into its queue file before the 250 — uses
/// <see cref="Carry"/> and <see cref="AppendCarried"/> instead, which cost no fsync of their own: the journal takes
/// them with its next group commit (within Audit:CommitDelay), and the caller keeps its copy until
/// <see cref="WhenDurableAsync"/> says the journal has it (the spool: until the message leaves the queue), and after a
/// crash hands its copies to <see cref="RecoverCarriedAsync"/>. Delivery outcomes (<see cref="RecordDelivery"/>) ride
/// the same commits. A background writer moves journal entries into LiteDB (DATA/audit/audit.db) in batches, chaining
/// their hashes in sequence order, and deletes journal segments once LiteDB holds them durably. Opening replays
/// whatever the journal still holds.
/// </summary>
public sealed class AuditLog : IAuditLog
{
    // Replaced when LiteDB is opened again after a failed write (see ReopenStore); readers take the current one.
    private volatile IChainStore _store;
    private readonly FileStream _ownerLock;
    private readonly AuditOptions _options;
    private readonly ILogger _logger;
    private readonly string _journalDir;
    private readonly Channel<JournalRecord> _durable = Channel.CreateUnbounded<JournalRecord>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly List<(long Seq, TaskCompletionSource Done)> _applyWaiters = [];
    private readonly CancellationTokenSource _stop = new();
    private AuditJournal _journal = null!;
    private Task _writer = Task.CompletedTask;
    private Task _retention = Task.CompletedTask;
    private long _appliedSeq;
    private int _disposed;

    // Journal segments left by the previous run that the shared store did not hold yet: deleted once it does.
    private readonly List<(string Path, long LastSeq)> _replayedSegments = [];
    private bool Shared => _options.Store == AuditStoreKind.PostgreSQL;

    private AuditLog(IChainStore store, FileStream ownerLock, AuditOptions options, ILogger logger, string journalDir, string? node)
    {
        _node = node;
        _outage = new StoreOutageLog(logger, options.Store.ToString(), shared: options.Store == AuditStoreKind.PostgreSQL);
        _store = store;
        _ownerLock = ownerLock;
        _options = options;
        _logger = logger;
        _journalDir = journalDir;
    }

    /// <summary>DATA/audit: the database and the journal.</summary>
    public static string AuditDir(string dataDir) => Path.Combine(dataDir, "audit");

    /// <summary>DATA/audit/audit.db.</summary>
    public static string DatabasePath(string dataDir) => Path.Combine(AuditDir(dataDir), "audit.db");

    /// <summary>
    /// For a reader that must not create a log: throws <see cref="FileNotFoundException"/> when the data folder holds no
    /// audit database, and <see cref="AuditLogDamagedException"/> when its head file shows one was there and is gone.
    /// </summary>
    public static void EnsureExists(string dataDir)
    {
        string db = DatabasePath(dataDir), head = HeadFile.PathFor(db);
        if (File.Exists(db)) return;
        if (File.Exists(head))
            throw new AuditLogDamagedException($"{db} is gone, but {head} records an audit chain: the audit database was deleted. Restore it from the backup.");
        throw new FileNotFoundException($"No audit log at {db}", db);
    }

    /// <summary>
    /// Opens (creating if needed) the log under DATA/audit, replays journal entries LiteDB does not hold yet, and starts
    /// the background writer and retention. Fails with <see cref="IOException"/> when another process owns the database.
    /// </summary>
    /// <param name="node">This gateway's name among several (Node:Name): each node keeps its own chain in a shared store.</param>
    public static async Task<AuditLog> OpenAsync(string dataDir, AuditOptions options, ILogger<AuditLog>? logger = null, CancellationToken ct = default, string? node = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        if (options.Store == AuditStoreKind.PostgreSQL && string.IsNullOrWhiteSpace(node))
            throw new ArgumentException("A shared audit store needs the node's name (Node:Name).", nameof(node));
        ILogger log = logger ?? (ILogger)NullLogger.Instance;
        string dir = AuditDir(Path.GetFullPath(dataDir));
        PrivateFiles.CreateDirectory(dir);
        string journalDir = Path.Combine(dir, "journal");

        // LiteDB's direct mode is single-process, but its file sharing does not stop a second process on Linux;
        // this lock (flock LOCK_EX through FileShare.None) does, with a clear error.
        FileStream ownerLock;
        try
        {
            ownerLock = PrivateFiles.Open(Path.Combine(dir, "audit.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The audit log in {dir} is open in another process (the running gateway?).", ex);
        }

        // DATA/audit/head means "last entry stored" to both stores; a LiteDB log's head taken as PostgreSQL's would start
        // this node's shared chain in the middle. The LiteDB log stays evidence; the operator moves it aside.
        if (options.Store == AuditStoreKind.PostgreSQL && File.Exists(Path.Combine(dir, "audit.db")))
        {
            ownerLock.Dispose();
            throw new AuditLogDamagedException($"{dir} holds a LiteDB audit log (audit.db), but Audit:Store is PostgreSQL. "
                + "Stop the gateway, move the audit folder aside (keep it: it is the record of what this node did before), and start again.");
        }

        IChainStore? store = null;
        try
        {
            store = options.Store == AuditStoreKind.PostgreSQL
                ? PostgresChainStore.Create(options.ConnectionString, node!.Trim(), HeadFile.PathFor(Path.Combine(dir, "audit.db")), log)
                : new LiteDbChainStore(await Task.Run(() => OpenStore(Path.Combine(dir, "audit.db"), options, log), ct).ConfigureAwait(false), NodeName(node));
            var auditLog = new AuditLog(store, ownerLock, options, log, journalDir, NodeName(node));
            await Task.Run(auditLog.Replay, ct).ConfigureAwait(false);
            auditLog.Start();
            return auditLog;
        }
        catch
        {
            store?.Dispose();
            ownerLock.Dispose();
            throw;
        }
    }

    private readonly StoreOutageLog _outage;

    // Node:Name, written into each entry of a LiteDB log too (the shared store keys its rows by it).
    private readonly string? _node;

    private static string? NodeName(string? node) => string.IsNullOrWhiteSpace(node) ? null : node.Trim();

    private const string WhatToDo =
        " The gateway does not start on it. Restore audit.db, audit-log.db, the journal folder and head from the same backup, "
        + "and check the copy with `gateway audit verify`; or, to start a new chain, move the whole audit folder aside (keep it as evidence).";

    /// <summary>
    /// Opens audit.db and checks it against the head kept in DATA/audit/head (see <see cref="HeadFile"/>); writes that
    /// file when there is none yet. Throws <see cref="AuditLogDamagedException"/> naming the file and what to do.
    /// </summary>
    private static AuditStore OpenStore(string path, AuditOptions options, ILogger log)
    {
        string headPath = HeadFile.PathFor(path);
        var recorded = HeadFile.Read(headPath);
        AuditStore store;
        try
        {
            store = AuditStore.Open(path, options, log);
        }
        catch (Exception ex) when (ex is not (IOException or OperationCanceledException or AuditLogDamagedException))
        {
            // LiteDB's own errors for a file that is not (or no longer) a database it wrote.
            throw new AuditLogDamagedException($"The audit database {path} cannot be read: {ex.Message}." + WhatToDo, ex);
        }
        try
        {
            if (recorded is { } head)
            {
                if (HeadFile.Check(store, path, head) is { } problem)
                    throw new AuditLogDamagedException(problem + WhatToDo);
            }
            else
            {
                if (store.StoredHead.Seq > 0)
                    log.LogWarning("Audit chain head {Path} was missing; recorded now at entry {Seq} from {Database}", headPath, store.StoredHead.Seq, path);
                store.Checkpoint();
            }
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Records a transaction; returns when it is durable, so call it before (or together with) sending the reply.
    /// Fills <see cref="AuditTransaction.Id"/> when empty and <see cref="AuditTransaction.TimeUtc"/> when unset.
    /// The log keeps the object: do not change it afterwards. Cancelling stops the wait, not the write.
    /// </summary>
    public async ValueTask AppendAsync(AuditTransaction record, CancellationToken ct = default)
    {
        var payload = Carry(record);
        await Journal.AppendAsync(payload.Json, payload.Payload, urgent: true).WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The journal form of a transaction record, for a caller that makes <see cref="CarriedAuditRecord.Json"/> durable
    /// itself before it replies and then calls <see cref="AppendCarried"/>. Fills the id and time as
    /// <see cref="AppendAsync"/> does; the log keeps the object. Throws <see cref="AuditLogUnavailableException"/>
    /// when the journal has failed, so the caller refuses before it commits anything.
    /// </summary>
    public CarriedAuditRecord Carry(AuditTransaction record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Journal.ThrowIfFailed();
        if (string.IsNullOrWhiteSpace(record.Id)) record.Id = AuditRecordId.New();
        if (record.TimeUtc == default) record.TimeUtc = DateTime.UtcNow;
        AuditRecordLimits.Apply(record);
        var payload = new JournalPayload { Kind = EntryKinds.Transaction, Transaction = record };
        return new CarriedAuditRecord(JournalJson.Serialize(payload), payload);
    }

    /// <summary>
    /// Queues a record the caller holds durably (see <see cref="Carry"/>) for the journal's next group commit, without
    /// waiting for it. The caller keeps its copy until <see cref="WhenDurableAsync"/>, called after this, completes.
    /// (A failed journal write is logged by the journal and faults every later <see cref="WhenDurableAsync"/>, so the
    /// per-entry task is not watched.)
    /// </summary>
    public void AppendCarried(CarriedAuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            _ = Journal.AppendAsync(record.Json, record.Payload, urgent: false);
        }
        catch (Exception ex) when (ex is AuditLogUnavailableException or ObjectDisposedException)
        {
            // The caller has already committed its copy, which stays until the journal has the record; the next start
            // recovers it from there (RecoverCarriedAsync).
            _logger.LogError(ex, "Audit record {Id} for {QueueId} could not be journaled; it is kept with the queued message and recovered at the next start",
                record.Payload.Transaction?.Id, record.Payload.Transaction?.QueueId);
        }
    }

    /// <summary>
    /// Records one recipient's delivery outcome for a transaction (joined by queue id) with the journal's next group
    /// commit, without waiting; <see cref="WhenDurableAsync"/> tells when it is on disk.
    /// </summary>
    public void RecordDelivery(AuditDelivery outcome) => _ = AppendDelivery(outcome, urgent: false);

    /// <summary>Records one recipient's delivery outcome for a transaction (joined by queue id); durable on return.</summary>
    public async ValueTask RecordDeliveryAsync(AuditDelivery outcome, CancellationToken ct = default) =>
        await AppendDelivery(outcome, urgent: true).WaitAsync(ct).ConfigureAwait(false);

    /// <summary>
    /// Records an administrator's action on a message (see <see cref="AdminAction"/>); returns once it is durable, so the
    /// command takes effect only after. <paramref name="uid"/> is the user id the caller checked (socket peer or itself).
    /// </summary>
    public async Task RecordAdminAsync(AdminAction action, uint? uid, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        action.Validate();
        var appended = action.Entries(uid, DateTime.UtcNow).Select(e => AppendDelivery(e, urgent: false)).ToList();
        await WhenDurableAsync(now: true).WaitAsync(ct).ConfigureAwait(false);
        await Task.WhenAll(appended).WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes when every record queued before the call is on disk in the journal; faults when the journal failed.
    /// With <paramref name="now"/> the journal commits at once instead of within Audit:CommitDelay.
    /// </summary>
    public Task WhenDurableAsync(bool now = false) => Journal.WhenDurableAsync(now);

    /// <summary>
    /// After a crash, the carried records the caller still holds (see <see cref="Carry"/>): appends, durably, those the
    /// log does not have (a crash within the commit delay after their 250). Returns how many were missing.
    /// </summary>
    public async Task<int> RecoverCarriedAsync(IEnumerable<byte[]> carried, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(carried);
        bool flushed = await FlushForRecoveryAsync(ct).ConfigureAwait(false);
        var records = new List<(byte[] Json, JournalPayload Payload, AuditTransaction Tx)>();
        foreach (var json in carried)
        {
            try
            {
                if (JournalJson.Deserialize(json) is { Kind: EntryKinds.Transaction, Transaction: { } tx } payload) records.Add((json, payload, tx));
            }
            catch (JsonException ex)
            {
                _logger.LogError(ex, "A carried audit record is unreadable; skipped");
            }
        }
        if (records.Count == 0) return 0;
        var stored = flushed ? _store.TransactionIdsSince(records.Min(r => r.Tx.TimeUtc)) : JournaledTransactionIds();
        int missing = 0;
        foreach (var (json, payload, tx) in records)
        {
            if (stored.Contains(tx.Id)) continue;
            missing++;
            _ = Journal.AppendAsync(json, payload, urgent: false);
        }
        if (missing > 0)
        {
            await WhenDurableAsync(now: true).WaitAsync(ct).ConfigureAwait(false);
            _logger.LogWarning("Audit log recovered {Count} transaction records from the spool (written within the commit delay before a crash)", missing);
        }
        return missing;
    }

    /// <inheritdoc />
    public long Backlog => Math.Max(0, (Volatile.Read(ref _disposed) == 0 ? _journal.LastDurableSeq : 0) - Interlocked.Read(ref _appliedSeq));

    /// <summary>
    /// Waits until the store holds what the journal holds. A shared store that does not answer within
    /// <see cref="AuditOptions.StoreWaitAtStart"/> is not waited for: the node starts and recovers from what it knows locally.
    /// </summary>
    private async Task<bool> FlushForRecoveryAsync(CancellationToken ct)
    {
        if (!Shared)
        {
            await FlushAsync(ct).ConfigureAwait(false);
            return true;
        }
        try
        {
            await FlushAsync(ct).WaitAsync(_options.StoreWaitAtStart, ct).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Audit store (PostgreSQL) did not answer within {Wait}; carried records are checked against the local journal", _options.StoreWaitAtStart);
            return false;
        }
    }

    /// <summary>
    /// Transaction ids the log certainly holds when the shared store cannot be asked: those still in the local journal.
    /// A carried record already shipped and no longer journaled (a message deferred since before the restart) is then
    /// appended again: the log prefers a transaction recorded twice to one missing.
    /// </summary>
    private HashSet<string> JournaledTransactionIds()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in JournalReader.ReadAll(_journalDir, _logger))
            if ((r.Parsed ?? JournalJson.Deserialize(r.Payload)) is { Kind: EntryKinds.Transaction, Transaction: { } t }) ids.Add(t.Id);
        return ids;
    }

    /// <summary>Bytes free on a path's file system; tests replace it to stand for a full disk.</summary>
    internal Func<string, long> FreeSpace { get; set; } = DiskSpace.Available;

    /// <summary>
    /// True when new transactions should be refused for lack of room: the journal's file system has less than
    /// Audit:MinFreeBytes free, or a failed journal write has not recovered yet. <paramref name="freeBytes"/> is what
    /// was measured (-1 when it could not be).
    /// </summary>
    public bool IsShortOfSpace(out long freeBytes)
    {
        freeBytes = -1;
        if (Volatile.Read(ref _disposed) != 0) return false;
        if (_options.MinFreeBytes > 0)
        {
            try
            {
                freeBytes = FreeSpace(_journalDir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(ex, "Cannot tell the free space in {Dir}; treated as none", _journalDir);
                return true; // unknown is not enough (fail closed)
            }
            if (freeBytes < _options.MinFreeBytes) return true;
        }
        return _journal.IsFailed;
    }

    /// <summary>Removes the oldest entries (in chain order) older than the cutoff, keeping the chain verifiable from an anchor.</summary>
    public Task PurgeAsync(DateTime olderThanUtc) => Task.Run(() => { _store.Purge(olderThanUtc); });

    /// <summary>Transactions matching the filters, newest first, with their delivery outcomes.</summary>
    public AuditQueryResult Query(AuditQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        return _store.Query(q);
    }

    /// <param name="dayOffset">Per-day counts are of days starting at midnight at this offset from UTC (the auditor's zone).</param>
    public AuditStats Stats(DateTime? since, DateTime? until, TimeSpan dayOffset = default) => _store.Stats(since, until, dayOffset);

    /// <summary>Transactions with a time in [since, until), in chain order, without their outcomes: for counts the stats do not keep (the console's dashboard).</summary>
    public IEnumerable<AuditTransaction> Transactions(DateTime? since, DateTime? until) => _store.Transactions(since, until);

    /// <summary>Walks the hash chain from the retention anchor to the head and names the first bad entry.</summary>
    public AuditVerifyResult Verify() => _store.Verify();

    /// <summary>Rebuilds the lookup blocks (Message-ID and sender lookups) from the stored entries; returns the transactions listed.</summary>
    public int RebuildLookup() => _store.RebuildLookup();

    /// <summary>Waits until every record queued so far is in LiteDB (visible to queries).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var journal = Journal;
        try
        {
            await journal.WhenDurableAsync(now: true).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (AuditLogUnavailableException)
        {
            // The journal failed (logged there): what it holds is all there will be; show that.
        }
        await AppliedAsync(journal.LastDurableSeq).WaitAsync(ct).ConfigureAwait(false);
    }

    private Task AppliedAsync(long target)
    {
        lock (_applyWaiters)
        {
            if (Interlocked.Read(ref _appliedSeq) >= target) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _applyWaiters.Add((target, done));
            return done.Task;
        }
    }

    /// <summary>Writes what is queued, moves every journal entry into LiteDB, checkpoints and deletes the journal.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var leftover = await Task.Run(_journal.Complete).ConfigureAwait(false);
        _closing = true;
        _durable.Writer.TryComplete();
        try
        {
            await _writer.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Audit writer stopped with an error; the journal will be replayed on next open");
        }
        _stop.Cancel();
        try { await _retention.ConfigureAwait(false); } catch (OperationCanceledException) { }

        try
        {
            _store.Checkpoint();
            if (Interlocked.Read(ref _appliedSeq) >= _journal.LastDurableSeq)
                foreach (var path in leftover) File.Delete(path);
        }
        catch (Exception ex)
        {
            // The journal stays; the next open replays it.
            _logger.LogError(ex, "Audit log could not checkpoint on close; the journal will be replayed on next open");
        }
        _journal.Dispose();
        _store.Dispose();
        _ownerLock.Dispose();
        _stop.Dispose();
    }

    /// <summary>Stops without writing LiteDB or the queued journal entries, leaving the files as a crash would (tests only).</summary>
    internal async Task SimulateCrashAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        _writerPaused = true;
        _journal.Abandon();
        _durable.Writer.TryComplete();
        _stop.Cancel();
        await _writer.ConfigureAwait(false);
        try { await _retention.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _store.Dispose();
        _ownerLock.Dispose();
    }

    /// <summary>From now on the background writer leaves entries in the journal only (tests only).</summary>
    internal void PauseWriter() => _writerPaused = true;

    private volatile bool _writerPaused;
    private volatile bool _closing;

    internal long AppliedSeq => Interlocked.Read(ref _appliedSeq);

    /// <inheritdoc />
    public string? HealthProblem
    {
        get
        {
            if (Volatile.Read(ref _disposed) != 0) return "the audit log is closed";
            if (_journal.IsFailed) return "the audit journal cannot write (disk full or I/O error); it resumes by itself once it can";
            if (_writer.IsCompleted && !_writerPaused) return "the audit writer stopped; new records stay in the journal until restart";
            return null;
        }
    }

    private AuditJournal Journal => Volatile.Read(ref _disposed) == 0 ? _journal : throw new ObjectDisposedException(nameof(AuditLog));

    private Task<long> AppendDelivery(AuditDelivery outcome, bool urgent)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (string.IsNullOrWhiteSpace(outcome.QueueId)) throw new ArgumentException("A delivery outcome needs the transaction's queue id.", nameof(outcome));
        if (outcome.TimeUtc == default) outcome.TimeUtc = DateTime.UtcNow;
        AuditRecordLimits.Apply(outcome);
        var payload = new JournalPayload { Kind = EntryKinds.Delivery, Delivery = outcome };
        return Journal.AppendAsync(JournalJson.Serialize(payload), payload, urgent);
    }

    private void Replay()
    {
        var records = JournalReader.ReadAll(_journalDir, _logger);
        var segments = JournalReader.Segments(_journalDir);
        if (_store is not LiteDbChainStore lite)
        {
            ReplayShared(records, segments);
            return;
        }
        long head = lite.Store.Head.Seq;
        var pending = records.Where(r => r.Seq > head).ToList();
        if (pending.Count > 0)
        {
            _logger.LogInformation("Audit log replaying {Count} journal entries after {Head}", pending.Count, head);
            foreach (var chunk in pending.Chunk(_options.BatchSize))
                _store.AppendBatch(chunk.Select(EntryFactory.FromJournal).ToList());
        }
        _store.Checkpoint();
        foreach (var path in segments) File.Delete(path);
        _appliedSeq = Math.Max(lite.Store.Head.Seq, records.Count > 0 ? records[^1].Seq : 0);
        _nextSeq = _appliedSeq + 1;
    }

    private long _nextSeq;
    private List<JournalRecord> _replayPending = [];

    /// <summary>
    /// The shared store may be away: nothing is shipped here. The journal's entries after the head this node last saw
    /// stored (DATA/audit/head) go to the writer first, and their segments stay until the store holds them.
    /// </summary>
    private void ReplayShared(List<JournalRecord> records, IReadOnlyList<string> segments)
    {
        long shipped = HeadFile.Read(HeadFile.PathFor(DatabasePath(Path.GetDirectoryName(Path.GetDirectoryName(_journalDir))!))) is { } h ? h.Seq : 0;
        _replayPending = records.Where(r => r.Seq > shipped).ToList();
        foreach (var path in segments)
        {
            long last = JournalReader.ReadSegment(path, _logger) is { Count: > 0 } inSegment ? inSegment.Max(r => r.Seq) : 0;
            if (last <= shipped) File.Delete(path);
            else _replayedSegments.Add((path, last));
        }
        if (_replayPending.Count > 0)
            _logger.LogInformation("Audit log: {Count} journal entries after {Head} are to be shipped to PostgreSQL", _replayPending.Count, shipped);
        _appliedSeq = shipped;
        _nextSeq = Math.Max(shipped, records.Count > 0 ? records[^1].Seq : 0) + 1;
    }

    private void Start()
    {
        foreach (var r in _replayPending) _durable.Writer.TryWrite(r);
        _replayPending = [];
        _journal = AuditJournal.Open(_journalDir, _nextSeq, _options.JournalSegmentBytes, _options.CommitDelay, OnDurable, _logger,
            () => FreeSpace(_journalDir));
        _writer = Task.Run(async () =>
        {
            try
            {
                await WriteLoopAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.LogCritical(ex, "Audit writer stopped; new records stay in the journal until restart");
                throw;
            }
        });
        if (_options.RetentionDays > 0) _retention = Task.Run(RetentionLoopAsync);
    }

    private void OnDurable(IReadOnlyList<JournalRecord> records)
    {
        foreach (var r in records) _durable.Writer.TryWrite(r);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _durable.Reader;
        var batch = new List<JournalRecord>(_options.BatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (_writerPaused) return;
            Drain(reader, batch);
            if (batch.Count < _options.BatchSize && _options.FlushInterval > TimeSpan.Zero && !reader.Completion.IsCompleted)
            {
                // Let a batch fill: fewer, larger LiteDB transactions. Records are already durable in the journal.
                await Task.Delay(_options.FlushInterval).ConfigureAwait(false);
                Drain(reader, batch);
            }
            if (_writerPaused) return;
            await WriteBatchAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private void Drain(ChannelReader<JournalRecord> reader, List<JournalRecord> batch)
    {
        while (batch.Count < _options.BatchSize && reader.TryRead(out var r)) batch.Add(r);
    }

    private async Task WriteBatchAsync(List<JournalRecord> batch)
    {
        // Payloads are our own JSON with a verified checksum; a failure here is a bug, and it stops the writer loudly.
        var entries = batch.Select(EntryFactory.FromJournal).ToList();
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                _store.AppendBatch(entries);
                break;
            }
            catch (Exception ex) when (!_closing || attempt < 3)
            {
                // Nothing is lost: the entries stay in the journal. Retry with back-off; the outage is logged once, not per try.
                _outage.Failed(ex, Backlog, Interlocked.Read(ref _appliedSeq));
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt))).ConfigureAwait(false);
                // LiteDB does not recover in place from a failed disk write (disk full): open its files again, and take
                // from the journal everything the reopened database lacks up to this batch (earlier batches it had
                // taken only in memory too).
                if (!Shared && ReopenStore(batch[^1].Seq) is { } refill) entries = refill;
            }
        }

        long applied = batch[^1].Seq;
        Interlocked.Exchange(ref _appliedSeq, applied);
        ReleaseWaiters(applied);
        _outage.Stored(applied, _journal.LastDurableSeq);

        var covered = _journal.TakeSegmentsCoveredBy(applied);
        lock (_replayedSegments)
        {
            covered.AddRange(_replayedSegments.Where(s => s.LastSeq <= applied).Select(s => s.Path));
            _replayedSegments.RemoveAll(s => s.LastSeq <= applied);
        }
        if (covered.Count > 0)
        {
            try
            {
                _store.Checkpoint();
                foreach (var path in covered) File.Delete(path);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Audit writer could not checkpoint LiteDB; {Count} journal segments kept for replay", covered.Count);
            }
        }
    }

    /// <summary>
    /// Opens audit.db again after a failed write; returns the journal's entries after the reopened head up to
    /// <paramref name="lastSeq"/>, or null when the database cannot be opened yet (the caller retries).
    /// </summary>
    private List<AuditEntry>? ReopenStore(long lastSeq)
    {
        try
        {
            _store.Dispose();
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Closing the failed audit database");
        }
        try
        {
            var store = new LiteDbChainStore(AuditStore.Open(Path.Combine(Path.GetDirectoryName(_journalDir)!, "audit.db"), _options, _logger), _node);
            _store = store;
            long head = store.Store.Head.Seq;
            var missing = JournalReader.ReadAll(_journalDir, _logger).Where(r => r.Seq > head && r.Seq <= lastSeq).Select(EntryFactory.FromJournal).ToList();
            _logger.LogWarning("Audit database opened again at entry {Head}; storing {Count} entries from the journal", head, missing.Count);
            return missing;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Audit database cannot be opened again yet; the entries stay in the journal");
            return null;
        }
    }

    private void ReleaseWaiters(long applied)
    {
        lock (_applyWaiters)
        {
            for (int i = _applyWaiters.Count - 1; i >= 0; i--)
            {
                if (_applyWaiters[i].Seq > applied) continue;
                _applyWaiters[i].Done.TrySetResult();
                _applyWaiters.RemoveAt(i);
            }
        }
    }

    private async Task RetentionLoopAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                _store.Purge(DateTime.UtcNow.AddDays(-_options.RetentionDays));
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Audit retention failed; will retry");
            }
            await Task.Delay(_options.PurgeInterval, ct).ConfigureAwait(false);
        }
    }
}
