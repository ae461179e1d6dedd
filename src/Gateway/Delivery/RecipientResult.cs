namespace GovGateway.Delivery;

/// <summary>Outbox: written to DATA/outbox for another program; not delivered to any mail server.</summary>
internal enum ResultKind { Delivered, Deferred, Failed, Outbox }

/// <summary>What one attempt did for one recipient.</summary>
internal readonly record struct RecipientResult(ResultKind Kind, string Reply);

/// <summary>Formats SMTP replies the way they are stored ("550 5.1.1 text") and reads the status back.</summary>
internal static class SmtpReplyText
{
    public static string Format(int code, string? text)
    {
        var t = (text ?? "").Replace("\r", "").Replace('\n', ' ').Trim();
        return t.Length == 0 ? code.ToString() : $"{code} {t}";
    }

    /// <summary>The RFC 3463 status of a stored reply: its enhanced code if present, else class.0.0.</summary>
    public static string Status(string? reply, char fallbackClass)
    {
        if (!string.IsNullOrEmpty(reply))
        {
            var parts = reply.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && IsEnhanced(parts[1])) return parts[1];
            if (parts.Length >= 1 && parts[0].Length == 3 && char.IsAsciiDigit(parts[0][0]) && parts[0][0] is '4' or '5')
                return parts[0][0] + ".0.0";
        }
        return fallbackClass + ".0.0";
    }

    static bool IsEnhanced(string s)
    {
        var p = s.Split('.');
        return p.Length == 3 && p[0] is "2" or "4" or "5" && p.All(x => x.Length is >= 1 and <= 3 && x.All(char.IsAsciiDigit));
    }

    /// <summary>True when the reply is an SMTP reply line (and so can be put in Diagnostic-Code: smtp;).</summary>
    public static bool IsSmtpReply(string? reply) =>
        reply is { Length: >= 3 } && char.IsAsciiDigit(reply[0]) && char.IsAsciiDigit(reply[1]) && char.IsAsciiDigit(reply[2]);
}
