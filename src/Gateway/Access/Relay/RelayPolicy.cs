using GovGateway.Access.Addresses;
using GovGateway.Replies;
using GovGateway.Policies.Domains;
using GovGateway.Smtp;

namespace GovGateway.Access.Relay;

/// <summary>
/// The no-open-relay rule at RCPT TO. The relay listener accepts only local-domain recipients;
/// submission listeners accept any well-formed recipient once the client has logged in (the
/// content policy decides about the message later). Routing tricks are refused everywhere: they
/// exist only to make some MTA downstream forward the mail somewhere else.
/// </summary>
internal sealed class RelayPolicy
{
    private readonly DomainMatcher _localDomains;
    private readonly AddressValidator _validator;

    public RelayPolicy(DomainMatcher localDomains, AddressValidator? validator = null)
    {
        _localDomains = localDomains ?? throw new ArgumentNullException(nameof(localDomains));
        _validator = validator ?? new AddressValidator();
    }

    public RelayPolicy(AccessOptions options) : this(new DomainMatcher(options.LocalDomains)) { }

    public SmtpReply CheckRecipient(ListenerRole role, bool authenticated, string recipient)
    {
        if (role is ListenerRole.Submission or ListenerRole.Smtps && !authenticated)
            return GatewayReplies.AuthenticationRequired;

        var check = _validator.Check(recipient);
        if (check.IsRoutingTrick)
            return GatewayReplies.RoutingTrick(check.Reason);
        if (!check.IsValid)
            return GatewayReplies.BadAddress(check.Reason);

        if (role == ListenerRole.Relay && !_localDomains.MatchesAscii(check.Domain))
            return GatewayReplies.RelayDenied(check.UnicodeDomain);

        return SmtpReply.RecipientOk;
    }
}
