using GovGateway.Audit;
using GovGateway.Delivery;

namespace GovGateway.Pipeline;

/// <summary>Each per-recipient delivery outcome becomes a chained entry in the audit log.</summary>
public sealed class AuditDeliveryObserver(AuditLog audit) : IDeliveryObserver
{
    public ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct) =>
        audit.RecordDeliveryAsync(new AuditDelivery
        {
            QueueId = queueId,
            Recipient = recipient,
            Outcome = outcome,
            Reply = reply,
            TimeUtc = timeUtc,
        }, ct);
}
