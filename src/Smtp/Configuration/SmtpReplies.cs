namespace GovGateway.Smtp;

/// <summary>
/// The texts of the refusals the engine makes by itself (limits, timeouts, sequence, TLS and AUTH rules).
/// The engine knows only the protocol, so these default to plain English; a host whose users read the
/// replies (in a bounce or their mail client's error box) gives its own texts here. Codes and enhanced
/// codes are part of the protocol: a host should keep them and change only the text.
/// Every other refusal (syntax, unsupported parameters, AUTH and TLS state) goes through <see cref="Other"/>.
/// </summary>
public sealed class SmtpReplies
{
    // Connection-wide
    public SmtpReply TooManyConnections { get; set; } = new(421, "4.7.0", "Too many connections, try again later");
    public SmtpReply ShuttingDown { get; set; } = new(421, "4.3.2", "Service shutting down, closing connection");
    public SmtpReply TooManyErrors { get; set; } = new(421, "4.7.0", "Too many errors, closing connection");
    public SmtpReply LocalError { get; set; } = SmtpReply.LocalError;
    public SmtpReply LocalErrorClosing { get; set; } = new(421, "4.3.0", "Local error in processing, closing connection");
    public SmtpReply InsufficientStorage { get; set; } = SmtpReply.InsufficientStorage;
    /// <summary>A listener behind a load balancer (PROXY protocol) refusing a connection that did not come through it with a valid header.</summary>
    public SmtpReply ProxyRequired { get; set; } = new(421, "4.7.0", "This port takes connections only through the gateway's load balancer, closing connection");

    // Timeouts (RFC 5321 4.5.3.2) and slow clients
    public SmtpReply CommandTimeout { get; set; } = new(421, "4.4.2", "Timeout waiting for command, closing connection");
    public SmtpReply DataTimeout { get; set; } = new(421, "4.4.2", "Timeout waiting for message data, closing connection");
    public SmtpReply WriteTimeout { get; set; } = new(421, "4.4.2", "Timeout writing reply, closing connection");
    public SmtpReply SessionTimeLimit { get; set; } = new(421, "4.4.2", "Session time limit exceeded, closing connection");
    public SmtpReply DataRateTooSlow { get; set; } = new(421, "4.4.2", "Minimum data rate not met, closing connection");

    // Lines and content
    public SmtpReply CommandLineTooLong { get; set; } = new(500, "5.5.6", "Line too long");
    public SmtpReply BareLineBreakInCommand { get; set; } = new(550, "5.5.2", "Bare <CR> or <LF> received, closing connection");
    public SmtpReply BareLineBreakInContent { get; set; } = new(550, "5.5.2", "Bare <CR> or <LF> in message content, message refused; closing connection");

    /// <summary>The message (declared with SIZE= or as read) is larger than the limit, given in octets.</summary>
    public Func<long, SmtpReply> MessageTooBig { get; set; } = _ => new(552, "5.3.4", "Message size exceeds fixed maximum message size");

    /// <summary>A line of the message is longer than the limit, given in octets with its CRLF.</summary>
    public Func<int, SmtpReply> ContentLineTooLong { get; set; } = max => new(500, "5.5.6", $"Message line longer than {max} octets, message refused");

    // Command sequence and envelope
    public SmtpReply CommandNotRecognized { get; set; } = new(500, "5.5.2", "Command not recognized");
    public SmtpReply NeedHelo { get; set; } = new(503, "5.5.1", "Send EHLO or HELO first");
    public SmtpReply NeedMail { get; set; } = new(503, "5.5.1", "Need MAIL command first");
    public SmtpReply NestedMail { get; set; } = new(503, "5.5.1", "Nested MAIL command");
    public SmtpReply NoValidRecipients { get; set; } = new(554, "5.5.1", "No valid recipients");
    /// <summary>More RCPT than the limit (given) in one transaction; the client sends the rest in another.</summary>
    public Func<int, SmtpReply> TooManyRecipients { get; set; } = _ => new(452, "4.5.3", "Too many recipients");
    public SmtpReply NonAsciiNeedsSmtpUtf8 { get; set; } = new(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");

    // TLS and AUTH
    public SmtpReply StartTlsFirst { get; set; } = new(530, "5.7.0", "Must issue a STARTTLS command first");
    public SmtpReply AuthenticationRequired { get; set; } = new(530, "5.7.0", "Authentication required");
    public SmtpReply EncryptionRequiredForAuth { get; set; } = new(538, "5.7.11", "Encryption required for requested authentication mechanism");
    public SmtpReply AuthCredentialsInvalid { get; set; } = new(535, "5.7.8", "Authentication credentials invalid");
    public SmtpReply AuthLockedOut { get; set; } = new(421, "4.7.0", "Too many authentication failures, try again later; closing connection");

    /// <summary>
    /// Every other refusal the engine writes (e.g. 501 "Syntax: MAIL FROM:&lt;address&gt;", 553 "Local part of sender
    /// address too long", 504, 555), given in English: the host may add its own language. Default: unchanged.
    /// </summary>
    public Func<SmtpReply, SmtpReply> Other { get; set; } = reply => reply;
}
