using System.Net.Security;
using GovGateway.Smtp.Server;
using Microsoft.Extensions.Logging;

namespace GovGateway.Smtp.Session;

/// <summary>What every session of one listener shares: options, handler, limits and the server's stop state.</summary>
internal sealed class SessionContext
{
    public required SmtpServerOptions Options { get; init; }
    public required ISmtpHandler Handler { get; init; }
    public required ILogger Logger { get; init; }
    public required AuthFailureTracker AuthFailures { get; init; }
    public required SmtpListenerOptions Listener { get; init; }
    /// <summary>This listener's own connection budget.</summary>
    public required ConnectionLimiter Connections { get; init; }
    /// <summary>
    /// Prepared once per listener so each handshake does not rebuild the chain; replaced as a whole
    /// when the certificate is renewed (<see cref="SmtpServer.ReplaceCertificate"/>), so a handshake
    /// sees either the old or the new one.
    /// </summary>
    public SslStreamCertificateContext? Certificate { get => Volatile.Read(ref _certificate); set => Volatile.Write(ref _certificate, value); }
    private SslStreamCertificateContext? _certificate;
    public required Func<bool> IsStopping { get; init; }
}

/// <summary>Ends the session after writing <see cref="Reply"/> (421 and the like).</summary>
internal sealed class CloseSessionException(SmtpReply reply, string reason, RefusalReason refusal = RefusalReason.ProtocolViolation) : Exception(reason)
{
    public SmtpReply Reply { get; } = reply;
    /// <summary>What the handler is told when a transaction was open.</summary>
    public RefusalReason Refusal { get; } = refusal;
}
