using System.Net;

namespace GovGateway.Smtp.Proxy;

/// <summary>What a PROXY protocol header said about the connection behind the proxy.</summary>
/// <param name="Version">1 (text) or 2 (binary).</param>
/// <param name="Source">The client's own address and port; null for a <c>LOCAL</c> (v2) or <c>UNKNOWN</c> (v1) header.</param>
/// <param name="Destination">The address and port the client connected to on the proxy; null when <see cref="Source"/> is.</param>
/// <param name="Length">Bytes the header took on the wire.</param>
public sealed record ProxyHeader(int Version, IPEndPoint? Source, IPEndPoint? Destination, int Length)
{
    /// <summary>
    /// The proxy speaks for itself (HAProxy's health checks send v2 <c>LOCAL</c>): the connection's own
    /// addresses stand, as the specification asks.
    /// </summary>
    public bool IsLocal => Source is null;
}
