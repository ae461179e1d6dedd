using GovGateway.Delivery;
using GovGateway.Spool;

namespace GovGateway.Metrics;

/// <summary>
/// The delivery observer (the audit log's) with each per-recipient outcome counted as an attempt, and the delay
/// from acceptance to delivery measured from the queue id, which carries the moment the message was accepted.
/// </summary>
internal sealed class MeteredDeliveryObserver(IDeliveryObserver inner, GatewayMetrics metrics) : IDeliveryObserver
{
    public ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct)
    {
        metrics.DeliveryAttempt(outcome, QueueId.TryGetTime(queueId, out var accepted) ? timeUtc - accepted : null);
        return inner.OnOutcomeAsync(queueId, recipient, outcome, reply, timeUtc, ct);
    }

    public Task WhenRecordedAsync() => inner.WhenRecordedAsync();

    public CarriedRecord? OnBounce(SpoolEnvelope bounce, string originalQueueId, IReadOnlyList<(string Recipient, string Reply)> failed, string? subject) =>
        inner.OnBounce(bounce, originalQueueId, failed, subject);
}
