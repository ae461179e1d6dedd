using GovGateway.Spool;

namespace GovGateway.Delivery;

/// <summary>One way of delivering a spooled message; an instance is used by one worker at a time.</summary>
internal interface IMessageTransport : IAsyncDisposable
{
    /// <summary>Name of the remote MTA for bounces, or null.</summary>
    string? RemoteMta { get; }

    /// <summary>Attempts delivery to <paramref name="pending"/>; returns one result per recipient address.</summary>
    Task<Dictionary<string, RecipientResult>> DeliverAsync(SpoolEntry entry, IReadOnlyList<SpoolRecipient> pending, CancellationToken ct);

    /// <summary>Releases an idle connection, if any.</summary>
    Task CloseIdleAsync();
}
