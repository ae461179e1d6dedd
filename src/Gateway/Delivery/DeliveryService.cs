using System.Threading.Channels;
using GovGateway.Audit;
using GovGateway.Configuration;
using GovGateway.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovGateway.Delivery;

/// <summary>
/// The queue manager: keeps a schedule of queued messages, hands due ones to MaxConcurrency workers (each
/// with its own reusable upstream connection), records per-recipient outcomes in the envelope, retries
/// temporary failures with exponential backoff until MaxAge and bounces permanent failures to the sender.
/// Newly committed messages start at once (Spool.MessageCommitted); changes made by other processes
/// (gateway queue retry, quarantine release) are seen on the next scan of the queue folder.
/// </summary>
internal sealed class DeliveryService : BackgroundService
{
    readonly Spool.Spool _spool;
    readonly DeliveryOptions _options;
    readonly IDeliveryObserver _observer;
    readonly ILogger _logger;
    readonly TimeProvider _time;
    readonly Func<SpoolEnvelope, bool> _mayBounce;
    readonly Func<string, Task>? _keepUntil;

    readonly object _gate = new();
    // Authoritative due time per known id; the priority queue may hold stale entries, checked against this.
    readonly Dictionary<string, ScheduledItem> _scheduled = new(StringComparer.Ordinal);
    readonly PriorityQueue<string, DateTime> _dueOrder = new();
    readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    // Finished messages whose files wait for the observer to say their records are durable (see Release).
    readonly HashSet<string> _releasing = new(StringComparer.Ordinal);
    readonly DeliveryLanes<ScheduledItem> _work = new();
    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    readonly Channel<OutcomeEvent> _outcomes = Channel.CreateUnbounded<OutcomeEvent>(new UnboundedChannelOptions { SingleReader = true });

    sealed record ScheduledItem(string QueueId, DateTime DueUtc, SpoolEntry? Entry, bool Urgent = false);
    /// <summary>A recipient's outcome for the observer, or (Outcome null) a finished message to remove once the observer has recorded everything before it.</summary>
    readonly record struct OutcomeEvent(string QueueId, string Recipient, string? Outcome, string? Reply, DateTime TimeUtc)
    {
        public static OutcomeEvent Release(string queueId) => new(queueId, "", null, null, default);
    }

    /// <param name="keepUntil">What must be done with a finished message before its file may go (the archive takes its
    /// documents from it); null: nothing. The file stays, and the message out of delivery's scans, until the task succeeds.</param>
    /// <param name="mayBounce">Whether a failure of this message may be reported to its envelope sender; null: always.
    /// The host answers "only for mail from a logged-in user or an internal server" (no backscatter to forged senders).</param>
    public DeliveryService(Spool.Spool spool, DeliveryOptions options, IDeliveryObserver? observer = null,
        ILogger<DeliveryService>? logger = null, TimeProvider? timeProvider = null, Func<SpoolEnvelope, bool>? mayBounce = null,
        Func<string, Task>? keepUntil = null)
    {
        _keepUntil = keepUntil;
        _mayBounce = mayBounce ?? (_ => true);
        ArgumentNullException.ThrowIfNull(spool);
        ArgumentNullException.ThrowIfNull(options);
        OptionsBinding.Checked(options, options.Validate());
        _spool = spool;
        _options = options;
        _observer = observer ?? NullDeliveryObserver.Instance;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _spool.MessageCommitted += OnCommitted;
        _spool.RetryRequested += _ =>
        {
            Volatile.Write(ref _retryMarked, true);
            Notify();
        };
    }

    // Retry markers (files a `gateway queue retry` in another process writes) are looked for at most this often:
    // looking means listing the queue folder, and the scheduler wakes for every message committed and finished.
    static readonly TimeSpan RetryMarkerInterval = TimeSpan.FromSeconds(1);
    // Set when this process marked a message itself, so the scheduler looks at once.
    bool _retryMarked;

    /// <summary>Wakes the scheduler now (e.g. after changing the queue on disk).</summary>
    public void Notify() => _wake.Writer.TryWrite(true);

    void OnCommitted(SpoolEntry entry)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        foreach (var r in entry.Envelope.Recipients)
            _outcomes.Writer.TryWrite(new OutcomeEvent(entry.QueueId, r.Address, AuditOutcomes.Queued, null, now));
        lock (_gate) Schedule(new ScheduledItem(entry.QueueId, entry.Envelope.NextAttemptUtc, entry, entry.Envelope.IsUrgent));
        Notify();
    }

    // Caller holds _gate.
    void Schedule(ScheduledItem item)
    {
        if (_inFlight.Contains(item.QueueId) || _releasing.Contains(item.QueueId)) return;
        _scheduled[item.QueueId] = item;
        _dueOrder.Enqueue(item.QueueId, item.DueUtc);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _spool.RecoverIncomplete();
        LoadQueue(initial: true);
        _logger.LogInformation("Delivery started: {Count} queued messages, upstream {Upstream}, {Workers} workers",
            _scheduled.Count, _options.Upstream.IsConfigured ? $"{_options.Upstream.Host}:{_options.Upstream.Port}" : "none (outbox)", _options.MaxConcurrency);

        var outbox = _options.Upstream.IsConfigured ? null : new OutboxTransport(Path.GetDirectoryName(_spool.Root)!);
        var workers = Enumerable.Range(0, _options.MaxConcurrency)
            .Select(_ => Task.Run(() => WorkerAsync(outbox ?? (IMessageTransport)new SmtpUpstreamTransport(_options, _logger), stoppingToken), CancellationToken.None))
            .ToList();
        var observerTask = Task.Run(ObserverLoopAsync, CancellationToken.None);

        try
        {
            await SchedulerLoopAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _work.Complete();
            await Task.WhenAll(workers).ConfigureAwait(false);
            _outcomes.Writer.TryComplete();
            await observerTask.ConfigureAwait(false);
            _spool.MessageCommitted -= OnCommitted;
        }
    }

    async Task SchedulerLoopAsync(CancellationToken ct)
    {
        var lastScan = _time.GetUtcNow();
        var markerInterval = _options.ScanInterval < RetryMarkerInterval ? _options.ScanInterval : RetryMarkerInterval;
        var lastMarkerCheck = DateTimeOffset.MinValue;
        while (!ct.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            if (now - lastMarkerCheck >= markerInterval || Interlocked.Exchange(ref _retryMarked, false))
            {
                lastMarkerCheck = now;
                foreach (var id in _spool.TakeRetryRequests())
                    RetryNow(id);
            }
            if (now - lastScan >= _options.ScanInterval)
            {
                LoadQueue(initial: false);
                lastScan = _time.GetUtcNow();
            }

            var wait = DispatchDue();
            if (wait > markerInterval) wait = markerInterval;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(wait);
            try
            {
                await _wake.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Timer elapsed: time to look at the schedule again.
            }
        }
    }

    /// <summary>Sends every due message to the workers; returns how long until the next one is due.</summary>
    TimeSpan DispatchDue()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            while (_dueOrder.TryPeek(out var id, out var due))
            {
                if (!_scheduled.TryGetValue(id, out var item) || item.DueUtc != due)
                {
                    _dueOrder.Dequeue(); // stale: rescheduled or removed since
                    continue;
                }
                if (due > now) return due - now;
                _dueOrder.Dequeue();
                _scheduled.Remove(id);
                _inFlight.Add(id);
                _work.Write(item, item.Urgent);
            }
        }
        return _options.ScanInterval;
    }

    void RetryNow(string id)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            if (_inFlight.Contains(id) || _releasing.Contains(id)) return;
            if (_scheduled.TryGetValue(id, out var existing))
            {
                Schedule(existing with { DueUtc = now });
                _logger.LogInformation("Retry requested for {QueueId}", id);
                return;
            }
        }
        // Not scheduled here yet (put in the queue by another process since the last scan): its lane is the policy's
        // urgency kept in its envelope, as for any message loaded from the queue folder, never an ordinary one by default.
        var entry = _spool.Get(id, out var damage);
        if (entry is null)
        {
            if (damage is not null) MoveAside(id, damage, null);
            return;
        }
        lock (_gate)
        {
            if (_inFlight.Contains(id) || _releasing.Contains(id)) return;
            Schedule(new ScheduledItem(id, now, null, entry.Envelope.IsUrgent));
        }
        _logger.LogInformation("Retry requested for {QueueId}", id);
    }

    /// <summary>Reconciles the schedule with the queue folder: picks up messages added by other processes, forgets deleted ones.</summary>
    void LoadQueue(bool initial)
    {
        var onDisk = _spool.ListIds();
        var present = new HashSet<string>(onDisk, StringComparer.Ordinal);
        List<string> unknown, gone;
        lock (_gate)
        {
            // A message this process is still committing is scheduled by its own MessageCommitted, right after.
            unknown = onDisk.Where(id => !_scheduled.ContainsKey(id) && !_inFlight.Contains(id) && !_releasing.Contains(id) && !_spool.IsBeingCommitted(id)).ToList();
            gone = _scheduled.Keys.Where(id => !present.Contains(id)).ToList();
        }
        // A message committed after the listing above is scheduled (OnCommitted) but not in it: it is not gone.
        // Dropping it left it waiting for the next scan (Delivery:ScanInterval), which showed as a 5 s tail.
        gone.RemoveAll(_spool.Contains);
        if (gone.Count > 0)
            lock (_gate)
                foreach (var id in gone) _scheduled.Remove(id);
        foreach (var id in unknown)
        {
            var entry = _spool.Get(id, out var damage);
            if (entry is null)
            {
                if (damage is not null) MoveAside(id, damage, null); // else deleted meanwhile
                continue;
            }
            lock (_gate)
            {
                if (!_scheduled.ContainsKey(id)) Schedule(new ScheduledItem(id, entry.Envelope.NextAttemptUtc, null, entry.Envelope.IsUrgent));
            }
            if (!initial) _logger.LogInformation("Picked up queued message {QueueId} added outside this process", id);
        }
    }

    async Task WorkerAsync(IMessageTransport transport, CancellationToken ct)
    {
        var reader = _work;
        try
        {
            while (true)
            {
                if (!reader.TryRead(out var item))
                {
                    // Wait for work; close the upstream connection if none comes for a while.
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    idle.CancelAfter(_options.ConnectionIdleTimeout);
                    bool more;
                    try
                    {
                        more = await reader.WaitToReadAsync(idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await transport.CloseIdleAsync().ConfigureAwait(false);
                        more = await reader.WaitToReadAsync(ct).ConfigureAwait(false);
                    }
                    if (!more) return;
                    continue;
                }
                await ProcessAsync(item, transport, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    async Task ProcessAsync(ScheduledItem item, IMessageTransport transport, CancellationToken ct)
    {
        DateTime? next = null;
        try
        {
            next = await AttemptAsync(item, transport, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Spool I/O trouble (disk full while updating the envelope...): leave the message as it is on disk and try again later.
            next = _time.GetUtcNow().UtcDateTime + _options.RetryBaseDelay;
            _logger.LogError(ex, "Delivery attempt for {QueueId} failed; retrying at {Next:o}", item.QueueId, next);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight.Remove(item.QueueId);
                if (next is { } due) Schedule(new ScheduledItem(item.QueueId, due, null, item.Urgent));
            }
            if (next is not null) Notify();
        }
    }

    /// <summary>One delivery attempt; returns when to try again, or null when the message is finished.</summary>
    async Task<DateTime?> AttemptAsync(ScheduledItem item, IMessageTransport transport, CancellationToken ct)
    {
        // Re-read unless just committed: an administrator may have deleted or changed it.
        string? damage = null;
        var entry = item.Entry is { } fresh && File.Exists(fresh.MessagePath) ? fresh : _spool.Get(item.QueueId, out damage);
        if (entry is null)
        {
            if (damage is not null) MoveAside(item.QueueId, damage, null);
            return null;
        }
        // Held, not delivered: bytes that changed on disk after the 250 are not what the policy passed.
        if (Spool.Spool.CheckContent(entry) is { } changed)
        {
            MoveAside(entry.QueueId, changed, entry.Envelope);
            return null;
        }
        var envelope = entry.Envelope;
        var pending = envelope.Recipients.Where(r => r.Status == RecipientStatus.Pending).ToList();
        if (pending.Count == 0)
        {
            Release(entry.QueueId);
            return null;
        }

        var results = await transport.DeliverAsync(entry, pending, ct).ConfigureAwait(false);
        var now = _time.GetUtcNow().UtcDateTime;
        var expired = now - envelope.ReceivedUtc >= _options.MaxAge;
        var failed = new List<FailedRecipient>();
        var outcomes = new List<OutcomeEvent>();
        envelope.Attempts++;

        foreach (var r in pending)
        {
            var result = results.TryGetValue(r.Address, out var found)
                ? found
                : new RecipientResult(ResultKind.Deferred, "451 4.3.0 no result for recipient");
            r.Attempts++;
            r.LastReply = result.Reply;
            switch (result.Kind)
            {
                case ResultKind.Delivered or ResultKind.Outbox:
                    // Done as far as the queue is concerned; the audit log says which: an outbox file is not a delivery.
                    r.Status = RecipientStatus.Delivered;
                    outcomes.Add(new(entry.QueueId, r.Address, result.Kind == ResultKind.Outbox ? AuditOutcomes.Outbox : AuditOutcomes.Delivered, result.Reply, now));
                    break;
                case ResultKind.Failed:
                    failed.Add(new FailedRecipient(r, SmtpReplyText.Status(result.Reply, '5'), result.Reply, Expired: false));
                    break;
                case ResultKind.Deferred when expired:
                    failed.Add(new FailedRecipient(r, "4.4.7", result.Reply, Expired: true));
                    break;
                default:
                    outcomes.Add(new(entry.QueueId, r.Address, AuditOutcomes.Deferred, result.Reply, now));
                    break;
            }
        }

        if (failed.Count > 0)
        {
            var bounced = await BounceAsync(entry, failed, transport.RemoteMta, now, ct).ConfigureAwait(false);
            foreach (var f in failed)
            {
                if (bounced)
                {
                    f.Recipient.Status = RecipientStatus.Failed;
                    outcomes.Add(new(entry.QueueId, f.Recipient.Address, AuditOutcomes.Bounced, f.Reply, now));
                }
                else
                {
                    outcomes.Add(new(entry.QueueId, f.Recipient.Address, AuditOutcomes.Deferred, f.Reply, now));
                }
            }
        }

        foreach (var o in outcomes) _outcomes.Writer.TryWrite(o);

        if (envelope.Recipients.All(r => r.Status != RecipientStatus.Pending))
        {
            Release(entry.QueueId);
            LogOutcomes(entry.QueueId, outcomes, transport.RemoteMta, envelope.Attempts, null);
            return null;
        }

        envelope.NextAttemptUtc = now + _options.RetryDelay(envelope.Attempts);
        if (!await _spool.UpdateAsync(entry, ct).ConfigureAwait(false)) return null; // deleted meanwhile
        LogOutcomes(entry.QueueId, outcomes, transport.RemoteMta, envelope.Attempts, envelope.NextAttemptUtc);
        return envelope.NextAttemptUtc;
    }

    /// <summary>
    /// Takes a damaged message out of the queue (<see cref="Spool.Spool.MoveAside"/>) and records the final outcome
    /// "damaged" for it, per recipient still waiting when its envelope is readable, else once for the queue id.
    /// </summary>
    void MoveAside(string queueId, string reason, SpoolEnvelope? envelope)
    {
        if (!_spool.MoveAside(queueId, reason)) return;
        var now = _time.GetUtcNow().UtcDateTime;
        var waiting = envelope?.Recipients.Where(r => r.Status == RecipientStatus.Pending).Select(r => r.Address).ToList() ?? [];
        if (waiting.Count == 0) waiting.Add(""); // the envelope (and with it the recipients) is what was damaged
        foreach (var recipient in waiting)
            _outcomes.Writer.TryWrite(new OutcomeEvent(queueId, recipient, AuditOutcomes.Damaged, "moved to spool/corrupt/: " + reason, now));
    }

    /// <summary>One line per outcome and reply of this attempt (Postfix logs one per recipient; most messages have one reply for all).</summary>
    void LogOutcomes(string queueId, List<OutcomeEvent> outcomes, string? remoteMta, int attempts, DateTime? next)
    {
        foreach (var group in outcomes.GroupBy(o => (o.Outcome, o.Reply)))
            MessageLog.Delivery(_logger, queueId, group.Key.Outcome ?? "?", group.Select(o => o.Recipient),
                remoteMta ?? "outbox", group.Key.Reply, attempts, group.Key.Outcome == AuditOutcomes.Deferred ? next : null);
    }

    /// <summary>
    /// Queues a delivery status notification for the failed recipients. Returns false only when the bounce
    /// could not be written (the recipients then stay pending, so the failure is not silently lost).
    /// </summary>
    async Task<bool> BounceAsync(SpoolEntry entry, List<FailedRecipient> failed, string? remoteMta, DateTime now, CancellationToken ct)
    {
        var envelope = entry.Envelope;
        var notify = failed.Where(f => BounceBuilder.WantsFailureNotice(f.Recipient)).ToList();
        var unverified = !envelope.IsBounce && notify.Count > 0 && !_mayBounce(envelope);
        if (envelope.IsBounce || notify.Count == 0 || unverified)
        {
            _logger.LogWarning("Message {QueueId} failed for {Count} recipients; no notice sent ({Reason})",
                entry.QueueId, failed.Count, envelope.IsBounce ? "null sender"
                : unverified ? $"sender <{envelope.MailFrom}> unverified: came from {envelope.ClientIp} without login, a bounce could be backscatter"
                : "NOTIFY=NEVER");
            return true;
        }
        try
        {
            var dsn = BounceBuilder.Build(entry, notify, _options, remoteMta, now);
            using var writer = _spool.BeginMessage();
            var format = MimeKit.FormatOptions.Default.Clone();
            format.NewLineFormat = MimeKit.NewLineFormat.Dos;
            await dsn.WriteToAsync(format, writer, ct).ConfigureAwait(false);
            var dsnEnvelope = new SpoolEnvelope
            {
                QueueId = writer.QueueId,
                MailFrom = "",
                Recipients = { new SpoolRecipient { Address = envelope.MailFrom } },
                ReceivedUtc = now,
                SmtpUtf8 = envelope.SmtpUtf8,
                BodyType = envelope.BodyType,
            };
            // The bounce is a message the gateway sends: it gets its own audit record, carried in its queue file.
            var carried = _observer.OnBounce(dsnEnvelope, entry.QueueId, notify.Select(f => (f.Recipient.Address, f.Reply)).ToList(), dsn.Subject);
            if (carried is not null) dsnEnvelope.AuditRecord = carried.Json;
            var committed = await _spool.CommitAsync(writer, dsnEnvelope, carried is null ? null : _ => carried.Committed(), ct).ConfigureAwait(false);
            _logger.LogInformation("Bounce {BounceId} queued to {Sender} for {QueueId} ({Count} recipients)",
                committed.QueueId, envelope.MailFrom, entry.QueueId, notify.Count);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Could not queue the bounce for {QueueId}; its failed recipients stay queued", entry.QueueId);
            return false;
        }
    }

    /// <summary>
    /// Removes a finished message once the observer has recorded its outcomes, queued just before, and whatever the
    /// message carried for it (the audit record of its acceptance): until then its file stays, and so does the message's
    /// place in <see cref="_releasing"/>, which keeps queue scans from taking it for a message still to deliver.
    /// </summary>
    void Release(string queueId)
    {
        lock (_gate) _releasing.Add(queueId);
        if (!_outcomes.Writer.TryWrite(OutcomeEvent.Release(queueId)))
            Remove([queueId]); // stopping: the observer loop is gone, and so is anything it could still record
    }

    void Remove(List<string> ids)
    {
        foreach (var id in ids)
        {
            var kept = _keepUntil?.Invoke(id) ?? Task.CompletedTask;
            if (kept.IsCompletedSuccessfully) RemoveNow(id);
            else
                _ = kept.ContinueWith(t =>
                {
                    // A failure here leaves the file queued and out of the scans: the next start takes it up again.
                    if (t.IsCompletedSuccessfully) RemoveNow(id);
                    else _logger.LogError(t.Exception, "{QueueId} stays in the queue: what must happen before its file goes did not", id);
                }, TaskScheduler.Default);
        }
    }

    void RemoveNow(string id)
    {
        _spool.Delete(id);
        lock (_gate) _releasing.Remove(id);
    }

    async Task ObserverLoopAsync()
    {
        var reader = _outcomes.Reader;
        var released = new List<string>();
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            // Everything already queued in one pass: outcomes to the observer, then one wait for all of them to be durable.
            while (reader.TryRead(out var e))
            {
                if (e.Outcome is null)
                {
                    released.Add(e.QueueId);
                    continue;
                }
                try
                {
                    await _observer.OnOutcomeAsync(e.QueueId, e.Recipient, e.Outcome, e.Reply, e.TimeUtc, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Delivery observer failed for {QueueId} {Recipient} {Outcome}", e.QueueId, e.Recipient, e.Outcome);
                }
            }
            if (released.Count == 0) continue;
            try
            {
                await _observer.WhenRecordedAsync().ConfigureAwait(false);
                Remove(released);
            }
            catch (Exception ex)
            {
                // Their records may be lost with the process: keep the files, so the next start delivers them again
                // (a duplicate, never a message without its record).
                _logger.LogError(ex, "Delivery observer could not record outcomes; {Count} delivered messages stay in the queue until restart", released.Count);
            }
            released = [];
        }
    }
}
