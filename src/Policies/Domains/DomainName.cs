using System.Globalization;
using System.Text;

namespace GovGateway.Policies.Domains;

/// <summary>
/// Normalises host names for comparison: Unicode (U-label) and punycode (A-label) forms, any case,
/// NFC or NFD, with or without a trailing root dot, all end up as one lower-case ASCII name.
/// </summary>
public static class DomainName
{
    // IdnMapping is thread-safe for GetAscii/GetUnicode once configured.
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>Longest host name in presentation form without the root dot (RFC 1035 limits).</summary>
    private const int MaxLength = 253;

    /// <summary>Returns the lower-case A-label form, or null when the input is not a valid host name.</summary>
    public static string? ToAscii(string? domain)
    {
        if (string.IsNullOrEmpty(domain))
            return null;
        var name = domain.EndsWith('.') ? domain[..^1] : domain;
        if (name.Length == 0 || name.Length > MaxLength * 4)
            return null;
        try
        {
            // Lower-casing first keeps ASCII input canonical too (IdnMapping leaves pure ASCII as is).
            var ascii = Idn.GetAscii(name.Normalize(NormalizationForm.FormC).ToLowerInvariant()).ToLowerInvariant();
            return ascii.Length <= MaxLength && LooksLikeHostName(ascii) ? ascii : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The Unicode presentation of a valid A-label name (for messages shown to people).</summary>
    public static string ToUnicode(string asciiDomain)
    {
        try
        {
            return Idn.GetUnicode(asciiDomain);
        }
        catch (ArgumentException)
        {
            return asciiDomain;
        }
    }

    // STD3 rules already exclude most punctuation; this also insists on letters/digits/hyphens only
    // and on no label starting or ending with a hyphen, which mail routing relies on.
    private static bool LooksLikeHostName(string ascii)
    {
        foreach (var label in ascii.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
                return false;
            foreach (var c in label)
            {
                if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                    return false;
            }
        }
        return true;
    }
}
