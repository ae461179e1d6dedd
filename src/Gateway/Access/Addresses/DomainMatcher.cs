namespace GovGateway.Access;

/// <summary>
/// Decides whether a domain (or the domain of an address) is one of the configured local domains.
/// An entry "gov.vn" matches gov.vn and every name under it on whole labels; "*.gov.vn" matches
/// only names under it. Comparison is on normalised A-labels, so "bộ.gov.vn" and its punycode
/// form are the same name, and "hatinh-gov.vn" or "hatinh.gov.vn.example.com" never match.
/// </summary>
public sealed class DomainMatcher
{
    private readonly string[] _withApex;
    private readonly string[] _subdomainsOnly;

    public DomainMatcher(IEnumerable<string> domains)
    {
        ArgumentNullException.ThrowIfNull(domains);
        var withApex = new List<string>();
        var subdomainsOnly = new List<string>();
        foreach (var raw in domains)
        {
            var entry = raw?.Trim() ?? "";
            var wildcard = entry.StartsWith("*.", StringComparison.Ordinal);
            var name = wildcard ? entry[2..] : entry.TrimStart('.');
            var ascii = DomainName.ToAscii(name)
                ?? throw new ArgumentException($"Local domain '{raw}' is not a valid domain name.", nameof(domains));
            (wildcard ? subdomainsOnly : withApex).Add(ascii);
        }
        _withApex = withApex.Distinct().ToArray();
        _subdomainsOnly = subdomainsOnly.Distinct().ToArray();
    }

    /// <summary>The configured entries, normalised (wildcard entries keep their "*." prefix).</summary>
    public IReadOnlyList<string> Domains => [.. _withApex, .. _subdomainsOnly.Select(d => "*." + d)];

    /// <summary>
    /// True when the domain, or the part after the last '@' of an address, is local.
    /// Invalid names (including address literals) never match.
    /// </summary>
    public bool Matches(string domainOrAddress)
    {
        if (string.IsNullOrEmpty(domainOrAddress))
            return false;
        var at = domainOrAddress.LastIndexOf('@');
        var domain = at >= 0 ? domainOrAddress[(at + 1)..] : domainOrAddress;
        if (domain.EndsWith('>'))
            domain = domain[..^1];
        var ascii = DomainName.ToAscii(domain);
        return ascii is not null && MatchesAscii(ascii);
    }

    /// <summary>Same as <see cref="Matches"/> for a name already normalised by <see cref="DomainName.ToAscii"/>.</summary>
    public bool MatchesAscii(string asciiDomain)
    {
        foreach (var entry in _withApex)
        {
            if (asciiDomain == entry || IsUnder(asciiDomain, entry))
                return true;
        }
        foreach (var entry in _subdomainsOnly)
        {
            if (IsUnder(asciiDomain, entry))
                return true;
        }
        return false;
    }

    // "x.gov.vn" is under "gov.vn" only if the character before the suffix is a label dot.
    private static bool IsUnder(string domain, string parent) =>
        domain.Length > parent.Length + 1
        && domain.EndsWith(parent, StringComparison.Ordinal)
        && domain[domain.Length - parent.Length - 1] == '.';
}
