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
/// </summary>
internal sealed class AuditJournal : IDisposable
{
    private readonly string _dir;
    private readonly long _segmentBytes;
    private readonly Action<IReadOnlyList<JournalRecord>> _onDurable;
    private readonly TimeSpan _commitDelay;
    private readonly ILogger _logger;
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
    private long _nextSeq;
    private long _lastDurableSeq;

    private AuditJournal(string dir, long nextSeq, long segmentBytes, TimeSpan commitDelay, Action<IReadOnlyList<JournalRecord>> onDurable, ILogger logger)
    {
        _dir = dir;
        _segmentBytes = segmentBytes;
        _commitDelay = commitDelay;
        _onDurable = onDurable;
        _logger = logger;
        _nextSeq = nextSeq;
        _lastDurableSeq = nextSeq - 1;
        (_segment, _segmentPath) = CreateSegment(nextSeq);
        _thread = new Thread(FlushLoop) { IsBackground = true, Name = "audit-journal" };
        _thread.Start();
    }

    /// <summary>Starts a fresh segment; older segments are the caller's to replay and delete.</summary>
    public static AuditJournal Open(string dir, long nextSeq, long segmentBytes, TimeSpan commitDelay, Action<IReadOnlyList<JournalRecord>> onDurable, ILogger logger)
    {
        PrivateFiles.CreateDirectory(dir);
        return new AuditJournal(dir, nextSeq, segmentBytes, commitDelay, onDurable, logger);
    }

    /// <summary>Highest sequence number known to be on disk.</summary>
    public long LastDurableSeq => Interlocked.Read(ref _lastDurableSeq);

    /// <summary>
    /// Queues a serialized entry (and, when the caller has it, the object it was serialized from, which saves the writer
    /// from parsing it again); completes with its sequence number once it is fsynced. An urgent entry is written at once
    /// with whatever else is queued; a deferred one within the commit delay.
    /// </summary>
    public Task<long> AppendAsync(byte[] payload, JournalPayload? parsed = null, bool urgent = true)
    {
        var pending = new Pending(payload, parsed);
        lock (_gate)
        {
            ThrowIfFailedLocked();
            if (_stopping) throw new ObjectDisposedException(nameof(AuditLog), "The audit log is closing.");
            if (_pending.Count == 0) _deferredSinceTicks = Environment.TickCount64;
            _pending.Add(pending);
            _last = pending;
            if (urgent || _commitDelay <= TimeSpan.Zero) Wake(urgent: true);
            else if (!_scheduled) Wake(urgent: false);
        }
        return pending.Done.Task;
    }

    /// <summary>Throws <see cref="AuditLogUnavailableException"/> when a write has failed (appends are refused until restart).</summary>
    public void ThrowIfFailed()
    {
        lock (_gate) ThrowIfFailedLocked();
    }

    // Caller holds _gate.
    private void ThrowIfFailedLocked()
    {
        if (_fault is not null) throw new AuditLogUnavailableException("The audit journal failed earlier; restart the gateway to recover.", _fault);
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
            _signal.Wait();
            _signal.Reset(); // set again below while entries are pending, so none is missed
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
                if (_fault is null) WriteBatch(batch);
                else foreach (var p in batch) p.Done.TrySetException(new AuditLogUnavailableException("The audit journal is closed or failed.", _fault));
                batch.Clear();
            }

            lock (_gate)
            {
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
            // The file may now hold a partial entry; writing after it would hide later entries from replay.
            // Refuse further appends: the pipeline answers 4xx and the operator restarts, which replays what is whole.
            _logger.LogCritical(ex, "Audit journal write failed; audit appends refused until restart");
            lock (_gate) _fault = ex;
            foreach (var p in batch) p.Done.TrySetException(new AuditLogUnavailableException("Writing the audit journal failed.", ex));
            return;
        }

        _nextSeq += batch.Count;
        Interlocked.Exchange(ref _lastDurableSeq, _nextSeq - 1);
        _onDurable(records);
        foreach (var (p, r) in batch.Zip(records)) p.Done.TrySetResult(r.Seq);

        if (_segment.Length >= _segmentBytes) Rotate();
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
        NativeFsync.Path(_dir);
        return (stream, path);
    }

    private sealed class Pending(byte[] payload, JournalPayload? parsed)
    {
        public byte[] Payload { get; } = payload;
        public JournalPayload? Parsed { get; } = parsed;
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
