using GovGateway.Spool;

namespace GovGateway.Delivery;

/// <summary>
/// Told about every per-recipient outcome (for the audit log): queued, delivered, outbox, deferred, bounced or damaged,
/// in the audit log's own words (<see cref="GovGateway.Audit.AuditOutcomes"/>), so there is one set of outcome values.
/// </summary>
internal interface IDeliveryObserver
{
    /// <summary>Takes an outcome; may return before it is durable (see <see cref="WhenRecordedAsync"/>).</summary>
    ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct);

    /// <summary>
    /// Completes once everything taken so far is durable, including what the observer asked the queued messages to
    /// carry for it; a finished message's file is removed only after this.
    /// </summary>
    Task WhenRecordedAsync();

    /// <summary>
    /// The gateway is about to queue a bounce (a delivery status notification to <paramref name="bounce"/>'s recipient,
    /// the original sender) for <paramref name="originalQueueId"/>'s failed recipients. Returns what the bounce's queue
    /// file should carry for the observer (sealed with it, like an accepted message's audit record) and what to call once
    /// it is committed; null when the observer keeps no record.
    /// </summary>
    CarriedRecord? OnBounce(SpoolEnvelope bounce, string originalQueueId, IReadOnlyList<(string Recipient, string Reply)> failed, string? subject) => null;
}

/// <summary>A record a queued message carries for the observer, and the call to make once the message is committed.</summary>
internal sealed record CarriedRecord(RawJson Json, Action Committed);

internal sealed class NullDeliveryObserver : IDeliveryObserver
{
    public static readonly NullDeliveryObserver Instance = new();
    public ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct) => default;
    public Task WhenRecordedAsync() => Task.CompletedTask;
}
