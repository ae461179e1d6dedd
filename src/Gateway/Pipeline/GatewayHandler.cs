using GovGateway.Access.Auth;
using GovGateway.Access.Identity;
using GovGateway.Delivery;
using GovGateway.Replies;
using GovGateway.Audit;
using GovGateway.Policies;
using GovGateway.Quarantine;
using GovGateway.Smtp;
using GovGateway.Spool;
using Microsoft.Extensions.Logging;

namespace GovGateway.Pipeline;

/// <summary>
/// The gateway's decisions inside the SMTP session: who may log in and send where, the policy
/// verdict at the end of DATA, and the durable hand-off to the spool and the audit log before 250.
/// </summary>
/// <param name="answered">Told each transaction's record once it is answered (the metrics count them), with the audit log on or off.</param>
internal sealed class GatewayHandler(
    PolicyHolder policies,
    Spool.Spool spool,
    QuarantineStore quarantine,
    IAuditWriter? audit,
    IAuthenticator authenticator,
    AccessRules access,
    string hostName,
    ILogger<GatewayHandler> logger,
    EvaluationGate? evaluation = null,
    Action<AuditTransaction>? answered = null) : ISmtpHandler
{
    private const string StateKey = "gateway.transaction";

    /// <summary>Rule name recorded when a message's evaluation ran out of time.</summary>
    public const string EvaluationTimeoutRule = "evaluation-timeout";

    private readonly EvaluationGate _evaluation = evaluation ?? new EvaluationGate(new EvaluationOptions());

    public ValueTask<SmtpReply?> OnConnectedAsync(SessionInfo session, CancellationToken ct)
    {
        logger.LogDebug("Connection {Session} from {Remote} on {Listener}", session.SessionId, session.RemoteEndPoint, session.ListenerName);
        return ValueTask.FromResult<SmtpReply?>(null);
    }

    public async ValueTask<AuthResult> AuthenticateAsync(SessionInfo session, string user, string password, CancellationToken ct)
    {
        var outcome = await authenticator.AuthenticateAsync(user, password, session.RemoteEndPoint.Address, ct).ConfigureAwait(false);
        logger.LogInformation("AUTH {User} from {Remote}: {Outcome}", user, session.RemoteEndPoint.Address, outcome.Status);
        return outcome.IsSuccess ? AuthResult.Success : AuthResult.Fail(outcome.ToReply());
    }

    public async ValueTask<SmtpReply> OnMailFromAsync(SessionInfo session, Envelope envelope, CancellationToken ct)
    {
        await RecordAbandonedAsync(session, ct).ConfigureAwait(false);
        var state = new TransactionState { Envelope = envelope };
        session.Properties[StateKey] = state;

        if (audit is not null && audit.IsShortOfSpace(out var freeBytes))
            return await RefuseForSpaceAsync(session, state, freeBytes, ct).ConfigureAwait(false);

        if (access.CheckSender(session.Role, session.AuthenticatedUser, envelope.MailFrom, session.RemoteEndPoint.Address) is { } refusal)
        {
            await RecordRejectionAsync(session, state, refusal, [], ct).ConfigureAwait(false);
            return refusal;
        }
        if (policies.Current.EvaluateSender(ToPolicyEnvelope(session, envelope)) is { Mode: RuleMode.Enforce } hit)
        {
            var reply = GatewayReplies.SenderRefusedByPolicy(hit);
            await RecordRejectionAsync(session, state, reply, [hit], ct).ConfigureAwait(false);
            return reply;
        }
        return SmtpReply.SenderOk;
    }

    public async ValueTask<SmtpReply> OnRcptToAsync(SessionInfo session, Envelope envelope, Recipient recipient, CancellationToken ct)
    {
        var reply = await access.CheckRecipientAsync(session.Role, session.AuthenticatedUser, recipient.Address, ct).ConfigureAwait(false);
        if (!reply.IsPositive && session.Properties.TryGetValue(StateKey, out var s) && s is TransactionState state)
            state.RefusedRecipients.Add((recipient.Address, reply));
        return reply;
    }

    /// <summary>DATA goes straight into a queue file; the transaction keeps it, so its end finds the writer it began.</summary>
    public ValueTask<Stream> OpenMessageAsync(SessionInfo session, Envelope envelope, CancellationToken ct)
    {
        var state = StateFor(session, envelope);
        state.Writer = spool.BeginMessage();
        state.Content = new HashingStream(state.Writer);
        return ValueTask.FromResult<Stream>(state.Content);
    }

    /// <summary>
    /// End of data: rate limit, header senders, then the policy on the spooled bytes decides; the message is refused,
    /// quarantined, or accepted (<see cref="AcceptAsync"/>), and the transaction recorded, before the reply.
    /// </summary>
    public async ValueTask<SmtpReply> OnMessageCompleteAsync(SessionInfo session, Envelope envelope, Stream content, CancellationToken ct)
    {
        var state = StateFor(session, envelope);
        var (writer, hashing) = (state.Writer, state.Content) is ({ } w, { } h) ? (w, h)
            : throw new InvalidOperationException("End of data without the message OpenMessageAsync began");
        state.Recorded = true;
        try
        {
            await hashing.FlushAsync(ct).ConfigureAwait(false);
            var rate = access.TryAcquireMessage(session.AuthenticatedUser, session.RemoteEndPoint.Address, envelope.Recipients.Count);
            if (rate is { } limited)
            {
                await AppendAsync(session, envelope, null, hashing, writer.QueueId, TransactionDecision.Rejected, limited, ct).ConfigureAwait(false);
                return limited;
            }

            HeaderSenders senders;
            await using (var read = writer.OpenRead())
                senders = HeaderSenders.Read(read);
            if (access.CheckHeaderSenders(session.Role, session.AuthenticatedUser, session.RemoteEndPoint.Address, senders) is { } forged)
            {
                await AppendAsync(session, envelope, null, hashing, writer.QueueId, TransactionDecision.Rejected, forged, ct).ConfigureAwait(false);
                return forged;
            }

            var policy = policies.Current;
            GatedResult<Verdict> gated;
            await using (var read = writer.OpenRead())
                gated = await _evaluation.RunAsync(budget => policy.Evaluate(read, ToPolicyEnvelope(session, envelope), budget), ct).ConfigureAwait(false);
            if (gated.TimedOut && _evaluation.Options.OnTimeout == EvaluationTimeoutAction.Refuse)
            {
                var reply = GatewayReplies.EvaluationTimedOut;
                logger.LogWarning("Evaluation of {QueueId} from {Sender} ran past {Timeout}; refused for now", writer.QueueId, envelope.MailFrom, _evaluation.Options.Timeout);
                var record = AuditMapper.Transaction(session, envelope, null, hashing, writer.QueueId, TransactionDecision.Failed, reply);
                record.Rules = [new AuditRuleHit { Rule = EvaluationTimeoutRule, Mode = "enforce", Action = "reject", Message = reply.Text }];
                await RecordAsync(record, ct).ConfigureAwait(false);
                return reply;
            }
            var verdict = gated.Result ?? TimedOutVerdict(policy);

            if (session.AuthenticatedUser is { } user && verdict.HeaderFrom is { } headerFrom && !access.MayUse(user, headerFrom))
            {
                var reply = GatewayReplies.HeaderFromNotYours(headerFrom);
                await AppendAsync(session, envelope, verdict, hashing, writer.QueueId, TransactionDecision.Rejected, reply, ct).ConfigureAwait(false);
                return reply;
            }

            switch (verdict.Decision)
            {
                case Decision.Reject:
                {
                    var reasons = verdict.Reasons.Count > 0 ? verdict.Reasons : verdict.Hits;
                    var reply = GatewayReplies.RefusedByPolicy(reasons);
                    await AppendAsync(session, envelope, verdict, hashing, writer.QueueId, TransactionDecision.Rejected, reply, ct).ConfigureAwait(false);
                    return reply;
                }
                case Decision.Quarantine:
                {
                    var spoolEnvelope = BuildSpoolEnvelope(session, envelope, verdict, writer.QueueId);
                    spoolEnvelope.Sha256 = hashing.Sha256; // delivery holds the message if its bytes change on disk
                    var reason = string.Join("; ", verdict.Reasons.Select(r => $"{r.Rule}: {r.MessageEn}"));
                    ct.ThrowIfCancellationRequested(); // the client hung up: it will send again, so keep nothing
                    var id = await quarantine.AddAsync(writer, spoolEnvelope, reason, ct).ConfigureAwait(false);
                    var reply = GatewayReplies.Quarantined(id);
                    await AppendAsync(session, envelope, verdict, hashing, writer.QueueId, TransactionDecision.Quarantined, reply, ct).ConfigureAwait(false);
                    return reply;
                }
                default:
                    return await AcceptAsync(session, envelope, verdict, state, writer, hashing, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away (or the session was aborted) before its reply: nothing was committed, so the retry it
            // will make is the only copy. The exchange is still recorded.
            logger.LogInformation("Client left before the reply to {QueueId} from {Sender}; not accepted", writer.QueueId, envelope.MailFrom);
            await TryAppendFailureAsync(session, envelope, hashing, writer.QueueId, GatewayReplies.ClientLeft, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            logger.LogError(ex, "Disk full while accepting {QueueId}", writer.QueueId);
            await TryAppendFailureAsync(session, envelope, hashing, writer.QueueId, GatewayReplies.StorageFull, ct).ConfigureAwait(false);
            return GatewayReplies.StorageFull;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "Write error while accepting {QueueId}", writer.QueueId);
            await TryAppendFailureAsync(session, envelope, hashing, writer.QueueId, GatewayReplies.LocalError, ct).ConfigureAwait(false);
            return GatewayReplies.LocalError;
        }
    }

    /// <summary>
    /// 250: the message and its audit record made durable together (<see cref="CommitWithRecordAsync"/>), then the
    /// message's log line. The message is held back from delivery until the engine says the 250 reached the client
    /// (<see cref="OnReplySent"/>), or withdrawn when it did not (<see cref="OnReplyFailedAsync"/>).
    /// </summary>
    private async ValueTask<SmtpReply> AcceptAsync(SessionInfo session, Envelope envelope, Verdict verdict, TransactionState state,
        SpoolWriter writer, HashingStream hashing, CancellationToken ct)
    {
        var spoolEnvelope = BuildSpoolEnvelope(session, envelope, verdict, writer.QueueId);
        spoolEnvelope.Sha256 = hashing.Sha256; // delivery holds the message if its bytes change on disk
        var reply = GatewayReplies.Queued(writer.QueueId);
        // Built for the audit log and the message's log line; neither wanted (an audit-off benchmark): skipped.
        var transaction = audit is not null || answered is not null || logger.IsEnabled(LogLevel.Information)
            ? AuditMapper.Transaction(session, envelope, verdict, hashing, writer.QueueId, TransactionDecision.Accepted, reply,
                spoolEnvelope.Recipients.Select(r => r.Address).ToList())
            : null;
        state.Held = await CommitWithRecordAsync(writer, spoolEnvelope, transaction, ct).ConfigureAwait(false);
        if (transaction is not null)
        {
            MessageLog.Transaction(logger, transaction);
            answered?.Invoke(transaction);
        }
        return reply;
    }

    /// <summary>
    /// Carry, seal, commit: the audit record travels inside the queue file, sealed with the message, and one fsync makes
    /// both durable before the 250. The journal takes its copy with its next group commit, queued before delivery can see
    /// the message (which keeps the file until the journal has it). Should the spool fail, nothing was accepted: only
    /// "failed" is recorded and the client gets a 4xx.
    /// </summary>
    private Task<SpoolEntry> CommitWithRecordAsync(SpoolWriter writer, SpoolEnvelope envelope, AuditTransaction? transaction, CancellationToken ct)
    {
        var carried = transaction is null ? null : audit?.Carry(transaction);
        if (carried is not null) envelope.AuditRecord = new RawJson(carried.Json);
        ct.ThrowIfCancellationRequested(); // the client hung up: it will send again, so deliver nothing
        return spool.CommitHeldAsync(writer, envelope, carried is null ? null : _ => audit!.AppendCarried(carried), ct);
    }

    /// <summary>The transaction in progress on the session, begun at MAIL FROM (or here, for an envelope that skipped it).</summary>
    private static TransactionState StateFor(SessionInfo session, Envelope envelope)
    {
        if (session.Properties.TryGetValue(StateKey, out var s) && s is TransactionState state)
            return state;
        var fresh = new TransactionState { Envelope = envelope };
        session.Properties[StateKey] = fresh;
        return fresh;
    }

    /// <summary>The 250 reached the client: delivery may take the message.</summary>
    public void OnReplySent(SessionInfo session, Envelope envelope, SmtpReply reply)
    {
        if (TakeHeld(session) is { } held) spool.ReleaseHeld(held);
    }

    /// <summary>
    /// The client left before its 250 reached it, so it will send the message again: the message committed for it is
    /// withdrawn before delivery sees it, and its recipients get the final audit outcome "withdrawn".
    /// </summary>
    public async ValueTask OnReplyFailedAsync(SessionInfo session, Envelope envelope, SmtpReply reply, CancellationToken ct)
    {
        if (TakeHeld(session) is not { } held) return;
        if (!spool.WithdrawHeld(held))
        {
            logger.LogError("Client left before the reply to {QueueId}, but the message could not be withdrawn; it will be delivered (the client's retry makes a duplicate)", held.QueueId);
            return;
        }
        logger.LogWarning("{QueueId}: withdrawn, not delivered: client {Client} left before the reply \"{Reply}\" reached it", held.QueueId, session.RemoteEndPoint, reply.Text);
        if (audit is null) return;
        var now = DateTime.UtcNow;
        try
        {
            foreach (var r in held.Envelope.Recipients)
                await audit.RecordDeliveryAsync(new AuditDelivery { QueueId = held.QueueId, Recipient = r.Address, Outcome = AuditOutcomes.Withdrawn, Reply = GatewayReplies.ClientLeftBeforeReply, TimeUtc = now }, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or AuditLogUnavailableException)
        {
            logger.LogError(ex, "Could not record the withdrawal of {QueueId}", held.QueueId);
        }
    }

    private static SpoolEntry? TakeHeld(SessionInfo session)
    {
        // The session's latest transaction is the one answered: a session has one at a time.
        if (!session.Properties.TryGetValue(StateKey, out var s) || s is not TransactionState state) return null;
        var held = state.Held;
        state.Held = null;
        return held;
    }

    /// <summary>
    /// A refusal the SMTP engine made by itself (size, bare CR/LF, line length, write failure, timeout, ...):
    /// recorded like the gateway's own, "rejected" for a 5xx and "failed" for a 4xx or a client that left.
    /// </summary>
    public async ValueTask OnTransactionRefusedAsync(SessionInfo session, Envelope envelope, SmtpReply reply, RefusalReason reason, CancellationToken ct)
    {
        // SIZE= at MAIL is refused before OnMailFromAsync: that envelope has no state of its own.
        var state = session.Properties.TryGetValue(StateKey, out var s) && s is TransactionState t && ReferenceEquals(t.Envelope, envelope) ? t : null;
        // LocalError: one of our hooks threw before it answered, so before it could record the transaction.
        if (state is { Recorded: true } && reason != RefusalReason.LocalError) return;
        if (state is not null) state.Recorded = true;

        var decision = TransactionDecisions.ForRefusal(reply);
        var record = AuditMapper.Transaction(session, envelope, null, null, null, decision, reply);
        record.Size = envelope.DeclaredSize ?? 0;
        if (reply.Code == 0) record.SmtpReply = "none (" + reply.Text + ")"; // nothing could be sent
        if (state is not null)
        {
            record.Recipients.AddRange(state.RefusedRecipients.Select(r => r.Recipient));
            record.Rules.AddRange(state.RefusedRecipients.Select(r => RecipientHit(r.Recipient, r.Reply)));
        }
        var rule = "smtp-" + ReasonName(reason);
        record.Rules.Add(new AuditRuleHit { Rule = rule, Mode = "enforce", Action = decision == TransactionDecision.Rejected ? "reject" : "defer", Message = reply.Text });
        // Debug only: the message's own line (MessageLog, from the audit record) already tells it; one event, one line.
        logger.LogDebug("Transaction from {Sender} on session {Session} ended by the SMTP engine: {Rule}, {Code} {Enhanced}",
            envelope.MailFrom, session.SessionId, rule, reply.Code, reply.EnhancedCode);
        try
        {
            await RecordAsync(record, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException or OperationCanceledException)
        {
            logger.LogError(ex, "Could not record the refused transaction of session {Session}", session.SessionId);
        }
    }

    private static string ReasonName(RefusalReason reason) => reason switch
    {
        RefusalReason.MessageTooBig => "size",
        RefusalReason.BareLineBreak => "bare-line-break",
        RefusalReason.LineTooLong => "line-length",
        RefusalReason.WriteFailed => "write-failed",
        RefusalReason.Timeout => "timeout",
        RefusalReason.DataRateTooSlow => "data-rate",
        RefusalReason.ProtocolViolation => "protocol",
        RefusalReason.Shutdown => "shutdown",
        RefusalReason.ConnectionLost => "connection-lost",
        _ => "local-error",
    };

    private static AuditRuleHit RecipientHit(string recipient, SmtpReply reply) =>
        new() { Rule = "recipient", Mode = "enforce", Action = "reject", Message = $"<{recipient}>: {reply.Code} {reply.EnhancedCode} {reply.Text}" };

    public void OnDisconnected(SessionInfo session)
    {
        // Never leave a committed message held: whatever the engine could not tell us, deliver rather than lose it.
        if (session.Properties.TryGetValue(StateKey, out var h) && h is TransactionState { Held: { } held } heldState)
        {
            heldState.Held = null;
            spool.ReleaseHeld(held);
        }
        // A transaction that ended at RCPT (every recipient refused) still gets its audit record.
        if (session.Properties.TryGetValue(StateKey, out var s) && s is TransactionState { Recorded: false, RefusedRecipients.Count: > 0 })
            _ = RecordAbandonedAsync(session, CancellationToken.None).AsTask();
    }

    private async ValueTask RecordAbandonedAsync(SessionInfo session, CancellationToken ct)
    {
        if (!session.Properties.TryGetValue(StateKey, out var s) || s is not TransactionState state || state.Recorded || state.RefusedRecipients.Count == 0)
            return;
        state.Recorded = true;
        var last = state.RefusedRecipients[^1].Reply;
        try
        {
            var record = AuditMapper.Transaction(session, state.Envelope, null, null, null, TransactionDecision.Rejected, last);
            record.Recipients = state.RefusedRecipients.Select(r => r.Recipient).ToList();
            record.Rules = state.RefusedRecipients.Select(r => RecipientHit(r.Recipient, r.Reply)).ToList();
            await RecordAsync(record, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            logger.LogError(ex, "Could not record refused recipients for session {Session}", session.SessionId);
        }
    }

    /// <summary>
    /// 452 4.3.1 while the data folder is below its free-space reserve (Audit:MinFreeBytes) or the audit journal
    /// cannot write: refusing at MAIL FROM keeps room for the journal to record what is in flight and delivered.
    /// </summary>
    private async ValueTask<SmtpReply> RefuseForSpaceAsync(SessionInfo session, TransactionState state, long freeBytes, CancellationToken ct)
    {
        var reply = GatewayReplies.StorageFull;
        logger.LogWarning("MAIL FROM {Sender} refused with 452: {FreeMiB} MiB free for the data folder, under Audit:MinFreeBytes, or the audit journal cannot write",
            state.Envelope.MailFrom, freeBytes < 0 ? "?" : (freeBytes >> 20).ToString(System.Globalization.CultureInfo.InvariantCulture));
        state.Recorded = true;
        var record = AuditMapper.Transaction(session, state.Envelope, null, null, null, TransactionDecision.Failed, reply);
        record.Rules.Add(new AuditRuleHit { Rule = "free-space", Mode = "enforce", Action = "defer", Message = reply.Text });
        try
        {
            await RecordAsync(record, ct).ConfigureAwait(false);
        }
        catch (AuditLogUnavailableException ex)
        {
            logger.LogError(ex, "Could not record the 452 to {Sender}: the audit journal cannot write", state.Envelope.MailFrom);
        }
        return reply;
    }

    private ValueTask RecordAsync(AuditTransaction record, CancellationToken ct)
    {
        MessageLog.Transaction(logger, record);
        answered?.Invoke(record);
        return audit is null ? ValueTask.CompletedTask : audit.AppendAsync(record, ct);
    }

    private async ValueTask RecordRejectionAsync(SessionInfo session, TransactionState state, SmtpReply reply, IReadOnlyList<RuleHit> hits, CancellationToken ct)
    {
        state.Recorded = true;
        var record = AuditMapper.Transaction(session, state.Envelope, null, null, null, TransactionDecision.Rejected, reply);
        record.Rules = hits.Select(AuditMapper.Rule).ToList();
        if (record.Rules.Count == 0)
            record.Rules.Add(new AuditRuleHit { Rule = "sender", Mode = "enforce", Action = "reject", Message = reply.Text });
        await RecordAsync(record, ct).ConfigureAwait(false);
    }

    private ValueTask AppendAsync(SessionInfo session, Envelope envelope, Verdict? verdict, HashingStream hashing, string queueId, TransactionDecision decision, SmtpReply reply, CancellationToken ct) =>
        RecordAsync(AuditMapper.Transaction(session, envelope, verdict, hashing, queueId, decision, reply), ct);

    private async ValueTask TryAppendFailureAsync(SessionInfo session, Envelope envelope, HashingStream hashing, string queueId, SmtpReply reply, CancellationToken ct)
    {
        try
        {
            await AppendAsync(session, envelope, null, hashing, queueId, TransactionDecision.Failed, reply, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "Could not record the failed transaction {QueueId}", queueId);
        }
    }

    /// <summary>The verdict for a message whose evaluation ran out of time with Evaluation:OnTimeout = Quarantine.</summary>
    private static Verdict TimedOutVerdict(Policy policy)
    {
        var hit = new RuleHit(EvaluationTimeoutRule, RuleMode.Enforce, RuleActionKind.Quarantine,
            GatewayReplies.EvaluationTimedOutVi, GatewayReplies.EvaluationTimedOutEn);
        return Verdict.Single(hit, Decision.Quarantine, policy.Version);
    }

    private SpoolEnvelope BuildSpoolEnvelope(SessionInfo session, Envelope envelope, Verdict verdict, string queueId)
    {
        var recipients = envelope.Recipients
            .Select(r => new SpoolRecipient { Address = r.Address, Notify = r.Notify, OriginalRecipient = r.OriginalRecipient })
            .ToList();
        foreach (var copy in verdict.CopyTo)
            if (!recipients.Any(r => string.Equals(r.Address, copy, StringComparison.OrdinalIgnoreCase)))
                recipients.Add(new SpoolRecipient { Address = copy, Notify = "NEVER" });
        return new SpoolEnvelope
        {
            QueueId = queueId,
            MailFrom = envelope.MailFrom,
            Recipients = recipients,
            ReceivedUtc = DateTime.UtcNow,
            DsnReturn = envelope.DsnReturn,
            DsnEnvelopeId = envelope.DsnEnvelopeId,
            SmtpUtf8 = envelope.SmtpUtf8,
            BodyType = envelope.Body switch { BodyType.EightBitMime => "8BITMIME", BodyType.BinaryMime => "BINARYMIME", BodyType.SevenBit => "7BIT", _ => null },
            PrependHeaders = GatewayHeaders.Build(session, envelope, verdict, queueId, hostName, DateTimeOffset.Now),
            SubjectTag = verdict.SubjectTag,
            Urgency = verdict.Urgency == Urgency.None ? null : verdict.Urgency.ToWireName(),
            NextAttemptUtc = DateTime.UtcNow,
            ClientIp = session.RemoteEndPoint.Address.ToString(),
            AuthenticatedUser = session.AuthenticatedUser,
        };
    }

    private static PolicyEnvelope ToPolicyEnvelope(SessionInfo session, Envelope envelope) => new(
        envelope.MailFrom,
        envelope.Recipients.Select(r => r.Address).ToList(),
        session.AuthenticatedUser,
        session.RemoteEndPoint.Address.ToString(),
        session.ListenerName);

    // ENOSPC (28) and EDQUOT (122) on Linux; ERROR_DISK_FULL/ERROR_HANDLE_DISK_FULL on Windows.
    private static bool IsDiskFull(IOException ex) =>
        (ex.HResult & 0xFFFF) is 28 or 122 or 0x70 or 0x27 || ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
}
