using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace GovGateway.Smtp;

/// <summary>One socket the server listens on, and what it is for.</summary>
public sealed class SmtpListenerOptions
{
    /// <summary>Unique name; keys <see cref="SmtpServer.BoundEndPoints"/> and appears in <see cref="SessionInfo.ListenerName"/>.</summary>
    public required string Name { get; set; }

    /// <summary>Address and port to bind; port 0 picks a free port.</summary>
    public required IPEndPoint EndPoint { get; set; }

    public ListenerRole Role { get; set; } = ListenerRole.Relay;

    /// <summary>Certificate with private key for STARTTLS / implicit TLS; without it a Relay or Submission listener offers no TLS.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Connections this listener serves at once; null: <see cref="SmtpServerOptions.MaxConnections"/>.
    /// Each listener counts its own, so a flood on the MX cannot take the connections staff need on
    /// submission and implicit TLS.
    /// </summary>
    public int? MaxConnections { get; set; }

    /// <summary>Connections from one client address on this listener; null: <see cref="SmtpServerOptions.MaxConnectionsPerIp"/>.</summary>
    public int? MaxConnectionsPerIp { get; set; }

    /// <summary>
    /// Every connection begins with a PROXY protocol header (v1 or v2) written by a load balancer, and the
    /// client address it gives is the session's <see cref="SessionInfo.RemoteEndPoint"/>. Only peers in
    /// <see cref="TrustedProxies"/> may connect; any other connection, or one without a valid header, is refused.
    /// </summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>The load balancers allowed to connect when <see cref="ProxyProtocol"/> is on (single addresses are /32 or /128 networks).</summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; set; } = [];

    /// <summary>True when <paramref name="address"/> (an IPv4-mapped IPv6 address counts as IPv4) is one of <see cref="TrustedProxies"/>.</summary>
    public bool IsTrustedProxy(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in TrustedProxies)
            if (network.Contains(address)) return true;
        return false;
    }
}
