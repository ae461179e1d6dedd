using System.Net;
using Microsoft.Extensions.Logging;

namespace GovGateway.Smtp.Server;

/// <summary>The engine's structured log events.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "SMTP listener {Listener} ({Role}) bound to {EndPoint}")]
    public static partial void ListenerBound(ILogger logger, string listener, ListenerRole role, IPEndPoint endPoint);

    [LoggerMessage(2, LogLevel.Warning, "Connection from {Remote} refused: connection limit reached")]
    public static partial void ConnectionLimit(ILogger logger, IPEndPoint remote);

    [LoggerMessage(3, LogLevel.Debug, "Session {SessionId} opened from {Remote} on {Listener}")]
    public static partial void SessionOpened(ILogger logger, string sessionId, IPEndPoint remote, string listener);

    [LoggerMessage(4, LogLevel.Debug, "Session {SessionId} closed")]
    public static partial void SessionClosed(ILogger logger, string sessionId);

    [LoggerMessage(5, LogLevel.Information, "Session {SessionId} closed: {Reason}")]
    public static partial void SessionAborted(ILogger logger, string sessionId, string reason);

    [LoggerMessage(6, LogLevel.Debug, "Session {SessionId}: connection lost")]
    public static partial void ConnectionLost(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(7, LogLevel.Error, "Session {SessionId}: handler hook {Hook} failed")]
    public static partial void HookFailed(ILogger logger, string sessionId, string hook, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Session {SessionId}: writing message content failed; the message is refused")]
    public static partial void SinkFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "Session {SessionId}: {Count} plaintext bytes pipelined after STARTTLS were discarded")]
    public static partial void StartTlsInjection(ILogger logger, string sessionId, long count);

    [LoggerMessage(10, LogLevel.Warning, "Session {SessionId}: bare CR or LF from {Remote}; input refused")]
    public static partial void BareLineBreak(ILogger logger, string sessionId, IPEndPoint remote);

    // Debug: the handler that checks the password logs the outcome with its reason; one line per AUTH.
    [LoggerMessage(11, LogLevel.Debug, "Session {SessionId}: authentication failed for {User} from {Remote}")]
    public static partial void AuthFailed(ILogger logger, string sessionId, string user, IPEndPoint remote);

    [LoggerMessage(12, LogLevel.Warning, "Client {Remote} locked out after repeated authentication failures")]
    public static partial void AuthLockout(ILogger logger, IPEndPoint remote);

    [LoggerMessage(13, LogLevel.Debug, "Session {SessionId}: TLS handshake failed")]
    public static partial void TlsFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(14, LogLevel.Error, "Session {SessionId}: unexpected failure")]
    public static partial void SessionFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(15, LogLevel.Error, "Accept loop of listener {Listener} failed")]
    public static partial void AcceptFailed(ILogger logger, string listener, Exception exception);

    [LoggerMessage(16, LogLevel.Information, "SMTP server stopping; {Count} sessions open")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(17, LogLevel.Warning, "Connection from {Remote} on listener {Listener} refused: not one of its trusted proxies (Smtp:Listeners:{Listener}:TrustedProxies); this port takes connections only through the load balancer")]
    public static partial void UntrustedProxy(ILogger logger, IPEndPoint remote, string listener);

    [LoggerMessage(18, LogLevel.Warning, "Session {SessionId}: connection from proxy {Proxy} on listener {Listener} refused: {Reason}")]
    public static partial void ProxyHeaderRefused(ILogger logger, string sessionId, IPEndPoint proxy, string listener, string reason);

    [LoggerMessage(19, LogLevel.Debug, "Session {SessionId}: client {Remote} through proxy {Proxy} (PROXY v{Version})")]
    public static partial void ProxiedClient(ILogger logger, string sessionId, IPEndPoint remote, IPEndPoint proxy, int version);

    [LoggerMessage(20, LogLevel.Debug, "Session {SessionId}: proxy {Proxy} connected for itself (PROXY v{Version} LOCAL/UNKNOWN, a health check)")]
    public static partial void ProxyLocal(ILogger logger, string sessionId, IPEndPoint proxy, int version);
}
