using System.Collections.Concurrent;
using GovGateway.Delivery;

namespace Gateway.Tests.Delivery;

internal sealed class RecordingObserver : IDeliveryObserver
{
    public ConcurrentQueue<(string QueueId, string Recipient, string Outcome, string? Reply)> Events { get; } = new();

    public ValueTask OnOutcomeAsync(string queueId, string recipient, string outcome, string? reply, DateTime timeUtc, CancellationToken ct)
    {
        Events.Enqueue((queueId, recipient, outcome, reply));
        return default;
    }

    /// <summary>When set, what <see cref="WhenRecordedAsync"/> returns: lets a test hold finished messages in the queue.</summary>
    public volatile Task? Recorded;

    public Task WhenRecordedAsync() => Recorded ?? Task.CompletedTask;

    public bool Has(string recipient, string outcome) => Events.Any(e => e.Recipient == recipient && e.Outcome == outcome);
}

internal static class DeliveryTestKit
{
    public static DeliveryOptions Options(int? upstreamPort) => new()
    {
        Upstream = new UpstreamOptions { Host = upstreamPort is null ? null : "127.0.0.1", Port = upstreamPort ?? 25, Security = UpstreamSecurity.None },
        MaxConcurrency = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(200),
        RetryMaxDelay = TimeSpan.FromMilliseconds(800),
        ScanInterval = TimeSpan.FromMilliseconds(200),
        ConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(10),
        HostName = "gw.test",
    };
}
