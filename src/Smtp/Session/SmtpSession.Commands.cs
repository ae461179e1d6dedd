using System.Text;
using GovGateway.Smtp.Protocol;

namespace GovGateway.Smtp.Session;

/// <summary>The command state machine (RFC 5321 4.1.4 ordering; out-of-order commands get 503 5.5.1).</summary>
internal sealed partial class SmtpSession
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly SmtpReply Ok = SmtpReply.Ok();

    private bool AuthRequired => _ctx.Listener.Role != ListenerRole.Relay;
    private bool TlsAvailable => _ctx.Certificate is not null && !Info.IsSecure;

    private async ValueTask ExecuteAsync()
    {
        var line = _line.AsSpan(0, _lineLength);
        int space = line.IndexOf((byte)' ');
        var verb = space < 0 ? line : line[..space];
        var argBytes = space < 0 ? ReadOnlySpan<byte>.Empty : line[(space + 1)..].TrimStart((byte)' ');

        string args;
        try { args = argBytes.IsEmpty ? "" : StrictUtf8.GetString(argBytes).TrimEnd(' '); }
        catch (DecoderFallbackException)
        {
            Reply(Refuse(501, "5.5.2", "Invalid UTF-8 in command"));
            return;
        }

        if (Is(verb, "EHLO"u8)) await HelloAsync(args, extended: true).ConfigureAwait(false);
        else if (Is(verb, "HELO"u8)) await HelloAsync(args, extended: false).ConfigureAwait(false);
        else if (Is(verb, "MAIL"u8)) await MailAsync(args).ConfigureAwait(false);
        else if (Is(verb, "RCPT"u8)) await RcptAsync(args).ConfigureAwait(false);
        else if (Is(verb, "DATA"u8)) await DataAsync(args).ConfigureAwait(false);
        else if (Is(verb, "BDAT"u8)) await BdatAsync(args).ConfigureAwait(false);
        else if (Is(verb, "RSET"u8))
        {
            await EndTransactionAsync().ConfigureAwait(false);
            Reply(Ok);
        }
        else if (Is(verb, "NOOP"u8)) Reply(Ok);
        else if (Is(verb, "QUIT"u8))
        {
            Reply(new SmtpReply(221, "2.0.0", "Bye"));
            _quit = true;
        }
        else if (Is(verb, "VRFY"u8))
        {
            Reply(args.Length == 0
                ? Refuse(501, "5.5.4", "Syntax: VRFY address")
                : new SmtpReply(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery"));
        }
        else if (Is(verb, "EXPN"u8)) Reply(Refuse(502, "5.5.1", "EXPN not available"));
        else if (Is(verb, "HELP"u8))
            Reply(new SmtpReply(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH"));
        else if (Is(verb, "STARTTLS"u8)) await StartTlsCommandAsync(args).ConfigureAwait(false);
        else if (Is(verb, "AUTH"u8)) await AuthAsync(args).ConfigureAwait(false);
        else Reply(Replies.CommandNotRecognized);
    }

    private static bool Is(ReadOnlySpan<byte> verb, ReadOnlySpan<byte> name) => System.Text.Ascii.EqualsIgnoreCase(verb, name);

    private async ValueTask HelloAsync(string args, bool extended)
    {
        if (args.Length == 0 || args.Contains(' ') && !extended)
        {
            Reply(Refuse(501, "5.5.4", extended ? "Syntax: EHLO hostname" : "Syntax: HELO hostname"));
            return;
        }
        // A new greeting resets the session to its post-greeting state (RFC 5321 4.1.4).
        await EndTransactionAsync().ConfigureAwait(false);
        Info.HeloName = args;
        Info.IsExtended = extended;
        if (!extended)
        {
            Reply(new SmtpReply(250, "", _options.HostName));
            return;
        }
        var lines = new List<string>(12)
        {
            $"{_options.HostName} Hello {args}",
            "PIPELINING",
            $"SIZE {_options.MaxMessageSize}",
            "8BITMIME",
            "SMTPUTF8",
            "CHUNKING",
            "BINARYMIME",
            "ENHANCEDSTATUSCODES",
            "DSN",
        };
        if (TlsAvailable) lines.Add("STARTTLS");
        if (AuthRequired && Info.IsSecure && Info.AuthenticatedUser is null) lines.Add("AUTH PLAIN LOGIN");
        lines.Add("HELP");
        ReplyWriter.WriteLines(Output, 250, lines);
        _unflushed = true;
    }

    private async ValueTask MailAsync(string args)
    {
        if (Info.HeloName is null) { Reply(Replies.NeedHelo); return; }
        if (_transaction is not null) { Reply(Replies.NestedMail); return; }
        if (AuthRequired && !Info.IsSecure) { Reply(Replies.StartTlsFirst); return; }
        if (AuthRequired && Info.AuthenticatedUser is null) { Reply(Replies.AuthenticationRequired); return; }
        if (!args.StartsWith("FROM:", StringComparison.OrdinalIgnoreCase)) { Reply(Refuse(501, "5.5.4", "Syntax: MAIL FROM:<address>")); return; }

        var error = PathParser.TryParse(args[5..].TrimStart(' '), allowNull: true, allowPostmaster: false, out var address, out var rest, out bool nonAscii);
        if (error != PathError.None) { Reply(PathErrorReply(error, "5.1.7", "sender")); return; }
        if (rest.Length > 0 && rest[0] != ' ') { Reply(Refuse(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]")); return; }
        if (!EsmtpParameters.TryParse(rest, out var parameters)) { Reply(Refuse(501, "5.5.4", "Syntax error in parameters")); return; }
        if (parameters.Count > 0 && !Info.IsExtended) { Reply(Refuse(555, "5.5.4", "Parameters need EHLO")); return; }

        long? size = null;
        var body = BodyType.Unspecified;
        bool utf8 = false;
        string? ret = null, envId = null;
        foreach (var (key, value) in parameters)
        {
            switch (key.ToUpperInvariant())
            {
                case "SIZE":
                    if (value is null || value.Length > 18 || !value.All(char.IsAsciiDigit)) { Reply(Refuse(501, "5.5.4", "Bad SIZE value")); return; }
                    size = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    if (size > _options.MaxMessageSize)
                    {
                        // Refused before a transaction exists, but it is one the client tried: the host hears of it.
                        var refusal = Replies.MessageTooBig(_options.MaxMessageSize);
                        await ReportRefusedAsync(new Envelope { MailFrom = address, DeclaredSize = size }, refusal, RefusalReason.MessageTooBig).ConfigureAwait(false);
                        Reply(refusal);
                        return;
                    }
                    break;
                case "BODY":
                    body = value?.ToUpperInvariant() switch
                    {
                        "7BIT" => BodyType.SevenBit,
                        "8BITMIME" => BodyType.EightBitMime,
                        "BINARYMIME" => BodyType.BinaryMime,
                        _ => (BodyType)(-1),
                    };
                    if (body == (BodyType)(-1)) { Reply(Refuse(501, "5.5.4", "Bad BODY value")); return; }
                    break;
                case "SMTPUTF8":
                    if (value is not null) { Reply(Refuse(501, "5.5.4", "SMTPUTF8 takes no value")); return; }
                    utf8 = true;
                    break;
                case "RET":
                    ret = value?.ToUpperInvariant();
                    if (ret is not ("FULL" or "HDRS")) { Reply(Refuse(501, "5.5.4", "Bad RET value")); return; }
                    break;
                case "ENVID":
                    if (value is null || value.Length > 100 || !EsmtpParameters.IsXtext(value)) { Reply(Refuse(501, "5.5.4", "Bad ENVID value")); return; }
                    envId = value;
                    break;
                case "AUTH":
                    // RFC 4954 5: accepted; the engine does not trust a client's claim about the original submitter.
                    break;
                default:
                    Reply(Refuse(555, "5.5.4", $"Unsupported parameter {key}"));
                    return;
            }
        }
        if (nonAscii && !utf8) { Reply(Replies.NonAsciiNeedsSmtpUtf8); return; }

        var envelope = new Envelope
        {
            MailFrom = address,
            DeclaredSize = size,
            Body = body,
            SmtpUtf8 = utf8,
            DsnReturn = ret,
            DsnEnvelopeId = envId,
            Parameters = parameters,
        };
        _hookFailed = false;
        var reply = await CallHookAsync("OnMailFrom", () => _ctx.Handler.OnMailFromAsync(Info, envelope, Lifetime), Replies.LocalError).ConfigureAwait(false);
        if (_hookFailed) await ReportRefusedAsync(envelope, reply, RefusalReason.LocalError).ConfigureAwait(false);
        if (reply.IsPositive) _transaction = new Transaction(envelope);
        Reply(reply);
    }

    private async ValueTask RcptAsync(string args)
    {
        if (_transaction is null) { Reply(Replies.NeedMail); return; }
        if (_transaction.ChunkingStarted) { Reply(Refuse(503, "5.5.1", "RCPT not allowed after BDAT")); return; }
        if (!args.StartsWith("TO:", StringComparison.OrdinalIgnoreCase)) { Reply(Refuse(501, "5.5.4", "Syntax: RCPT TO:<address>")); return; }

        var envelope = _transaction.Envelope;
        var error = PathParser.TryParse(args[3..].TrimStart(' '), allowNull: false, allowPostmaster: true, out var address, out var rest, out bool nonAscii);
        if (error != PathError.None) { Reply(PathErrorReply(error, "5.1.3", "recipient")); return; }
        if (rest.Length > 0 && rest[0] != ' ') { Reply(Refuse(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]")); return; }
        if (nonAscii && !envelope.SmtpUtf8) { Reply(Replies.NonAsciiNeedsSmtpUtf8); return; }
        if (!EsmtpParameters.TryParse(rest, out var parameters)) { Reply(Refuse(501, "5.5.4", "Syntax error in parameters")); return; }
        if (envelope.Recipients.Count >= _options.MaxRecipients) { Reply(Replies.TooManyRecipients(_options.MaxRecipients)); return; }

        string? notify = null, orcpt = null;
        foreach (var (key, value) in parameters)
        {
            switch (key.ToUpperInvariant())
            {
                case "NOTIFY":
                    notify = value?.ToUpperInvariant();
                    if (!IsValidNotify(notify)) { Reply(Refuse(501, "5.5.4", "Bad NOTIFY value")); return; }
                    break;
                case "ORCPT":
                    int semi = value?.IndexOf(';') ?? -1;
                    if (value is null || semi <= 0 || semi == value.Length - 1 || value.Length > 500
                        || !envelope.SmtpUtf8 && !EsmtpParameters.IsXtext(value[(semi + 1)..]))
                    { Reply(Refuse(501, "5.5.4", "Bad ORCPT value")); return; }
                    orcpt = value;
                    break;
                default:
                    Reply(Refuse(555, "5.5.4", $"Unsupported parameter {key}"));
                    return;
            }
        }

        var recipient = new Recipient { Address = address, Notify = notify, OriginalRecipient = orcpt };
        var reply = await CallHookAsync("OnRcptTo", () => _ctx.Handler.OnRcptToAsync(Info, envelope, recipient, Lifetime), Replies.LocalError).ConfigureAwait(false);
        // The transaction may have ended while the hook ran (it cannot today, but stay defensive).
        if (reply.IsPositive && _transaction?.Envelope == envelope) envelope.Recipients.Add(recipient);
        Reply(reply);
    }

    private static bool IsValidNotify(string? value)
    {
        if (value is null) return false;
        if (value == "NEVER") return true;
        var seen = new HashSet<string>();
        foreach (var part in value.Split(','))
            if (part is not ("SUCCESS" or "FAILURE" or "DELAY") || !seen.Add(part)) return false;
        return true;
    }

    private SmtpReply PathErrorReply(PathError error, string enhanced, string who) => error switch
    {
        PathError.LocalPartTooLong => Refuse(553, enhanced, $"Local part of {who} address too long (max 64 octets)"),
        PathError.DomainTooLong => Refuse(553, enhanced, $"Domain of {who} address too long (max 255 octets)"),
        PathError.PathTooLong => Refuse(553, enhanced, $"The {who} path is too long (max 256 octets)"),
        _ => Refuse(501, enhanced, $"Bad {who} address syntax"),
    };
}
