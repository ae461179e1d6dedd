using System.Net;
using GovGateway.Access;
using GovGateway.Cli;
using GovGateway.Smtp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace GovGateway.Pipeline;

/// <summary>
/// The session's access decisions in one place: who logs in (users file and/or the upstream's AUTH,
/// behind the lockout guard), which sender an authenticated user may use, which recipients a
/// listener accepts, and the per-user and per-address rate limits.
/// </summary>
public sealed class AccessRules : IDisposable
{
    private readonly AddressValidator _addresses = new();
    private readonly RelayPolicy _relay;
    private readonly SenderIdentity _identity;
    private readonly RateLimiter _rates;
    private readonly UpstreamAuthenticator? _upstream;

    private AccessRules(AccessOptions options, LocalUserStore users, UpstreamAuthenticator? upstream, IAuthenticator authenticator)
    {
        _relay = new RelayPolicy(options);
        _identity = new SenderIdentity(options, users);
        _rates = new RateLimiter(options.RateLimits);
        _upstream = upstream;
        Authenticator = authenticator;
    }

    public IAuthenticator Authenticator { get; }

    public static AccessRules Create(AccessOptions options, GatewayPaths paths, IConfiguration upstreamSection, ILoggerFactory loggers)
    {
        var users = new LocalUserStore(LocalUserStore.ResolvePath(options.Auth, paths.DataDir), loggers.CreateLogger<LocalUserStore>());
        var wantsUpstream = options.Auth.Backend.Contains("upstream", StringComparison.OrdinalIgnoreCase);
        UpstreamAuthenticator? upstream = null;
        if (wantsUpstream)
        {
            var endpoint = UpstreamEndpoint.FromConfiguration(upstreamSection);
            if (upstreamSection.GetValue<bool>("AcceptInvalidCertificates"))
                endpoint = endpoint with { CertificateValidation = (_, _, _, _) => true };
            upstream = new UpstreamAuthenticator(endpoint, options.Auth, loggers.CreateLogger<UpstreamAuthenticator>());
        }
        var composite = CompositeAuthenticator.FromConfiguration(options.Auth.Backend, users, upstream);
        var guarded = new LoginGuard(composite, options.Auth, logger: loggers.CreateLogger<LoginGuard>());
        return new AccessRules(options, users, upstream, guarded);
    }

    /// <summary>MAIL FROM: a well-formed address the logged-in user owns; the null sender only on the relay listener (bounces).</summary>
    public SmtpReply? CheckSender(ListenerRole role, string? user, string mailFrom)
    {
        if (role != ListenerRole.Relay && user is null)
            return AccessReplies.AuthenticationRequired;
        if (mailFrom.Length == 0)
            return role == ListenerRole.Relay ? null : AccessReplies.SenderNotOwned("<>");
        var check = _addresses.Check(mailFrom);
        if (!check.IsValid)
            return AccessReplies.BadAddress(check.Reason);
        if (user is not null && !_identity.MayUse(user, mailFrom))
            return AccessReplies.SenderNotOwned(mailFrom);
        return null;
    }

    public SmtpReply CheckRecipient(ListenerRole role, string? user, string recipient) =>
        _relay.CheckRecipient(role, user is not null, recipient);

    public bool MayUse(string user, string address) => _identity.MayUse(user, address);

    /// <summary>Counts one message against the limits; a reply when it is over them.</summary>
    public SmtpReply? TryAcquireMessage(string? user, IPAddress client, int recipients)
    {
        var decision = _rates.TryAcquireMessage(user, client, recipients);
        return decision.Allowed ? null : decision.Reply;
    }

    public void Dispose() => _upstream?.Dispose();
}
