using System.Buffers;
using Microsoft.Extensions.Logging;
using GovGateway.FileSystem;

namespace GovGateway.Audit;

/// <summary>
/// Append-only journal with group commit. Callers queue serialized entries; one flusher thread writes everything queued
/// since its last pass with a single write and a single fsync (<c>FileStream.Flush(true)</c>), then completes every
/// caller of that pass at once. Sequence numbers are given in write order, so the chain order is the journal order.
/// An urgent entry (its caller waits for it before replying) starts a pass at once; a deferred entry (one whose
/// durability is already kept elsewhere until the journal has it, or that nobody waits for) lets the flusher wait up
/// to the commit delay for company, so a busy gateway pays one fsync per delay instead of one per entry.
/// The journal is split into segments so that segments already moved into LiteDB can be deleted.
/// A failed write (disk full, I/O error) cuts the segment back to its last whole entry and refuses urgent entries
/// (whose callers answer 4xx) while deferred ones wait; once the disk has room again (checked every second) the
/// journal writes them and takes appends again, without a restart.
/// </summary>
internal sealed class AuditJournal : IDisposable
{
    private readonly string _dir;
    private readonly long _segmentBytes;
    private readonly Action<IReadOnlyList<JournalRecord>> _onDurable;
    private readonly TimeSpan _commitDelay;
    private readonly ILogger _logger;
    private readonly Func<long> _freeSpace;
    private readonly object _gate = new();
    // No spinning before the flusher sleeps: SemaphoreSlim's spin (sched_yield) cost ~3% of the gateway's CPU
    // under load, taken from the sessions on a small machine.
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 0);
    private readonly Thread _thread;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly List<(string Path, long LastSeq)> _closedSegments = [];

    private List<Pending> _pending = [];
    private List<Pending> _spare = [];
    private bool _scheduled;
    private bool _urgent;
    private long _deferredSinceTicks;
    private Pending? _last;
    private bool _stopping;
    private Exception? _fault;
    private FileStream _segment;
    private string _segmentPath;
    private long _goodLength; // bytes of _segment that hold whole, fsynced entries
    private long _nextSeq;
    private long _lastDurableSeq;

    /// <summary>How often a failed journal checks whether it can write again.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>Free space the journal's file system needs before a failed journal writes again.</summary>
    internal const long ResumeFreeBytes = 1024 * 1024;

    private AuditJournal(string dir, long nextSeq, long segmentBytes, TimeSpan commitDelay, Action<IReadOnlyList<JournalRecord>> onDurable, ILogger logger,
        Func<long>? freeSpace)
    {
        _freeSpace = freeSpace ?? (() => DiskSpace.Available(dir));
        _dir = dir;
        _segmentBytes = segmentBytes;
        _commitDelay = commitDelay;
        _onDurable = onDurable;
        _logger = logger;
        _nextSeq = nextSeq;
        _lastDurableSeq = nextSeq - 1;
        (_segment, _segmentPath) = CreateSegment(nextSeq);
        _goodLength = _segment.Length;
        _thread = new Thread(FlushLoop) { IsBackground = true, Name = "audit-journal" };
        _thread.Start();
    }

    /// <summary>Starts a fresh segment; older segments are the caller's to replay and delete.</summary>
    /// <param name="freeSpace">Bytes free on the journal's file system (tests inject one); statvfs of the folder when null.</param>
    public static AuditJournal Open(string dir, long nextSeq, long segmentBytes, TimeSpan commitDelay, Action<IReadOnlyList<JournalRecord>> onDurable, ILogger logger,
        Func<long>? freeSpace = null)
    {
        PrivateFiles.CreateDirectory(dir);
        return new AuditJournal(dir, nextSeq, segmentBytes, commitDelay, onDurable, logger, freeSpace);
    }

    /// <summary>True while a failed write keeps the journal from taking urgent entries (it recovers by itself).</summary>
    public bool IsFailed
    {
        get { lock (_gate) return _fault is not null; }
    }

    /// <summary>Highest sequence number known to be on disk.</summary>
    public long LastDurableSeq => Interlocked.Read(ref _lastDurableSeq);

    /// <summary>
    /// Queues a serialized entry (and, when the caller has it, the object it was serialized from, which saves the writer
    /// from parsing it again); completes with its sequence number once it is fsynced. An urgent entry is written at once
    /// with whatever else is queued; a deferred one within the commit delay. While the journal is failed (see
    /// <see cref="IsFailed"/>) an urgent entry is refused with <see cref="AuditLogUnavailableException"/> and a deferred
    /// one waits until the journal can write again.
    /// </summary>
    public Task<long> AppendAsync(byte[] payload, JournalPayload? parsed = null, bool urgent = true)
    {
        var pending = new Pending(payload, parsed, urgent);
        lock (_gate)
        {
            if (_stopping) throw new ObjectDisposedException(nameof(AuditLog), "The audit log is closing.");
            if (urgent) ThrowIfFailedLocked();
            if (_pending.Count == 0) _deferredSinceTicks = Environment.TickCount64;
            _pending.Add(pending);
            _last = pending;
            if (_fault is not null) { } // the flusher retries on its own every RetryInterval
            else if (urgent || _commitDelay <= TimeSpan.Zero) Wake(urgent: true);
            else if (!_scheduled) Wake(urgent: false);
        }
        return pending.Done.Task;
    }

    /// <summary>Throws <see cref="AuditLogUnavailableException"/> while a failed write keeps the journal from taking urgent entries.</summary>
    public void ThrowIfFailed()
    {
        lock (_gate) ThrowIfFailedLocked();
    }

    // Caller holds _gate.
    private void ThrowIfFailedLocked()
    {
        if (_fault is not null)
            throw new AuditLogUnavailableException("The audit journal cannot write (disk full or I/O error); it resumes by itself once it can.", _fault);
    }

    /// <summary>
    /// Completes when every entry queued before the call is on disk (at once when nothing is waiting); with
    /// <paramref name="now"/> the flusher does not wait out the commit delay for them.
    /// </summary>
    public Task WhenDurableAsync(bool now = false)
    {
        lock (_gate)
        {
            if (_last is null) return Task.CompletedTask;
            if (now && !_last.Done.Task.IsCompleted) Wake(urgent: true);
            return _last.Done.Task;
        }
    }

    // Caller holds _gate.
    private void Wake(bool urgent)
    {
        _urgent |= urgent;
        _scheduled = true;
        _signal.Set();
    }

    /// <summary>Closed segments whose every entry is at or below <paramref name="appliedSeq"/>; removed from the list.</summary>
    public List<string> TakeSegmentsCoveredBy(long appliedSeq)
    {
        lock (_closedSegments)
        {
            var covered = _closedSegments.Where(s => s.LastSeq <= appliedSeq).Select(s => s.Path).ToList();
            _closedSegments.RemoveAll(s => s.LastSeq <= appliedSeq);
            return covered;
        }
    }

    /// <summary>Writes what is queued, stops the flusher and closes the segment. Returns every segment path still on disk.</summary>
    public List<string> Complete()
    {
        lock (_gate)
        {
            _stopping = true;
            Wake(urgent: true);
        }
        _thread.Join();
        _segment.Dispose();
        lock (_closedSegments)
        {
            var all = _closedSegments.Select(s => s.Path).Append(_segmentPath).ToList();
            _closedSegments.Clear();
            return all;
        }
    }

    /// <summary>Drops the file handle without writing what is queued: what a crash leaves behind (tests only).</summary>
    internal void Abandon()
    {
        lock (_gate)
        {
            _fault ??= new ObjectDisposedException(nameof(AuditJournal));
            _stopping = true;
            Wake(urgent: true);
        }
        _thread.Join();
        _segment.Dispose();
    }

    public void Dispose()
    {
        if (_thread.IsAlive) Complete();
        _signal.Dispose();
    }

    private void FlushLoop()
    {
        while (true)
        {
            if (Volatile.Read(ref _fault) is null) _signal.Wait();
            else _signal.Wait(RetryInterval);
            _signal.Reset(); // set again below while entries are pending, so none is missed
            if (Volatile.Read(ref _fault) is not null)
            {
                lock (_gate)
                {
                    if (_stopping)
                    {
                        // Closing (or abandoned) while failed: what waits is not written; its owners keep their copies.
                        foreach (var p in _pending) p.Done.TrySetException(new AuditLogUnavailableException("The audit journal is closed or failed.", _fault!));
                        _pending.Clear();
                        return;
                    }
                }
                if (!TryResume()) continue;
            }
            WaitForCompany();
            List<Pending> batch;
            lock (_gate)
            {
                batch = _pending;
                _pending = _spare;
                _spare = batch;
                _urgent = false;
            }

            if (batch.Count > 0)
            {
                // Only Abandon (a simulated crash) sets a fault from outside this thread: then nothing more is written.
                if (Volatile.Read(ref _fault) is null) WriteBatch(batch);
                else foreach (var p in batch) p.Done.TrySetException(new AuditLogUnavailableException("The audit journal is closed or failed.", _fault!));
                batch.Clear();
            }

            lock (_gate)
            {
                if (_fault is not null)
                {
                    _scheduled = false;
                    continue; // the top of the loop retries, or fails what waits when stopping
                }
                if (_pending.Count > 0)
                {
                    _signal.Set();
                }
                else
                {
                    _scheduled = false;
                    if (_stopping) return;
                }
            }
        }
    }

    /// <summary>While only deferred entries are queued, sleeps until the oldest has waited the commit delay or an urgent one comes.</summary>
    private void WaitForCompany()
    {
        while (true)
        {
            long waitMs;
            lock (_gate)
            {
                if (_urgent || _stopping || _pending.Count == 0) return;
                waitMs = _deferredSinceTicks + (long)_commitDelay.TotalMilliseconds - Environment.TickCount64;
                if (waitMs <= 0) return;
            }
            if (_signal.Wait((int)Math.Min(waitMs, int.MaxValue))) _signal.Reset();
        }
    }

    private void WriteBatch(List<Pending> batch)
    {
        var records = new JournalRecord[batch.Count];
        try
        {
            _buffer.ResetWrittenCount();
            for (int i = 0; i < batch.Count; i++)
            {
                long seq = _nextSeq + i;
                JournalFormat.Write(_buffer, seq, batch[i].Payload);
                records[i] = new JournalRecord(seq, batch[i].Payload, batch[i].Parsed);
            }
            _segment.Write(_buffer.WrittenSpan);
            _segment.Flush(flushToDisk: true);
        }
        catch (Exception ex)
        {
            // The file may now hold a partial entry; writing after it would hide later entries from replay (and a
            // whole entry of a failed write would take the number of the entry written later in its place), so the
            // segment is cut back to its last whole entry, now or when the journal resumes (TryResume).
            _logger.LogCritical(ex, "Audit journal write failed in {Dir}; transactions get a temporary refusal until it can write again (free disk space there), checked every {Seconds} s",
                _dir, RetryInterval.TotalSeconds);
            TryCutBack();
            var refused = new List<Pending>();
            lock (_gate)
            {
                _fault = ex;
                // Deferred entries (records an accepted message carries, delivery outcomes) wait for the journal to
                // resume, in their order and before anything queued since; urgent ones fail, and their callers answer 4xx.
                _pending.InsertRange(0, batch.Where(p => !p.Urgent));
                refused.AddRange(batch.Where(p => p.Urgent));
                if (_last is not null && _last.Urgent && refused.Contains(_last))
                    _last = _pending.Count > 0 ? _pending[^1] : null;
            }
            foreach (var p in refused) p.Done.TrySetException(new AuditLogUnavailableException("Writing the audit journal failed.", ex));
            return;
        }

        _goodLength = _segment.Position;
        _nextSeq += batch.Count;
        Interlocked.Exchange(ref _lastDurableSeq, _nextSeq - 1);
        _onDurable(records);
        foreach (var (p, r) in batch.Zip(records)) p.Done.TrySetResult(r.Seq);

        if (_segment.Length >= _segmentBytes) Rotate();
    }

    private bool TryCutBack()
    {
        try
        {
            _segment.SetLength(_goodLength);
            _segment.Position = _goodLength;
            _segment.Flush(flushToDisk: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>After a failed write: true, and appends taken again, once the disk has room and the segment ends on a whole entry.</summary>
    private bool TryResume()
    {
        long free;
        try
        {
            free = _freeSpace();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        if (free < ResumeFreeBytes || !TryCutBack()) return false;
        lock (_gate) _fault = null;
        _logger.LogWarning("Audit journal in {Dir} writes again ({FreeMiB} MiB free); transactions are accepted again", _dir, free >> 20);
        return true;
    }

    private void Rotate()
    {
        try
        {
            var (next, nextPath) = CreateSegment(_nextSeq);
            _segment.Dispose();
            lock (_closedSegments) _closedSegments.Add((_segmentPath, _nextSeq - 1));
            _segment = next;
            _segmentPath = nextPath;
            _goodLength = next.Length;
        }
        catch (Exception ex)
        {
            // Keep appending to the current segment; it only grows past the target size.
            _logger.LogError(ex, "Audit journal could not start a new segment in {Dir}", _dir);
        }
    }

    private (FileStream, string) CreateSegment(long firstSeq)
    {
        string path = Path.Combine(_dir, JournalFormat.SegmentName(firstSeq));
        var stream = PrivateFiles.Open(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        stream.Write(JournalFormat.Magic);
        stream.Flush(flushToDisk: true);
        Fsync.PathIfExists(_dir);
        return (stream, path);
    }

    private sealed class Pending(byte[] payload, JournalPayload? parsed, bool urgent)
    {
        public bool Urgent { get; } = urgent;
        public byte[] Payload { get; } = payload;
        public JournalPayload? Parsed { get; } = parsed;
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
