namespace GovGateway.Audit;

/// <summary>Counts for <c>gateway audit stats</c> over a time range.</summary>
internal static class StatsBuilder
{
    /// <summary>Classes that are official documents in the sense of the 2025 target (Directive on e-documents by email).</summary>
    public static IReadOnlySet<string> OfficialClasses => OfficialDocuments.Classes;

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
        // What people did in the console is audited in the same chain, but it is not mail.
        if (t.Decision == AuditDecisions.Console) return;
        stats.Transactions++;
        Bump(stats.PerDay, (t.TimeUtc + dayOffset).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        var classes = t.Classes.Concat(t.Attachments.Select(a => a?.Class))
            .Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!.Trim().ToLowerInvariant()).Distinct().ToList();
        if (classes.Count == 0) Bump(stats.PerClass, "none");
        foreach (var c in classes) Bump(stats.PerClass, c);

        Bump(stats.PerDecision, string.IsNullOrWhiteSpace(t.Decision) ? "unknown" : t.Decision.Trim().ToLowerInvariant());
        Bump(stats.PerSignature, SignatureWords.Bucket(t));
        Bump(stats.PerSenderDomain, OfficialDocuments.SenderDomain(t.MailFrom));

        if (OfficialDocuments.TravelledSigned(t) is not { } signed) return;
        stats.OfficialTransactions++;
        if (SignatureWords.Bucket(t) == SignatureWords.Unsigned) stats.OfficialUnsigned++;
        if (signed) stats.OfficialSigned++;
    }




    private static void Bump(SortedDictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
