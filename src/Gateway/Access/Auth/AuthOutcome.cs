using GovGateway.Replies;
namespace GovGateway.Access.Auth;

internal enum AuthStatus
{
    Success,
    /// <summary>Wrong user or password.</summary>
    Failed,
    /// <summary>Too many recent failures for the user or the client address; the password was not checked.</summary>
    LockedOut,
    /// <summary>The backend could not answer (upstream down): a temporary 454 4.7.0, not a failure.</summary>
    Unavailable,
}

/// <summary>What an <see cref="IAuthenticator"/> decided.</summary>
/// <param name="RefusedByABackend">With <see cref="AuthStatus.Unavailable"/>: another backend did check the password and refused it
/// (e.g. local said no, the upstream was down), so the attempt counts towards lockouts.</param>
internal readonly record struct AuthOutcome(AuthStatus Status, DateTimeOffset? LockedUntil = null, string? Detail = null, bool RefusedByABackend = false)
{
    public static AuthOutcome Success => new(AuthStatus.Success);
    public static AuthOutcome Failed => new(AuthStatus.Failed);
    public static AuthOutcome LockedOut(DateTimeOffset until) => new(AuthStatus.LockedOut, until);
    public static AuthOutcome Unavailable(string detail) => new(AuthStatus.Unavailable, Detail: detail);

    public bool IsSuccess => Status == AuthStatus.Success;

    /// <summary>The SMTP reply for a refused AUTH (the engine sends 235 itself on success).</summary>
    public Smtp.SmtpReply ToReply() => Status switch
    {
        AuthStatus.Success => GatewayReplies.AuthSucceeded,
        AuthStatus.LockedOut => GatewayReplies.AuthLockedOut(LockedUntil ?? DateTimeOffset.UtcNow),
        AuthStatus.Unavailable => GatewayReplies.AuthUnavailable,
        _ => GatewayReplies.AuthFailed,
    };
}
