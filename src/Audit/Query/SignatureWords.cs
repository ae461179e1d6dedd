namespace GovGateway.Audit;

/// <summary>
/// The words for a transaction's signatures, the same in the query table, <c>audit stats</c> and the
/// <c>--signature</c> filter: <c>unsigned</c> (the content was read and carries no signature at all),
/// <c>not-checked</c> (refused before the content was read), otherwise each signature as <c>smime:STATUS</c>
/// or <c>pdf:STATUS</c> (valid, invalid, untrusted, expired, revoked, signer-mismatch, ...).
/// </summary>
public static class SignatureWords
{
    public const string Unsigned = "unsigned";
    public const string NotChecked = "not-checked";
    public const string SmimePrefix = "smime:";
    public const string PdfPrefix = "pdf:";

    /// <summary>Each signature the transaction carries ("smime:valid", "pdf:untrusted"); empty when it carries none.</summary>
    public static IReadOnlyList<string> Each(AuditTransaction t)
    {
        var words = new List<string>();
        if (Status(t.Smime?.Status) is { } smime) words.Add(SmimePrefix + smime);
        foreach (var a in t.Attachments)
            if (Status(a?.SignatureStatus) is { } pdf) words.Add(PdfPrefix + pdf);
        return words.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>What the table shows: the signatures, or unsigned / not-checked.</summary>
    public static string Summary(AuditTransaction t)
    {
        var each = Each(t);
        return each.Count > 0 ? string.Join(",", each) : Nothing(t);
    }

    /// <summary>One word per transaction for <c>audit stats</c>: S/MIME's status if signed so, else the first PDF status that is not valid (or pdf:valid).</summary>
    public static string Bucket(AuditTransaction t)
    {
        var each = Each(t);
        if (each.Count == 0) return Nothing(t);
        return each.FirstOrDefault(w => w.StartsWith(SmimePrefix, StringComparison.Ordinal))
               ?? each.FirstOrDefault(w => w != PdfPrefix + "valid")
               ?? PdfPrefix + "valid";
    }

    /// <summary>
    /// True when <paramref name="word"/> (already one of the canonical words) describes the transaction:
    /// unsigned / not-checked as in <see cref="Bucket"/>; "smime:x" / "pdf:x" for a signature of that kind and status;
    /// a bare status for a signature of either kind.
    /// </summary>
    public static bool Matches(AuditTransaction t, string word)
    {
        if (word is Unsigned or NotChecked) return Each(t).Count == 0 && Nothing(t) == word;
        var each = Each(t);
        return word.Contains(':')
            ? each.Contains(word, StringComparer.Ordinal)
            : each.Any(w => w.EndsWith(":" + word, StringComparison.Ordinal));
    }

    // A transaction refused at MAIL FROM or RCPT TO has no policy verdict: no S/MIME result and no attachments.
    private static string Nothing(AuditTransaction t) => t.Smime is null && t.Attachments.Count == 0 ? NotChecked : Unsigned;

    private static string? Status(string? status)
    {
        var s = status?.Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(s) || s == "none" ? null : s;
    }
}
