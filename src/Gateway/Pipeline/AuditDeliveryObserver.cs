using GovGateway.Audit;
using GovGateway.Delivery;

namespace GovGateway.Pipeline;

/// <summary>
/// Each per-recipient delivery outcome becomes a chained entry in the audit log. "queued" is not
/// written again: the transaction's own "accepted" record, made before the 250, already says it,
/// and the query shows its recipients as queued until another outcome arrives.
/// </summary>
public sealed class AuditDeliveryObserver(AuditLog audit) : IDeliveryObserver
{
    public ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct) =>
        outcome == DeliveryOutcomes.Queued ? ValueTask.CompletedTask : audit.RecordDeliveryAsync(new AuditDelivery
        {
            QueueId = queueId,
            Recipient = recipient,
            Outcome = outcome,
            Reply = reply,
            TimeUtc = timeUtc,
        }, ct);
}
