using System.Text;
using GovGateway.Smtp.Protocol;
using GovGateway.Smtp.Server;

namespace GovGateway.Smtp.Session;

/// <summary>AUTH PLAIN and LOGIN (RFC 4954, RFC 4616), only under TLS, slowed and limited on failure.</summary>
internal sealed partial class SmtpSession
{
    private async ValueTask AuthAsync(string args)
    {
        if (!AuthRequired) { Reply(Refuse(503, "5.5.1", "Authentication not enabled")); return; }
        if (!Info.IsExtended) { Reply(Refuse(503, "5.5.1", "Send EHLO first")); return; }
        if (!Info.IsSecure) { Reply(Replies.EncryptionRequiredForAuth); return; }
        if (Info.AuthenticatedUser is not null) { Reply(Refuse(503, "5.5.1", "Already authenticated")); return; }
        if (_transaction is not null) { Reply(Refuse(503, "5.5.1", "AUTH not permitted during a mail transaction")); return; }

        var address = Info.RemoteEndPoint.Address;
        if (_ctx.AuthFailures.IsLockedOut(address))
        {
            Log.AuthLockout(_ctx.Logger, Info.RemoteEndPoint);
            throw new CloseSessionException(Replies.AuthLockedOut, "client locked out after AUTH failures");
        }

        var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2) { Reply(Refuse(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]")); return; }
        string? initial = parts.Length == 2 ? parts[1] : null;

        (string User, string Password)? credentials;
        if (parts[0].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
            credentials = await ReadPlainAsync(initial).ConfigureAwait(false);
        else if (parts[0].Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
            credentials = await ReadLoginAsync(initial).ConfigureAwait(false);
        else
        {
            Reply(Refuse(504, "5.5.4", "Unrecognized authentication mechanism"));
            return;
        }
        if (credentials is not { } c) return; // cancelled or malformed; already answered

        var result = c.User.Length == 0 ? AuthResult.Failed
            : await CallHookAsync("Authenticate", () => _ctx.Handler.AuthenticateAsync(Info, c.User, c.Password, Lifetime), AuthResult.Failed, mayBlock: true).ConfigureAwait(false);
        if (result.Succeeded)
        {
            Info.AuthenticatedUser = c.User;
            Reply(new SmtpReply(235, "2.7.0", "Authentication successful"));
            return;
        }

        // A temporary failure (the password could not be checked, backend down) is counted and slowed
        // like a wrong password: otherwise an outage of one backend is a window for unlimited guessing
        // against the others.
        Log.AuthFailed(_ctx.Logger, Info.SessionId, c.User, Info.RemoteEndPoint);
        bool locked = _ctx.AuthFailures.RecordFailure(address);
        if (_options.AuthFailureDelay > TimeSpan.Zero)
            await Task.Delay(_options.AuthFailureDelay, Lifetime).ConfigureAwait(false);
        if (locked)
        {
            Log.AuthLockout(_ctx.Logger, Info.RemoteEndPoint);
            throw new CloseSessionException(Replies.AuthLockedOut, "client locked out after AUTH failures");
        }
        Reply(result.Reply ?? Replies.AuthCredentialsInvalid);
    }

    /// <summary>RFC 4616: [authzid] NUL authcid NUL passwd. A different authzid (acting for someone else) is refused.</summary>
    private async ValueTask<(string, string)?> ReadPlainAsync(string? initial)
    {
        var response = initial ?? await ReadAuthResponseAsync("").ConfigureAwait(false);
        if (response is null) return null;
        var decoded = DecodeBase64(response == "=" ? "" : response);
        if (decoded is null) return null;
        var fields = decoded.Split('\0');
        if (fields.Length != 3 || fields[0].Length > 0 && fields[0] != fields[1])
        {
            Reply(Refuse(501, "5.5.2", "Malformed PLAIN response"));
            return null;
        }
        return (fields[1], fields[2]);
    }

    private async ValueTask<(string, string)?> ReadLoginAsync(string? initial)
    {
        string? userText = initial is not null ? DecodeBase64(initial) : null;
        if (initial is not null && userText is null) return null;
        if (userText is null)
        {
            var user = await ReadAuthResponseAsync("VXNlcm5hbWU6").ConfigureAwait(false); // "Username:"
            if (user is null) return null;
            userText = DecodeBase64(user);
            if (userText is null) return null;
        }
        var password = await ReadAuthResponseAsync("UGFzc3dvcmQ6").ConfigureAwait(false); // "Password:"
        if (password is null) return null;
        var passwordText = DecodeBase64(password);
        return passwordText is null ? null : (userText, passwordText);
    }

    /// <summary>Sends a 334 challenge and reads the client's line; "*" cancels (RFC 4954: 501).</summary>
    private async ValueTask<string?> ReadAuthResponseAsync(string challenge)
    {
        ReplyWriter.Write(Output, new SmtpReply(334, "", challenge));
        _unflushed = true;
        var kind = await ReadCommandLineAsync(_options.CommandTimeout).ConfigureAwait(false);
        switch (kind)
        {
            case LineKind.Closed:
                throw new IOException("Connection closed during AUTH");
            case LineKind.BareLineBreak:
                throw new CloseSessionException(Replies.BareLineBreakInCommand, "bare CR/LF in AUTH", RefusalReason.BareLineBreak);
            case LineKind.TooLong:
                Reply(Refuse(500, "5.5.6", "Authentication exchange line is too long"));
                return null;
        }
        var text = Encoding.ASCII.GetString(_line, 0, _lineLength).Trim();
        if (text == "*")
        {
            Reply(Refuse(501, "5.0.0", "Authentication cancelled"));
            return null;
        }
        return text;
    }

    private string? DecodeBase64(string text)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(text));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            Reply(Refuse(501, "5.5.2", "Invalid base64 data"));
            return null;
        }
    }
}
