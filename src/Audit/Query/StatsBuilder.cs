namespace GovGateway.Audit;

/// <summary>Counts for <c>gateway audit stats</c> over a time range.</summary>
internal static class StatsBuilder
{
    /// <summary>Classes that are official documents in the sense of the 2025 target (Directive on e-documents by email).</summary>
    public static readonly IReadOnlySet<string> OfficialClasses =
        new HashSet<string>(["invitation", "meeting-document", "report", "notice", "work-document"], StringComparer.OrdinalIgnoreCase);

    public static AuditStats Build(AuditStore store, DateTime? since, DateTime? until, TimeSpan dayOffset = default)
    {
        var (from, to) = Range(since, until);
        return Build(store.InRange(from, to).Select(e => e.Transaction!), since, until, dayOffset);
    }

    /// <summary>The range as stored: [from, to) at the stores' millisecond precision.</summary>
    public static (DateTime From, DateTime To) Range(DateTime? since, DateTime? until) =>
        (since is { } s ? ChainHasher.Normalize(s) : DateTime.MinValue, until is { } u ? ChainHasher.NormalizeUpperBound(u) : DateTime.MaxValue);

    /// <summary>Counts over <paramref name="transactions"/>, which the caller has limited to the range.</summary>
    public static AuditStats Build(IEnumerable<AuditTransaction> transactions, DateTime? since, DateTime? until, TimeSpan dayOffset = default)
    {
        var stats = new AuditStats { Since = since, Until = until, DayOffsetMinutes = (int)dayOffset.TotalMinutes };

        foreach (var t in transactions) Add(stats, t, dayOffset);
        stats.OfficialSignedPercent = stats.OfficialTransactions == 0
            ? null
            : Math.Round(100.0 * stats.OfficialSigned / stats.OfficialTransactions, 2);
        return stats;
    }

    private static void Add(AuditStats stats, AuditTransaction t, TimeSpan dayOffset)
    {
        stats.Transactions++;
        Bump(stats.PerDay, (t.TimeUtc + dayOffset).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        var classes = t.Classes.Concat(t.Attachments.Select(a => a?.Class))
            .Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!.Trim().ToLowerInvariant()).Distinct().ToList();
        if (classes.Count == 0) Bump(stats.PerClass, "none");
        foreach (var c in classes) Bump(stats.PerClass, c);

        Bump(stats.PerDecision, string.IsNullOrWhiteSpace(t.Decision) ? "unknown" : t.Decision.Trim().ToLowerInvariant());
        Bump(stats.PerSignature, SignatureWords.Bucket(t));
        Bump(stats.PerSenderDomain, SenderDomain(t.MailFrom));

        // "Travelled" means the gateway accepted it for delivery.
        if (!string.Equals(t.Decision, AuditDecisions.Accepted, StringComparison.OrdinalIgnoreCase)) return;
        var official = t.Attachments.Where(a => a?.Class is not null && OfficialClasses.Contains(a.Class)).ToList();
        if (official.Count == 0 && !t.Classes.Any(c => c is not null && OfficialClasses.Contains(c))) return;
        stats.OfficialTransactions++;
        if (SignatureWords.Bucket(t) == SignatureWords.Unsigned) stats.OfficialUnsigned++;
        bool smimeValid = IsValid(t.Smime?.Status);
        bool allPdfSigned = official.Count > 0 && official.All(a => IsValid(a.SignatureStatus));
        if (smimeValid || allPdfSigned) stats.OfficialSigned++;
    }

    private static string SenderDomain(string? mailFrom)
    {
        if (string.IsNullOrWhiteSpace(mailFrom)) return "(null sender)";
        int at = mailFrom.LastIndexOf('@');
        return at < 0 ? "(no domain)" : mailFrom[(at + 1)..].Trim().ToLowerInvariant();
    }

    private static bool IsValid(string? status) => string.Equals(status?.Trim(), "valid", StringComparison.OrdinalIgnoreCase);

    private static void Bump(SortedDictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
