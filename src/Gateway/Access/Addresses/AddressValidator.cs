using GovGateway.Policies.Domains;
using System.Text;

namespace GovGateway.Access.Addresses;

/// <summary>
/// Parses an envelope address strictly (RFC 5321 Mailbox, RFC 6531 UTF-8 local parts, IDN domains)
/// and refuses the old routing syntaxes that let an open relay be abused through a local domain:
/// source routes, '%' and '!' in the local part, quoted local parts that hide any of '@', '%', '!',
/// and address literals. Legal by RFC or not, no government mailbox needs them.
/// </summary>
internal sealed class AddressValidator
{
    private const int MaxLocalPartOctets = 64;

    public AddressCheck Check(string? address)
    {
        if (address is null)
            return AddressCheck.Refused(AddressProblem.Empty, "empty address");
        var s = address;
        if (s.Length >= 2 && s[0] == '<' && s[^1] == '>')
            s = s[1..^1];
        if (s.Length == 0)
            return AddressCheck.Refused(AddressProblem.Empty, "empty address");
        if (s.Length > 1000)
            return AddressCheck.Refused(AddressProblem.Malformed, "address too long");

        if (s[0] == '@')
        {
            return s.Contains(':')
                ? AddressCheck.Refused(AddressProblem.SourceRoute, "source route")
                : AddressCheck.Refused(AddressProblem.Malformed, "missing local part");
        }

        string localPart;
        int domainStart;
        if (s[0] == '"')
        {
            var quoted = ParseQuoted(s, out var end);
            if (quoted is null)
                return AddressCheck.Refused(AddressProblem.Malformed, "bad quoted local part");
            if (end >= s.Length || s[end] != '@')
                return AddressCheck.Refused(AddressProblem.Malformed, "missing '@' after quoted local part");
            if (quoted.AsSpan().IndexOfAny('@', '%', '!') >= 0)
                return AddressCheck.Refused(AddressProblem.QuotedRoute, "quoted local part hides a route");
            localPart = IsDotAtom(quoted) ? quoted : Quote(quoted);
            domainStart = end + 1;
        }
        else
        {
            var at = s.IndexOf('@');
            if (at < 0)
                return AddressCheck.Refused(AddressProblem.Malformed, "missing '@domain'");
            localPart = s[..at];
            // Tricks are named before general syntax so the refusal says what was attempted.
            if (localPart.Contains('%'))
                return AddressCheck.Refused(AddressProblem.PercentHack, "'%' routing in local part");
            if (localPart.Contains('!'))
                return AddressCheck.Refused(AddressProblem.BangPath, "'!' bang path in local part");
            if (localPart.Contains(':') || localPart.Contains(','))
                return AddressCheck.Refused(AddressProblem.SourceRoute, "source route");
            if (!IsDotAtom(localPart))
                return AddressCheck.Refused(AddressProblem.Malformed, "bad characters in local part");
            domainStart = at + 1;
        }

        localPart = localPart.Normalize(NormalizationForm.FormC);
        if (Encoding.UTF8.GetByteCount(localPart) > MaxLocalPartOctets)
            return AddressCheck.Refused(AddressProblem.Malformed, "local part longer than 64 octets");

        var domain = s[domainStart..];
        if (domain.StartsWith('['))
            return AddressCheck.Refused(AddressProblem.AddressLiteral, "address literal instead of a domain");
        if (domain.Contains('@'))
            return AddressCheck.Refused(AddressProblem.Malformed, "more than one '@'");
        if (domain.AsSpan().IndexOfAny('%', '!', ':') >= 0)
            return AddressCheck.Refused(AddressProblem.Malformed, "bad characters in domain");
        var ascii = DomainName.ToAscii(domain);
        if (ascii is null || !ascii.Contains('.'))
            return AddressCheck.Refused(AddressProblem.Malformed, "bad domain");

        return new AddressCheck
        {
            Problem = AddressProblem.None,
            LocalPart = localPart,
            Domain = ascii,
            UnicodeDomain = DomainName.ToUnicode(ascii),
        };
    }

    // RFC 5321 Quoted-string: DQUOTE *(qtextSMTP / quoted-pair) DQUOTE, with RFC 6531 UTF-8 allowed.
    // Returns the unescaped content and the index just past the closing quote.
    private static string? ParseQuoted(string s, out int end)
    {
        var content = new StringBuilder();
        for (var i = 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '"')
            {
                end = i + 1;
                return content.ToString();
            }
            if (c == '\\')
            {
                if (++i >= s.Length || s[i] is < ' ' or > '~')
                    break;
                content.Append(s[i]);
                continue;
            }
            if (c < ' ' || c == 0x7F)
                break;
            content.Append(c);
        }
        end = s.Length;
        return null;
    }

    private static bool IsDotAtom(string s)
    {
        if (s.Length == 0 || s[0] == '.' || s[^1] == '.' || s.Contains("..", StringComparison.Ordinal))
            return false;
        foreach (var c in s)
        {
            if (c != '.' && !IsAtext(c))
                return false;
        }
        return true;
    }

    // RFC 5322 atext, plus any non-ASCII character that is not a control or space (RFC 6531 UTF8-non-ascii).
    private static bool IsAtext(char c) => c switch
    {
        >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' => true,
        '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '/' or '=' or '?' or '^' or '_' or '`' or '{' or '|' or '}' or '~' => true,
        > '\u007f' => !char.IsControl(c) && !char.IsWhiteSpace(c),
        _ => false,
    };

    private static string Quote(string content)
    {
        var sb = new StringBuilder(content.Length + 2).Append('"');
        foreach (var c in content)
        {
            if (c is '"' or '\\')
                sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
