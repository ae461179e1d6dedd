using GovGateway.Access;
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
public sealed class GatewayHandler(
    PolicyHolder policies,
    Spool.Spool spool,
    QuarantineStore quarantine,
    AuditLog? audit,
    IAuthenticator authenticator,
    AccessRules access,
    string hostName,
    ILogger<GatewayHandler> logger) : ISmtpHandler
{
    private const string StateKey = "gateway.transaction";

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

        if (access.CheckSender(session.Role, session.AuthenticatedUser, envelope.MailFrom) is { } refusal)
        {
            await RecordRejectionAsync(session, state, refusal, [], ct).ConfigureAwait(false);
            return refusal;
        }
        if (policies.Current.EvaluateSender(ToPolicyEnvelope(session, envelope)) is { Mode: RuleMode.Enforce } hit)
        {
            var reply = Bilingual.Reply(550, "5.7.1", hit.MessageVi, hit.MessageEn);
            await RecordRejectionAsync(session, state, reply, [hit], ct).ConfigureAwait(false);
            return reply;
        }
        return SmtpReply.SenderOk;
    }

    public ValueTask<SmtpReply> OnRcptToAsync(SessionInfo session, Envelope envelope, Recipient recipient, CancellationToken ct)
    {
        var reply = access.CheckRecipient(session.Role, session.AuthenticatedUser, recipient.Address);
        if (!reply.IsPositive && session.Properties.TryGetValue(StateKey, out var s) && s is TransactionState state)
            state.RefusedRecipients.Add((recipient.Address, reply));
        return ValueTask.FromResult(reply);
    }

    public ValueTask<Stream> OpenMessageAsync(SessionInfo session, Envelope envelope, CancellationToken ct) =>
        ValueTask.FromResult<Stream>(new HashingStream(spool.BeginMessage()));

    public async ValueTask<SmtpReply> OnMessageCompleteAsync(SessionInfo session, Envelope envelope, Stream content, CancellationToken ct)
    {
        var hashing = (HashingStream)content;
        var writer = (SpoolWriter)hashing.Inner;
        var state = session.Properties.TryGetValue(StateKey, out var s) && s is TransactionState t ? t : new TransactionState { Envelope = envelope };
        state.Recorded = true;
        try
        {
            await hashing.FlushAsync(ct).ConfigureAwait(false);
            var rate = access.TryAcquireMessage(session.AuthenticatedUser, session.RemoteEndPoint.Address, envelope.Recipients.Count);
            if (rate is { } limited)
            {
                await AppendAsync(session, envelope, null, hashing, writer.QueueId, "rejected", limited, ct).ConfigureAwait(false);
                return limited;
            }

            var policy = policies.Current;
            Verdict verdict;
            await using (var read = writer.OpenRead())
                verdict = policy.Evaluate(read, ToPolicyEnvelope(session, envelope), ct);

            if (session.AuthenticatedUser is { } user && verdict.HeaderFrom is { } headerFrom && !access.MayUse(user, headerFrom))
            {
                var reply = Bilingual.HeaderFromNotYours(headerFrom);
                await AppendAsync(session, envelope, verdict, hashing, writer.QueueId, "rejected", reply, ct).ConfigureAwait(false);
                return reply;
            }

            switch (verdict.Decision)
            {
                case Decision.Reject:
                {
                    var reasons = verdict.Reasons.Count > 0 ? verdict.Reasons : verdict.Hits;
                    var reply = new SmtpReply(550, "5.7.1", string.Join("\n", reasons.Select(r => $"[{r.Rule}] {r.MessageVi} / {r.MessageEn}")));
                    await AppendAsync(session, envelope, verdict, hashing, writer.QueueId, "rejected", reply, ct).ConfigureAwait(false);
                    return reply;
                }
                case Decision.Quarantine:
                {
                    var spoolEnvelope = BuildSpoolEnvelope(session, envelope, verdict, writer.QueueId);
                    var reason = string.Join("; ", verdict.Reasons.Select(r => $"{r.Rule}: {r.MessageEn}"));
                    var id = await quarantine.AddAsync(writer, spoolEnvelope, reason, ct).ConfigureAwait(false);
                    var reply = Bilingual.Quarantined(id);
                    await AppendAsync(session, envelope, verdict, hashing, writer.QueueId, "quarantined", reply, ct).ConfigureAwait(false);
                    return reply;
                }
                default:
                {
                    var spoolEnvelope = BuildSpoolEnvelope(session, envelope, verdict, writer.QueueId);
                    var reply = Bilingual.Queued(writer.QueueId);
                    // The audit record travels inside the queue file, sealed and fsynced with the message: one fsync
                    // makes both durable before the 250. The journal takes its copy with its next group commit (queued
                    // before delivery can see the message, which keeps the file until the journal has it). Should
                    // the spool fail, only "failed" is recorded and the client gets a 4xx.
                    // Built for the audit log and the message's log line; neither wanted (an audit-off benchmark): skipped.
                    var transaction = audit is not null || logger.IsEnabled(LogLevel.Information)
                        ? AuditMapper.Transaction(session, envelope, verdict, hashing, writer.QueueId, "accepted", reply,
                            spoolEnvelope.Recipients.Select(r => r.Address).ToList())
                        : null;
                    var record = transaction is null ? null : audit?.Carry(transaction);
                    if (record is not null) spoolEnvelope.AuditRecord = new RawJson(record.Json);
                    await spool.CommitAsync(writer, spoolEnvelope, record is null ? null : _ => audit!.AppendCarried(record), ct).ConfigureAwait(false);
                    if (transaction is not null) MessageLog.Transaction(logger, transaction);
                    return reply;
                }
            }
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            logger.LogError(ex, "Disk full while accepting {QueueId}", writer.QueueId);
            await TryAppendFailureAsync(session, envelope, hashing, writer.QueueId, Bilingual.StorageFull, ct).ConfigureAwait(false);
            return Bilingual.StorageFull;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "Write error while accepting {QueueId}", writer.QueueId);
            await TryAppendFailureAsync(session, envelope, hashing, writer.QueueId, Bilingual.LocalError, ct).ConfigureAwait(false);
            return Bilingual.LocalError;
        }
    }

    public void OnDisconnected(SessionInfo session)
    {
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
            var record = AuditMapper.Transaction(session, state.Envelope, null, null, null, "rejected", last);
            record.Recipients = state.RefusedRecipients.Select(r => r.Recipient).ToList();
            record.Rules = state.RefusedRecipients.Select(r => new AuditRuleHit { Rule = "recipient", Mode = "enforce", Action = "reject", Message = $"<{r.Recipient}>: {r.Reply.Code} {r.Reply.EnhancedCode} {r.Reply.Text}" }).ToList();
            await RecordAsync(record, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            logger.LogError(ex, "Could not record refused recipients for session {Session}", session.SessionId);
        }
    }

    private ValueTask RecordAsync(AuditTransaction record, CancellationToken ct)
    {
        MessageLog.Transaction(logger, record);
        return audit is null ? ValueTask.CompletedTask : audit.AppendAsync(record, ct);
    }

    private async ValueTask RecordRejectionAsync(SessionInfo session, TransactionState state, SmtpReply reply, IReadOnlyList<RuleHit> hits, CancellationToken ct)
    {
        state.Recorded = true;
        var record = AuditMapper.Transaction(session, state.Envelope, null, null, null, "rejected", reply);
        record.Rules = hits.Select(AuditMapper.Rule).ToList();
        if (record.Rules.Count == 0)
            record.Rules.Add(new AuditRuleHit { Rule = "sender", Mode = "enforce", Action = "reject", Message = reply.Text });
        await RecordAsync(record, ct).ConfigureAwait(false);
    }

    private ValueTask AppendAsync(SessionInfo session, Envelope envelope, Verdict? verdict, HashingStream hashing, string queueId, string decision, SmtpReply reply, CancellationToken ct) =>
        RecordAsync(AuditMapper.Transaction(session, envelope, verdict, hashing, queueId, decision, reply), ct);

    private async ValueTask TryAppendFailureAsync(SessionInfo session, Envelope envelope, HashingStream hashing, string queueId, SmtpReply reply, CancellationToken ct)
    {
        try
        {
            await AppendAsync(session, envelope, null, hashing, queueId, "failed", reply, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "Could not record the failed transaction {QueueId}", queueId);
        }
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
