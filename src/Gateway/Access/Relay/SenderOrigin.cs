using GovGateway.Policies.Domains;
using System.Net;

namespace GovGateway.Access.Relay;

/// <summary>
/// Where mail comes from, for the checks that need it: whether a client is one of the agency's own
/// mail servers (<see cref="AccessOptions.InternalNetworks"/>), and whether an address claims one of
/// the agency's own domains (<see cref="AccessOptions.OwnDomains"/>).
/// </summary>
internal sealed class SenderOrigin
{
    private readonly IPNetwork[] _internal;
    private readonly DomainMatcher _own;

    public SenderOrigin(AccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _internal = options.InternalNetworks.Select(ParseNetwork).ToArray();
        try
        {
            _own = new DomainMatcher(options.OwnDomains);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException("Access:OwnDomains: " + ex.Message, ex);
        }
    }

    public bool HasOwnDomains => _own.Domains.Count > 0;

    public bool IsInternal(IPAddress client)
    {
        if (client.IsIPv4MappedToIPv6)
            client = client.MapToIPv4();
        foreach (var network in _internal)
        {
            if (network.Contains(client))
                return true;
        }
        return false;
    }

    /// <summary>True when <paramref name="address"/> is in one of the agency's own domains.</summary>
    public bool ClaimsOwnDomain(string address) => _own.Matches(address);

    /// <summary>
    /// Whether a delivery failure may be reported to the envelope sender: only when the sender is
    /// known to be genuine (a logged-in user, or one of our own servers). Mail from outside may carry
    /// a forged sender, and bouncing it would send the gateway's mail to an innocent third party (backscatter).
    /// </summary>
    public bool MayBounce(string? authenticatedUser, string? clientIp) =>
        authenticatedUser is not null || (IPAddress.TryParse(clientIp, out var client) && IsInternal(client));

    internal static IPNetwork ParseNetwork(string text)
    {
        var trimmed = text?.Trim() ?? "";
        // "10.0.0.1/8" is refused rather than read as 10.0.0.0/8: it is more likely a typo for something narrower.
        if (IPNetwork.TryParse(trimmed, out var network) && IPAddress.TryParse(trimmed.Split('/')[0], out var written) && written.Equals(network.BaseAddress))
            return network;
        if (IPAddress.TryParse(trimmed, out var single))
            return new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        throw new ArgumentException($"Access:InternalNetworks: '{text}' is not a network such as 10.0.0.0/8 or 2001:db8::/32 (host bits must be zero).");
    }
}
