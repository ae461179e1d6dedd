using System.Security.Authentication;
using GovGateway.Smtp.Server;

namespace GovGateway.Smtp.Session;

/// <summary>STARTTLS (RFC 3207) and implicit TLS (RFC 8314).</summary>
internal sealed partial class SmtpSession
{
    private async ValueTask StartTlsCommandAsync(string args)
    {
        if (args.Length > 0) { Reply(Refuse(501, "5.5.4", "Syntax: STARTTLS")); return; }
        if (Info.IsSecure) { Reply(Refuse(503, "5.5.1", "TLS already active")); return; }
        if (_ctx.Certificate is null) { Reply(Refuse(454, "4.7.0", "TLS not available")); return; }

        Reply(new SmtpReply(220, "2.0.0", "Ready to start TLS"));
        await FlushAsync(_options.CommandTimeout).ConfigureAwait(false);
        if (!await StartTlsAsync().ConfigureAwait(false))
        {
            _quit = true; // the handshake failed: nothing more can be said on this connection
        }
    }

    /// <summary>Handshake, then forget everything learnt in plaintext (RFC 3207 4.2): the client starts again with EHLO.</summary>
    private async ValueTask<bool> StartTlsAsync()
    {
        await LeaveEventThread(); // the handshake's public-key work is too long for the event thread
        BeginIo(_options.CommandTimeout, new SmtpReply(421, "4.4.2", "Timeout during TLS handshake")); // no client reads it: the channel is half-made
        long discarded;
        try
        {
            discarded = await _transport.StartTlsAsync(_ctx.Certificate!, _io.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            Log.TlsFailed(_ctx.Logger, Info.SessionId, e);
            return false;
        }
        finally { EndIo(); }

        if (discarded > 0) Log.StartTlsInjection(_ctx.Logger, Info.SessionId, discarded);
        _unflushed = false;
        _skippingLongLine = false;
        await EndTransactionAsync().ConfigureAwait(false);
        Info.HeloName = null;
        Info.IsExtended = false;
        Info.AuthenticatedUser = null;
        Info.TlsProtocol = _transport.Tls!.SslProtocol;
        Info.TlsCipher = _transport.Tls.NegotiatedCipherSuite.ToString();
        return true;
    }
}
