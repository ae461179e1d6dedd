namespace GovGateway.Delivery;

/// <summary>Told about every per-recipient outcome (for the audit log): queued, delivered, deferred or bounced.</summary>
public interface IDeliveryObserver
{
    /// <summary>Takes an outcome; may return before it is durable (see <see cref="WhenRecordedAsync"/>).</summary>
    ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct);

    /// <summary>
    /// Completes once everything taken so far is durable, including what the observer asked the queued messages to
    /// carry for it; a finished message's file is removed only after this.
    /// </summary>
    Task WhenRecordedAsync();
}

public static class DeliveryOutcomes
{
    public const string Queued = "queued";
    public const string Delivered = "delivered";
    /// <summary>No upstream is configured: the message was written to DATA/outbox, not delivered to a mail server.</summary>
    public const string Outbox = "outbox";
    public const string Deferred = "deferred";
    public const string Bounced = "bounced";
}

internal sealed class NullDeliveryObserver : IDeliveryObserver
{
    public static readonly NullDeliveryObserver Instance = new();
    public ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct) => default;
    public Task WhenRecordedAsync() => Task.CompletedTask;
}
