using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using GovGateway.Archive;
using GovGateway.Audit;
using GovGateway.Spool;
using Microsoft.Extensions.Logging;

namespace GovGateway.Archiving;

/// <summary>
/// Takes each accepted message from the spool and stores its documents in the archive, after the 250 and off the SMTP
/// path: a message committed (or released from quarantine) is queued here, and a worker reads its queue file, finds the
/// documents its audit record names (<see cref="MessageArchiving"/>) and stores them. The queue file is the only durable
/// state: delivery asks <see cref="WhenArchivedAsync"/> before it removes a finished message, so a process that dies
/// between the 250 and archiving finds the message still queued at its next start and archives it then (storing is
/// idempotent per document and exchange). A store that fails is retried with back-off, and meanwhile finished messages
/// stay in the queue; <see cref="HealthProblem"/> says so for /readyz.
/// </summary>
internal sealed class DocumentArchiver : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly IDocumentArchive _archive;
    private readonly Spool.Spool _spool;
    private readonly MessageArchiving _archiving;
    private readonly ILogger _logger;
    private readonly ArchiveMetrics _metrics;
    private readonly Channel<string> _work = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    // Per queue id: done once its documents are stored. Entries leave when delivery has asked (the file is then removed).
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _messages = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _worker = Task.CompletedTask;
    private volatile string? _problem;

    public DocumentArchiver(IDocumentArchive archive, Spool.Spool spool, MessageArchiving archiving, ArchiveMetrics metrics, ILogger<DocumentArchiver> logger)
    {
        _archive = archive;
        _spool = spool;
        _archiving = archiving;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Why the archive cannot store now (the last failure, until a store succeeds); null when it can.</summary>
    public string? HealthProblem => _problem;

    /// <summary>Messages waiting to be archived.</summary>
    public int Pending => _messages.Count(m => !m.Value.Task.IsCompleted);

    /// <summary>Starts the worker and queues every message already in the queue (those a stopped or killed process left).</summary>
    public void Start()
    {
        _spool.MessageCommitted += OnCommitted;
        foreach (var id in _spool.ListIds()) Enqueue(id);
        _worker = Task.Run(() => WorkAsync(_stop.Token), CancellationToken.None);
    }

    // The entry as committed, so the worker need not read the queue file's envelope again.
    private readonly ConcurrentDictionary<string, SpoolEntry> _entries = new(StringComparer.Ordinal);

    private void OnCommitted(SpoolEntry entry)
    {
        _entries[entry.QueueId] = entry;
        Enqueue(entry.QueueId);
    }

    private TaskCompletionSource Enqueue(string queueId)
    {
        var added = false;
        var tcs = _messages.GetOrAdd(queueId, _ =>
        {
            added = true;
            return new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        });
        if (added) _work.Writer.TryWrite(queueId);
        return tcs;
    }

    /// <summary>
    /// Completes once the message's documents are in the archive (at once for a message without any). Delivery removes a
    /// finished message's file only after this; a message it has not seen yet (put in the queue by another process, such
    /// as `gateway quarantine release`) is archived now.
    /// </summary>
    public Task WhenArchivedAsync(string queueId)
    {
        var task = Enqueue(queueId).Task;
        // Once asked, the id is done with: the file goes next, and the set must not grow with every message.
        _ = task.ContinueWith(_ => _messages.TryRemove(queueId, out TaskCompletionSource? _), TaskScheduler.Default);
        return task;
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        var delay = FirstRetry;
        await foreach (var id in _work.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (!_messages.TryGetValue(id, out var done)) continue;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await ArchiveAsync(id, ct).ConfigureAwait(false);
                    _problem = null;
                    delay = FirstRetry;
                    done.TrySetResult();
                    break;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // The message stays queued (delivery waits for this), so nothing is lost; try again, more slowly.
                    _metrics.Failed();
                    _problem = $"cannot store documents of {id}: {ex.Message}";
                    _logger.LogError(ex, "{QueueId}: archiving failed, retrying in {Delay}", id, delay);
                    try { await Task.Delay(delay, ct).ConfigureAwait(false); }
                    catch (OperationCanceledException) { return; }
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks));
                }
            }
        }
    }

    private async Task ArchiveAsync(string queueId, CancellationToken ct)
    {
        var entry = _entries.TryRemove(queueId, out var committed) && File.Exists(committed.MessagePath) ? committed : _spool.Get(queueId);
        if (entry is null) return; // removed meanwhile (an administrator's delete): nothing left to keep
        if (entry.Envelope.IsBounce || entry.Envelope.AuditRecord is not { } raw) return;
        // Every document's class is named in the record: without an archived class name there is nothing to keep.
        if (!_archiving.MayHold(raw.Utf8)) return;
        if (ReadRecord(raw.Utf8) is not { } record) return;
        var stored = await _archiving.StoreAsync(entry, record, _archive, ct).ConfigureAwait(false);
        foreach (var (document, isNew) in stored)
        {
            _metrics.Stored(isNew);
            _logger.LogInformation("{QueueId}: archived {Sha256} ({Class}, {Symbol}) {New}", queueId, document.Id, document.Class,
                Symbol(document), isNew ? "new" : "already kept, exchange added");
        }
    }

    /// <summary>
    /// The transaction a queue file carries: the audit journal's entry form ({"kind":"transaction","transaction":{...}}),
    /// or a bare record. Null when it is neither.
    /// </summary>
    internal static AuditTransaction? ReadRecord(byte[] utf8)
    {
        using var json = JsonDocument.Parse(utf8);
        var element = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("transaction", out var inner) ? inner : json.RootElement;
        return element.ValueKind == JsonValueKind.Object ? element.Deserialize<AuditTransaction>(AuditJson.Options) : null;
    }

    private static string Symbol(ArchivedDocument d) =>
        d.Document.CodeNumber is null && d.Document.CodeNotation is null ? "-" : $"{d.Document.CodeNumber}/{d.Document.CodeNotation}";

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _spool.MessageCommitted -= OnCommitted;
        _work.Writer.TryComplete();
        _stop.Cancel();
        try { await _worker.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
