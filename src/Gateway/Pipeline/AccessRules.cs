using GovGateway.Access.Addresses;
using GovGateway.Access.Auth;
using GovGateway.Access.Identity;
using GovGateway.Access.Relay;
using GovGateway.Configuration;
using GovGateway.Replies;
using System.Net;
using GovGateway.Access;
using GovGateway.Delivery;
using GovGateway.Smtp;
using Microsoft.Extensions.Logging;

namespace GovGateway.Pipeline;

/// <summary>
/// The session's access decisions in one place: who logs in (users file and/or the upstream's AUTH,
/// behind the lockout guard), which sender an authenticated user may use, which recipients a
/// listener accepts, and the per-user and per-address rate limits.
/// </summary>
internal sealed class AccessRules : IDisposable
{
    private readonly AddressValidator _addresses = new();
    private readonly AccessComponents _components;

    private readonly RecipientVerifier? _verifier;

    private AccessRules(AccessComponents components, RecipientVerifier? verifier)
    {
        _components = components;
        _verifier = verifier;
    }

    public IAuthenticator Authenticator => _components.Authenticator;

    /// <summary>The local users file (with the console roles), when "local" is a configured backend.</summary>
    public LocalUserStore? Users => _components.Users;

    /// <param name="delivery">The bound Delivery section: its Upstream is the one the pass-through AUTH backend and recipient verification ask.</param>
    public static AccessRules Create(AccessOptions options, GatewayPaths paths, DeliveryOptions delivery, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var upstream = options.Auth.Backend.Contains("upstream", StringComparison.OrdinalIgnoreCase)
            ? UpstreamEndpoint.ForPassThroughAuth(delivery.Upstream)
            : null;
        var verifier = options.RecipientVerification.Enabled
            ? new RecipientVerifier(delivery.Upstream, options.RecipientVerification, delivery.HostName, loggers.CreateLogger<RecipientVerifier>())
            : null;
        return new AccessRules(AccessComponents.Create(options, paths.DataDir, upstream, loggers), verifier);
    }

    /// <summary>
    /// MAIL FROM: a well-formed address the logged-in user owns; the null sender only on the relay
    /// listener (bounces); on the relay listener without login, an own-domain sender only from the
    /// internal networks.
    /// </summary>
    public SmtpReply? CheckSender(ListenerRole role, string? user, string mailFrom, IPAddress client)
    {
        if (role != ListenerRole.Relay && user is null)
            return GatewayReplies.AuthenticationRequired;
        if (mailFrom.Length == 0)
            return role == ListenerRole.Relay ? null : GatewayReplies.SenderNotOwned("<>");
        var check = _addresses.Check(mailFrom);
        if (!check.IsValid)
            return GatewayReplies.BadAddress(check.Reason);
        if (user is not null && !_components.Senders.MayUse(user, mailFrom))
            return GatewayReplies.SenderNotOwned(mailFrom);
        if (IsUnverifiedOutsider(role, user, client) && _components.Origin.ClaimsOwnDomain(mailFrom))
            return GatewayReplies.OwnDomainFromOutside(mailFrom);
        return null;
    }

    /// <summary>
    /// The message's header senders. A logged-in user: exactly one From field, and every address in
    /// From and Sender the user's own or an alias. The relay listener without login and from outside
    /// the internal networks: no From or Sender address in an own domain.
    /// </summary>
    public SmtpReply? CheckHeaderSenders(ListenerRole role, string? user, IPAddress client, HeaderSenders senders)
    {
        if (user is not null)
        {
            if (senders.Unreadable is { } unreadable)
                return GatewayReplies.HeaderSenderUnreadable(unreadable);
            if (senders.FromFields > 1)
                return GatewayReplies.SecondFromField;
            foreach (var address in senders.From)
                if (!_components.Senders.MayUse(user, address))
                    return GatewayReplies.HeaderSenderNotOwned("From", address);
            foreach (var address in senders.Sender)
                if (!_components.Senders.MayUse(user, address))
                    return GatewayReplies.HeaderSenderNotOwned("Sender", address);
            return null;
        }
        if (IsUnverifiedOutsider(role, user, client))
        {
            foreach (var address in senders.All)
                if (_components.Origin.ClaimsOwnDomain(address))
                    return GatewayReplies.OwnDomainFromOutside(address);
        }
        return null;
    }

    /// <summary>Whether a delivery failure of this message may be bounced to its envelope sender (see <see cref="SenderOrigin.MayBounce"/>).</summary>
    public SenderOrigin Origin => _components.Origin;

    private bool IsUnverifiedOutsider(ListenerRole role, string? user, IPAddress client) =>
        role == ListenerRole.Relay && user is null && _components.Origin.HasOwnDomains && !_components.Origin.IsInternal(client);

    public SmtpReply CheckRecipient(ListenerRole role, string? user, string recipient) =>
        _components.Relay.CheckRecipient(role, user is not null, recipient);

    /// <summary>
    /// <see cref="CheckRecipient"/>, then, on the relay listener without login and with
    /// Access:RecipientVerification enabled, whether the upstream knows the mailbox.
    /// </summary>
    public async ValueTask<SmtpReply> CheckRecipientAsync(ListenerRole role, string? user, string recipient, CancellationToken ct)
    {
        var reply = CheckRecipient(role, user, recipient);
        if (!reply.IsPositive || _verifier is null || role != ListenerRole.Relay || user is not null)
            return reply;
        return await _verifier.CheckAsync(recipient, ct).ConfigureAwait(false) ?? reply;
    }

    public bool MayUse(string user, string address) => _components.Senders.MayUse(user, address);

    /// <summary>Counts one message against the limits; a reply when it is over them.</summary>
    public SmtpReply? TryAcquireMessage(string? user, IPAddress client, int recipients)
    {
        var decision = _components.RateLimits.TryAcquireMessage(user, client, recipients);
        return decision.Allowed ? null : decision.Reply;
    }

    public void Dispose()
    {
        _components.Upstream?.Dispose();
        _verifier?.Dispose();
    }
}
