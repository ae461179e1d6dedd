namespace GovGateway.Delivery;

/// <summary>Told about every per-recipient outcome (for the audit log): queued, delivered, deferred or bounced.</summary>
public interface IDeliveryObserver
{
    ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct);
}

public static class DeliveryOutcomes
{
    public const string Queued = "queued";
    public const string Delivered = "delivered";
    public const string Deferred = "deferred";
    public const string Bounced = "bounced";
}

internal sealed class NullDeliveryObserver : IDeliveryObserver
{
    public static readonly NullDeliveryObserver Instance = new();
    public ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct) => default;
}
