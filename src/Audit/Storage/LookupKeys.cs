namespace GovGateway.Audit;

/// <summary>
/// The keys a transaction is found by in <see cref="LookupBlock"/>s, and the key a query looks for: its Message-ID
/// (without angle brackets), its envelope sender, and every domain the sender is in (for "--sender bnv.gov.vn",
/// which matches the domain and its subdomains). All lower case, as the query filters compare.
/// </summary>
internal static class LookupKeys
{
    public static IEnumerable<string> Of(AuditTransaction t)
    {
        if (MessageId(t.MessageId) is { } m) yield return m;
        var from = t.MailFrom?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(from)) yield break;
        yield return "s:" + from;
        int at = from.LastIndexOf('@');
        if (at < 0) yield break;
        // a@x.bnv.gov.vn is in x.bnv.gov.vn, bnv.gov.vn, gov.vn and vn.
        for (var domain = from[(at + 1)..]; domain.Length > 0;)
        {
            yield return "d:" + domain;
            int dot = domain.IndexOf('.');
            if (dot < 0) break;
            domain = domain[(dot + 1)..];
        }
    }

    /// <summary>The key a block's filter gets for a delivery outcome stored under a reference (<see cref="OutcomeRefs"/>).</summary>
    public static string Outcome(string queueId) => "q:" + queueId;

    /// <summary>The key of a Message-ID, with or without its angle brackets; null for none.</summary>
    public static string? MessageId(string? messageId)
    {
        var bare = messageId?.Trim().Trim('<', '>').Trim();
        return string.IsNullOrEmpty(bare) ? null : "m:" + bare.ToLowerInvariant();
    }

    /// <summary>The key a sender filter looks for: a full address, or a domain ("@bnv.gov.vn" or "bnv.gov.vn").</summary>
    public static string? Sender(string? sender)
    {
        var s = sender?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(s)) return null;
        if (s.IndexOf('@') > 0) return "s:" + s;
        var domain = s.TrimStart('@');
        return domain.Length == 0 ? null : "d:" + domain;
    }

    /// <summary>
    /// Text every stored entry having <paramref name="key"/> contains, to skip the others without parsing them: the
    /// value as the canonical form escapes it (compared ignoring ASCII case). Null when no such text can be given: a
    /// value with non-ASCII letters, whose lower case does not map back to what was stored.
    /// </summary>
    public static string? Needle(string key)
    {
        if (key.Length < 3 || key[1] != ':') return null;
        var value = key[2..];
        foreach (char c in value)
            if (c > 0x7e) return null;
        return System.Text.Json.JsonEncodedText.Encode(value).ToString();
    }
}
