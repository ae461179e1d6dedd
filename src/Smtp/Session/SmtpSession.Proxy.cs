using System.Net;
using GovGateway.Smtp.Protocol;
using GovGateway.Smtp.Proxy;
using GovGateway.Smtp.Server;

namespace GovGateway.Smtp.Session;

/// <summary>A listener behind a load balancer: the PROXY header decides who the client is before anything else happens.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>
    /// The address this session is counted under in the listener's per-address budget: the socket's peer on a
    /// plain listener; behind a proxy, the client's address once the header is read (null until then).
    /// </summary>
    public IPAddress? CountedAddress { get; private set; }

    /// <summary>
    /// Reads the header the trusted proxy writes first and makes its client the session's remote end. False
    /// when the connection was refused (logged with the reason; 421 on a plaintext listener).
    /// </summary>
    private async Task<bool> AcceptProxyHeaderAsync()
    {
        var proxy = Info.RemoteEndPoint;
        ProxyHeader header;
        try
        {
            header = await ProxyHeaderReader.ReadAsync(_transport.Socket, _options.ProxyHeaderTimeout, Lifetime).ConfigureAwait(false);
        }
        catch (ProxyHeaderException e)
        {
            Log.ProxyHeaderRefused(_ctx.Logger, Info.SessionId, proxy, Info.ListenerName, e.Message);
            await RefuseBeforeGreetingAsync(Replies.ProxyRequired).ConfigureAwait(false);
            return false;
        }

        if (header.IsLocal)
        {
            Log.ProxyLocal(_ctx.Logger, Info.SessionId, proxy, header.Version);
        }
        else
        {
            Info = new SessionInfo
            {
                SessionId = Info.SessionId,
                ListenerName = Info.ListenerName,
                Role = Info.Role,
                RemoteEndPoint = header.Source!,
                LocalEndPoint = header.Destination!,
                ProxyEndPoint = proxy,
                ConnectedAt = Info.ConnectedAt,
            };
            Log.ProxiedClient(_ctx.Logger, Info.SessionId, Info.RemoteEndPoint, proxy, header.Version);
        }

        if (!_ctx.Connections.TryAddAddress(Info.RemoteEndPoint.Address))
        {
            Log.ConnectionLimit(_ctx.Logger, Info.RemoteEndPoint);
            await RefuseBeforeGreetingAsync(Replies.TooManyConnections).ConfigureAwait(false);
            return false;
        }
        CountedAddress = Info.RemoteEndPoint.Address;
        return true;
    }

    /// <summary>A plaintext reply before the greeting; an implicit-TLS client would not understand one and just sees the close.</summary>
    private async Task RefuseBeforeGreetingAsync(SmtpReply reply)
    {
        if (_ctx.Listener.Role == ListenerRole.Smtps) return;
        ReplyWriter.Write(Output, reply);
        try { await FlushAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException) { /* the peer is gone */ }
    }
}
