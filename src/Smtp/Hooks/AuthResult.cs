namespace GovGateway.Smtp;

/// <summary>
/// The answer to AUTH. A failure may carry its own reply: a 4xx (e.g. 454 4.7.0 when the password
/// backend is unreachable) is a temporary failure, still counted against the client and slowed like a
/// wrong password (an outage must not open a window for guessing); a 5xx
/// replaces the default 535 text (e.g. to say an account is locked).
/// </summary>
public readonly record struct AuthResult(bool Succeeded, SmtpReply? Reply = null)
{
    public static AuthResult Success => new(true);
    public static AuthResult Failed => new(false);
    public static AuthResult Fail(SmtpReply reply) => new(false, reply);
    public static implicit operator AuthResult(bool succeeded) => new(succeeded);
}
