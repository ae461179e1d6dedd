using System.Net;
using System.Security.Authentication;

namespace GovGateway.Smtp;

/// <summary>Facts about one SMTP connection, as the hooks see them.</summary>
public sealed class SessionInfo
{
    public required string SessionId { get; init; }
    public required string ListenerName { get; init; }
    public required ListenerRole Role { get; init; }
    public required IPEndPoint RemoteEndPoint { get; init; }
    public required IPEndPoint LocalEndPoint { get; init; }
    /// <summary>
    /// The load balancer the connection came through (PROXY protocol); <see cref="RemoteEndPoint"/> is then the
    /// client it named and <see cref="LocalEndPoint"/> the address the client reached. Null for a direct connection.
    /// </summary>
    public IPEndPoint? ProxyEndPoint { get; init; }
    public DateTimeOffset ConnectedAt { get; init; } = DateTimeOffset.UtcNow;

    public string? HeloName { get; internal set; }
    public bool IsExtended { get; internal set; }
    public bool IsSecure => TlsProtocol is not null;
    public SslProtocols? TlsProtocol { get; internal set; }
    public string? TlsCipher { get; internal set; }
    public string? AuthenticatedUser { get; internal set; }

    /// <summary>Scratch space for the handler's own per-session state.</summary>
    public IDictionary<string, object?> Properties { get; } = new Dictionary<string, object?>();
}
