namespace GovGateway.Policies.Domains;

/// <summary>
/// The one reading of a list of mail domains, for <c>Access:LocalDomains</c> / <c>Access:OwnDomains</c> in
/// appsettings.json and for <c>domains:</c> and the address conditions in policy.yaml alike:
/// <list type="bullet">
/// <item>"gov.vn" matches gov.vn itself and every name under it, on whole labels: hatinh.gov.vn and
/// stttt.hatinh.gov.vn match, hatinh-gov.vn and hatinh.gov.vn.example.com do not;</item>
/// <item>"*.gov.vn" matches only the names under gov.vn, not gov.vn itself (as a DNS or certificate wildcard);</item>
/// <item>case, the Unicode or punycode form (bộ.gov.vn is xn--b-8xm.gov.vn), NFC or NFD and a trailing root dot
/// do not matter;</item>
/// <item>an address literal ([192.0.2.1]) or a name that is not a valid host name never matches.</item>
/// </list>
/// </summary>
public sealed class DomainMatcher
{
    private readonly string[] _withApex;
    private readonly string[] _subdomainsOnly;

    /// <exception cref="ArgumentException">An entry is not a domain name (the message names it).</exception>
    public DomainMatcher(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var withApex = new List<string>();
        var subdomainsOnly = new List<string>();
        foreach (var raw in entries)
        {
            var (ascii, wildcard) = Parse(raw);
            if (ascii is null)
                throw new ArgumentException($"'{raw}' is not a valid domain name (write it like 'gov.vn', 'hatinh.gov.vn' or '*.gov.vn').", nameof(entries));
            (wildcard ? subdomainsOnly : withApex).Add(ascii);
        }
        _withApex = withApex.Distinct(StringComparer.Ordinal).ToArray();
        _subdomainsOnly = subdomainsOnly.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>True when <paramref name="entry"/> can stand in a domain list (so a configuration check can say which cannot).</summary>
    public static bool IsValidEntry(string? entry) => Parse(entry).Ascii is not null;

    /// <summary>The entries, normalised to lower-case A-labels; wildcard entries keep their "*." prefix.</summary>
    public IReadOnlyList<string> Domains => [.. _withApex, .. _subdomainsOnly.Select(d => "*." + d)];

    /// <summary>True when the domain, or the domain of an address (the part after the last '@', angle brackets ignored), is in the list.</summary>
    public bool Matches(string? domainOrAddress)
    {
        if (string.IsNullOrWhiteSpace(domainOrAddress))
            return false;
        var ascii = DomainName.ToAscii(DomainOf(domainOrAddress));
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

    /// <summary>The part after the last '@' (or the whole text when there is none), without spaces or angle brackets.</summary>
    public static string DomainOf(string domainOrAddress)
    {
        var text = domainOrAddress.Trim().Trim('<', '>');
        var at = text.LastIndexOf('@');
        return at >= 0 ? text[(at + 1)..] : text;
    }

    // A leading "." is read as a bare entry (Postfix's ".gov.vn" habit): it adds nothing "gov.vn" does not already match.
    private static (string? Ascii, bool Wildcard) Parse(string? raw)
    {
        var entry = raw?.Trim() ?? "";
        var wildcard = entry.StartsWith("*.", StringComparison.Ordinal);
        var name = wildcard ? entry[2..] : entry.StartsWith('.') ? entry[1..] : entry;
        return (DomainName.ToAscii(name), wildcard);
    }

    // "x.gov.vn" is under "gov.vn" only if the character before the suffix is a label dot.
    private static bool IsUnder(string domain, string parent) =>
        domain.Length > parent.Length + 1
        && domain.EndsWith(parent, StringComparison.Ordinal)
        && domain[domain.Length - parent.Length - 1] == '.';
}
