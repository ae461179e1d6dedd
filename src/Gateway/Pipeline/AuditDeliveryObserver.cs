using GovGateway.Audit;
using GovGateway.Delivery;

namespace GovGateway.Pipeline;

/// <summary>
/// Each per-recipient delivery outcome becomes a chained entry in the audit log, taken with the journal's next group
/// commit. "queued" is not written again: the transaction's own "accepted" record, made before the 250, already says
/// it, and the query shows its recipients as queued until another outcome arrives. A finished message leaves the
/// queue only once the journal holds its outcomes and the record it carried (<see cref="WhenRecordedAsync"/>).
/// </summary>
public sealed class AuditDeliveryObserver(AuditLog audit) : IDeliveryObserver
{
    public ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct)
    {
        if (outcome != DeliveryOutcomes.Queued)
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
}
