using System.Text;

namespace GovGateway.Smtp.Protocol;

internal enum PathError { None, Syntax, LocalPartTooLong, DomainTooLong, PathTooLong }

/// <summary>
/// Parses an RFC 5321 Reverse-path / Forward-path ("&lt;local@domain&gt;", with an optional obsolete
/// source route that is dropped) and enforces the 4.5.3.1 size limits. UTF-8 in the local part
/// and domain is parsed (RFC 6531) and reported, so the caller can refuse it without SMTPUTF8.
/// </summary>
internal static class PathParser
{
    public const int MaxLocalPart = 64;
    public const int MaxDomain = 255;
    public const int MaxPath = 256;

    /// <summary>Parses the path at the start of <paramref name="text"/>.</summary>
    /// <param name="rest">What follows the closing '&gt;' (the parameters).</param>
    /// <param name="allowNull">MAIL FROM accepts the null path "&lt;&gt;".</param>
    /// <param name="allowPostmaster">RCPT TO accepts a bare "&lt;Postmaster&gt;".</param>
    /// <param name="hasNonAscii">The path holds UTF-8; the caller refuses it unless SMTPUTF8 was declared.</param>
    public static PathError TryParse(string text, bool allowNull, bool allowPostmaster,
        out string address, out string rest, out bool hasNonAscii)
    {
        address = "";
        rest = "";
        hasNonAscii = false;
        if (text.Length < 2 || text[0] != '<') return PathError.Syntax;
        int i = 1;

        if (text[i] == '>')
        {
            if (!allowNull) return PathError.Syntax;
            rest = text[2..];
            return PathError.None;
        }

        // Obsolete source route "@a,@b:" (RFC 5321 4.1.2, must be accepted and ignored).
        if (text[i] == '@')
        {
            int colon = text.IndexOf(':', i);
            if (colon < 0) return PathError.Syntax;
            foreach (var hop in text[i..colon].Split(','))
                if (hop.Length < 2 || hop[0] != '@' || !IsDomain(hop.AsSpan(1), allowUtf8: true)) return PathError.Syntax;
            i = colon + 1;
        }

        int localStart = i;
        bool nonAscii = false;
        if (i < text.Length && text[i] == '"')
        {
            i++;
            while (true)
            {
                if (i >= text.Length) return PathError.Syntax;
                char c = text[i];
                if (c == '"') { i++; break; }
                if (c == '\\')
                {
                    if (i + 1 >= text.Length || text[i + 1] < 32 || text[i + 1] > 126) return PathError.Syntax;
                    i += 2;
                    continue;
                }
                if (c >= 128) { nonAscii = true; i++; continue; }
                if (c < 32 || c == 127) return PathError.Syntax;
                i++;
            }
        }
        else
        {
            bool lastWasDot = true; // forbids a leading dot
            while (i < text.Length && text[i] != '@' && text[i] != '>')
            {
                char c = text[i];
                if (c == '.')
                {
                    if (lastWasDot) return PathError.Syntax;
                    lastWasDot = true;
                }
                else if (IsAtext(c)) lastWasDot = false;
                else if (c >= 128) { nonAscii = true; lastWasDot = false; }
                else return PathError.Syntax;
                i++;
            }
            if (lastWasDot) return PathError.Syntax; // empty or ends with a dot
        }
        string local = text[localStart..i];

        string? domain = null;
        if (i < text.Length && text[i] == '@')
        {
            int domainStart = ++i;
            int close = text.IndexOf('>', i);
            if (close < 0) return PathError.Syntax;
            domain = text[domainStart..close];
            i = close;
            if (domain.Length == 0) return PathError.Syntax;
            if (domain[0] == '[')
            {
                if (!IsAddressLiteral(domain)) return PathError.Syntax;
            }
            else
            {
                if (!IsDomain(domain, allowUtf8: true)) return PathError.Syntax;
                if (domain.Any(c => c >= 128)) nonAscii = true;
            }
        }
        if (i >= text.Length || text[i] != '>') return PathError.Syntax;
        int pathEnd = i + 1;

        if (domain is null)
        {
            if (!allowPostmaster || !local.Equals("postmaster", StringComparison.OrdinalIgnoreCase)) return PathError.Syntax;
        }

        hasNonAscii = nonAscii;
        if (Encoding.UTF8.GetByteCount(local) > MaxLocalPart) return PathError.LocalPartTooLong;
        if (domain is not null && Encoding.UTF8.GetByteCount(domain) > MaxDomain) return PathError.DomainTooLong;
        if (Encoding.UTF8.GetByteCount(text.AsSpan(0, pathEnd)) > MaxPath) return PathError.PathTooLong;

        address = domain is null ? local : local + "@" + domain;
        rest = text[pathEnd..];
        return PathError.None;
    }

    private static bool IsAtext(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
          or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '/' or '=' or '?' or '^' or '_' or '`' or '{' or '|' or '}' or '~';

    private static bool IsDomain(ReadOnlySpan<char> domain, bool allowUtf8)
    {
        if (domain.Length == 0) return false;
        foreach (var label in domain.ToString().Split('.'))
        {
            if (label.Length is 0 or > 63) return false;
            if (label[0] == '-' || label[^1] == '-') return false;
            foreach (char c in label)
            {
                bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' || (allowUtf8 && c >= 128);
                if (!ok) return false;
            }
        }
        return true;
    }

    private static bool IsAddressLiteral(string literal)
    {
        if (literal.Length < 3 || literal[^1] != ']') return false;
        var inner = literal.AsSpan(1, literal.Length - 2);
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
            return System.Net.IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        // IPv4 dotted quad only (the general tag form is not used on the Internet).
        int parts = 0;
        foreach (var part in inner.ToString().Split('.'))
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || int.Parse(part) > 255) return false;
            parts++;
        }
        return parts == 4;
    }
}
