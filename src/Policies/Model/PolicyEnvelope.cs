namespace GovGateway.Policies;

/// <summary>The SMTP envelope of a message: what the client said, not what the headers say.</summary>
/// <param name="MailFrom">Reverse path of MAIL FROM (empty for the null sender).</param>
/// <param name="Recipients">Forward paths of the accepted RCPT TO commands.</param>
/// <param name="AuthenticatedUser">SMTP AUTH identity, or null when the session did not authenticate.</param>
/// <param name="ClientIp">Client address as text, when known.</param>
/// <param name="Listener">Name of the listener that received the message, when known.</param>
public sealed record PolicyEnvelope(
    string MailFrom,
    IReadOnlyList<string> Recipients,
    string? AuthenticatedUser = null,
    string? ClientIp = null,
    string? Listener = null);
