using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using GovGateway.Access.Auth;
using GovGateway.Access.Identity;
using GovGateway.Access.RateLimiting;
using GovGateway.Access.Relay;

namespace GovGateway.Access;

/// <summary>
/// The access rules built from configuration, ready for the host's SMTP handler:
/// <see cref="Relay"/> at RCPT TO, <see cref="Senders"/> at MAIL FROM and header From,
/// <see cref="Authenticator"/> (backends in order, behind the lockout guard) at AUTH,
/// <see cref="RateLimits"/> per message.
/// </summary>
internal sealed class AccessComponents
{
    public required AccessOptions Options { get; init; }
    public required RelayPolicy Relay { get; init; }
    public required SenderIdentity Senders { get; init; }
    /// <summary>The lockout guard wrapping the configured backends: call this one at AUTH.</summary>
    public required LoginGuard Authenticator { get; init; }
    public required RateLimiter RateLimits { get; init; }
    /// <summary>Own domains and internal networks: forged-sender checks on the relay listener, and whom to bounce to.</summary>
    public required SenderOrigin Origin { get; init; }
    /// <summary>The users file store, when "local" is a configured backend.</summary>
    public LocalUserStore? Users { get; init; }
    /// <summary>The pass-through backend, when "upstream" is a configured backend.</summary>
    public UpstreamAuthenticator? Upstream { get; init; }

    /// <param name="upstream">Delivery:Upstream (see <see cref="UpstreamEndpoint.FromConfiguration"/>); needed only for the "upstream" backend.</param>
    public static AccessComponents Create(AccessOptions options, string dataDir, UpstreamEndpoint? upstream,
        ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggers ??= NullLoggerFactory.Instance;
        var backends = options.Auth.Backend.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(b => b.ToLowerInvariant()).ToHashSet();

        var users = backends.Contains("local")
            ? new LocalUserStore(LocalUserStore.ResolvePath(options.Auth, dataDir), loggers.CreateLogger<LocalUserStore>(), time)
            : null;
        users?.CheckAtStart();
        var pass = backends.Contains("upstream") && upstream is not null
            ? new UpstreamAuthenticator(upstream, options.Auth, loggers.CreateLogger<UpstreamAuthenticator>(), time)
            : null;
        var ordered = CompositeAuthenticator.FromConfiguration(options.Auth.Backend, users, pass);

        return new AccessComponents
        {
            Options = options,
            Relay = new RelayPolicy(options),
            Senders = new SenderIdentity(options, users),
            Authenticator = new LoginGuard(ordered, options.Auth, time, loggers.CreateLogger<LoginGuard>()),
            RateLimits = new RateLimiter(options.RateLimits, time),
            Origin = new SenderOrigin(options),
            Users = users,
            Upstream = pass,
        };
    }
}
