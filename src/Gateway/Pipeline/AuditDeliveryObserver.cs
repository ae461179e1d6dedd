using GovGateway.Audit;
using GovGateway.Delivery;
using GovGateway.Spool;

namespace GovGateway.Pipeline;

/// <summary>
/// Each per-recipient delivery outcome becomes a chained entry in the audit log, taken with the journal's next group
/// commit. "queued" is not written again: the transaction's own "accepted" record, made before the 250, already says
/// it, and the query shows its recipients as queued until another outcome arrives. A finished message leaves the
/// queue only once the journal holds its outcomes and the record it carried (<see cref="WhenRecordedAsync"/>).
/// </summary>
internal sealed class AuditDeliveryObserver(IAuditWriter audit) : IDeliveryObserver
{
    public ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct)
    {
        if (outcome != AuditOutcomes.Queued)
            audit.RecordDelivery(new AuditDelivery
            {
                QueueId = queueId,
                Recipient = recipient,
                Outcome = outcome,
                Reply = reply,
                TimeUtc = timeUtc,
            });
        return ValueTask.CompletedTask;
    }

    public Task WhenRecordedAsync() => audit.WhenDurableAsync();

    /// <summary>
    /// A bounce is recorded as a transaction of its own: null sender, the original sender as recipient, listener
    /// "bounce", and a rule hit naming the message and the recipients it reports; its delivery outcomes follow.
    /// </summary>
    public CarriedRecord? OnBounce(SpoolEnvelope bounce, string originalQueueId, IReadOnlyList<(string Recipient, string Reply)> failed, string? subject)
    {
        var record = audit.Carry(new AuditTransaction
        {
            Id = AuditRecordId.New(),
            TimeUtc = DateTime.UtcNow,
            QueueId = bounce.QueueId,
            MailFrom = "",
            Recipients = bounce.Recipients.Select(r => r.Address).ToList(),
            Subject = subject,
            Listener = "bounce",
            Decision = AuditDecisions.Accepted,
            SmtpReply = $"bounce for {originalQueueId}",
            Rules = failed.Select(f => new AuditRuleHit
            {
                Rule = "bounce",
                Mode = "enforce",
                Action = "bounce",
                Message = $"{originalQueueId} <{f.Recipient}>: {f.Reply}",
            }).ToList(),
        });
        return new CarriedRecord(new RawJson(record.Json), () => audit.AppendCarried(record));
    }
}
