namespace GovGateway.Smtp.Protocol;

/// <summary>Splits the "KEYWORD[=value]" list after a MAIL or RCPT path (RFC 5321 4.1.2 esmtp-param).</summary>
internal static class EsmtpParameters
{
    /// <returns>False on a syntax error or a repeated keyword.</returns>
    public static bool TryParse(string text, out Dictionary<string, string?> parameters)
    {
        parameters = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=');
            string keyword = eq < 0 ? token : token[..eq];
            string? value = eq < 0 ? null : token[(eq + 1)..];
            if (keyword.Length == 0 || !char.IsAsciiLetterOrDigit(keyword[0])) return false;
            foreach (char c in keyword)
                if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
            if (value is not null)
            {
                if (value.Length == 0) return false;
                foreach (char c in value)
                    if (c < 33 || c == '=' || c == 127) return false;
            }
            if (!parameters.TryAdd(keyword, value)) return false;
        }
        return true;
    }

    /// <summary>RFC 3461 xtext: printable ASCII except '+' and '=', which are written "+XX".</summary>
    public static bool IsXtext(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '+')
            {
                if (i + 2 >= value.Length || !char.IsAsciiHexDigitUpper(value[i + 1]) && !char.IsAsciiDigit(value[i + 1])
                    || !char.IsAsciiHexDigitUpper(value[i + 2]) && !char.IsAsciiDigit(value[i + 2])) return false;
                i += 2;
            }
            else if (c < 33 || c > 126 || c == '=') return false;
        }
        return true;
    }
}
