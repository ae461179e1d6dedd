using System.Globalization;

namespace GovGateway.Policies.Domains;

/// <summary>
/// Matches mail domains against a list of suffixes on whole labels, case-insensitively and
/// IDN-aware: with "gov.vn", "hatinh.gov.vn" and "stttt.hatinh.gov.vn" match while
/// "hatinh-gov.vn" and "hatinh.gov.vn.example.com" do not.
/// </summary>
public sealed class DomainMatcher
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };
    private readonly string[] _suffixes;

    public DomainMatcher(IEnumerable<string> suffixes)
    {
        _suffixes = suffixes
            .Select(s => s.Trim().TrimStart('*').TrimStart('.'))
            .Select(s => Normalize(s) ?? throw new ArgumentException($"'{s}' is not a valid domain name", nameof(suffixes)))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    public IReadOnlyList<string> Suffixes => _suffixes;

    /// <summary>True when the domain (or the domain part of an address) is one of the suffixes or a subdomain of one.</summary>
    public bool IsGovernmentDomain(string domainOrAddress) => Matches(domainOrAddress);

    /// <inheritdoc cref="IsGovernmentDomain"/>
    public bool Matches(string domainOrAddress)
    {
        var domain = Normalize(DomainOf(domainOrAddress));
        if (domain is null) return false;
        foreach (var suffix in _suffixes)
        {
            if (domain.Length == suffix.Length && domain == suffix) return true;
            if (domain.Length > suffix.Length && domain.EndsWith(suffix, StringComparison.Ordinal) && domain[domain.Length - suffix.Length - 1] == '.')
                return true;
        }
        return false;
    }

    /// <summary>The part after the last '@' (or the whole text when there is none), without angle brackets.</summary>
    public static string DomainOf(string domainOrAddress)
    {
        var text = domainOrAddress.Trim().Trim('<', '>');
        var at = text.LastIndexOf('@');
        return at >= 0 ? text[(at + 1)..] : text;
    }

    /// <summary>Lower-case ASCII (punycode) form of a domain, or null when it is not a valid host name.</summary>
    public static string? Normalize(string domain)
    {
        var text = domain.Trim().TrimEnd('.');
        if (text.Length == 0 || text.StartsWith('[')) return null;
        try
        {
            return Idn.GetAscii(text).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
