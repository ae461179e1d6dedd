using System.Net;
using GovGateway.Smtp;

namespace GovGateway.Metrics;

/// <summary>
/// The gateway's SMTP handler with sessions and connections counted around it: every hook is passed through
/// unchanged; only connect, disconnect and the engine's own refusals of connections are looked at.
/// </summary>
internal sealed class MeteredSmtpHandler(ISmtpHandler inner, GatewayMetrics metrics) : ISmtpHandler
{
    // Set in the session's properties once the session is counted as active, so its end is counted once.
    private const string ActiveKey = "metrics.active";
    private static readonly object Counted = new();

    public async ValueTask<SmtpReply?> OnConnectedAsync(SessionInfo session, CancellationToken ct)
    {
        var refusal = await inner.OnConnectedAsync(session, ct).ConfigureAwait(false);
        if (refusal is not null)
        {
            metrics.Connection(session.ListenerName, GatewayMetrics.ConnectionResults.Refused);
            return refusal;
        }
        metrics.Connection(session.ListenerName, GatewayMetrics.ConnectionResults.Accepted);
        metrics.SessionOpened(session.ListenerName);
        session.Properties[ActiveKey] = Counted;
        return null;
    }

    public void OnDisconnected(SessionInfo session)
    {
        try
        {
            inner.OnDisconnected(session);
        }
        finally
        {
            if (session.Properties.Remove(ActiveKey))
                metrics.SessionClosed(session.ListenerName);
            else if (session.Role == ListenerRole.Smtps && session.TlsProtocol is null)
                metrics.Connection(session.ListenerName, GatewayMetrics.ConnectionResults.TlsFailed);
        }
    }

    public void OnConnectionRefused(string listenerName, IPEndPoint remote, ConnectionRefusal reason)
    {
        metrics.Connection(listenerName, reason switch
        {
            ConnectionRefusal.ShuttingDown => GatewayMetrics.ConnectionResults.ShuttingDown,
            ConnectionRefusal.UntrustedProxy => GatewayMetrics.ConnectionResults.UntrustedProxy,
            _ => GatewayMetrics.ConnectionResults.Limited,
        });
        inner.OnConnectionRefused(listenerName, remote, reason);
    }

    public ValueTask<AuthResult> AuthenticateAsync(SessionInfo session, string user, string password, CancellationToken ct) =>
        inner.AuthenticateAsync(session, user, password, ct);

    public ValueTask<SmtpReply> OnMailFromAsync(SessionInfo session, Envelope envelope, CancellationToken ct) =>
        inner.OnMailFromAsync(session, envelope, ct);

    public ValueTask<SmtpReply> OnRcptToAsync(SessionInfo session, Envelope envelope, Recipient recipient, CancellationToken ct) =>
        inner.OnRcptToAsync(session, envelope, recipient, ct);

    public ValueTask<Stream> OpenMessageAsync(SessionInfo session, Envelope envelope, CancellationToken ct) =>
        inner.OpenMessageAsync(session, envelope, ct);

    public ValueTask<SmtpReply> OnMessageCompleteAsync(SessionInfo session, Envelope envelope, Stream content, CancellationToken ct) =>
        inner.OnMessageCompleteAsync(session, envelope, content, ct);

    public void OnReplySent(SessionInfo session, Envelope envelope, SmtpReply reply) =>
        inner.OnReplySent(session, envelope, reply);

    public ValueTask OnReplyFailedAsync(SessionInfo session, Envelope envelope, SmtpReply reply, CancellationToken ct) =>
        inner.OnReplyFailedAsync(session, envelope, reply, ct);

    public ValueTask OnTransactionRefusedAsync(SessionInfo session, Envelope envelope, SmtpReply reply, RefusalReason reason, CancellationToken ct) =>
        inner.OnTransactionRefusedAsync(session, envelope, reply, reason, ct);
}
