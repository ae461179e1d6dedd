using GovGateway.Access.Addresses;

namespace GovGateway.Access.Identity;

/// <summary>
/// Whether a logged-in user may send as an address (MAIL FROM and each header From mailbox):
/// only their own address (the login, when it is an address) and the aliases granted to them in
/// configuration (Access:Aliases) or in the users file. Domains compare on normalised A-labels;
/// local parts compare case-insensitively after NFC, because the agencies' mail servers treat
/// "NguyenVanA@" and "nguyenvana@" as one mailbox and staff type both.
/// </summary>
internal sealed class SenderIdentity
{
    private readonly AddressValidator _validator = new();
    private readonly Dictionary<string, HashSet<string>> _configured = new(StringComparer.Ordinal);
    private readonly IAliasSource? _aliasSource;

    public SenderIdentity(AccessOptions options, IAliasSource? aliasSource = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _aliasSource = aliasSource;
        foreach (var (login, aliases) in options.Aliases)
        {
            var key = LoginKey(login);
            if (!_configured.TryGetValue(key, out var set))
                _configured[key] = set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var alias in aliases)
            {
                var canonical = Canonical(alias)
                    ?? throw new ArgumentException($"Alias '{alias}' granted to '{login}' is not a valid address.", nameof(options));
                set.Add(canonical);
            }
        }
    }

    public bool MayUse(string authenticatedUser, string address)
    {
        if (string.IsNullOrEmpty(authenticatedUser))
            return false;
        var wanted = Canonical(address);
        if (wanted is null)
            return false;
        if (Canonical(authenticatedUser) == wanted)
            return true;
        if (_configured.TryGetValue(LoginKey(authenticatedUser), out var granted) && granted.Contains(wanted))
            return true;
        if (_aliasSource is not null)
        {
            foreach (var alias in _aliasSource.AliasesOf(authenticatedUser))
            {
                if (Canonical(alias) == wanted)
                    return true;
            }
        }
        return false;
    }

    /// <summary>The comparison form of an address, or null when it is not a plain valid mailbox.</summary>
    internal string? Canonical(string? address)
    {
        var check = _validator.Check(address);
        return check.IsValid ? $"{check.LocalPart.ToLowerInvariant()}@{check.Domain}" : null;
    }

    private static string LoginKey(string login) => UserNames.Key(login);
}
