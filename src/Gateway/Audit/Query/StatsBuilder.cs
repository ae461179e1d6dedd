namespace GovGateway.Audit;

/// <summary>Counts for <c>gateway audit stats</c> over a time range.</summary>
internal static class StatsBuilder
{
    /// <summary>Classes that are official documents in the sense of the 2025 target (Directive on e-documents by email).</summary>
    public static readonly IReadOnlySet<string> OfficialClasses =
        new HashSet<string>(["invitation", "meeting-document", "report", "notice", "work-document"], StringComparer.OrdinalIgnoreCase);

    public static AuditStats Build(AuditStore store, DateTime? since, DateTime? until, TimeSpan dayOffset = default)
    {
        var from = since is { } s ? ChainHasher.Normalize(s) : DateTime.MinValue;
        var to = until is { } u ? ChainHasher.NormalizeUpperBound(u) : DateTime.MaxValue;
        var stats = new AuditStats { Since = since, Until = until, DayOffsetMinutes = (int)dayOffset.TotalMinutes };

        foreach (var entry in store.InRange(from, to)) Add(stats, entry.Transaction!, dayOffset);
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
        Bump(stats.PerSenderDomain, SenderDomain(t.MailFrom));

        if (OfficialTravelledSigned(t) is not { } signed) return;
        stats.OfficialTransactions++;
        if (SignatureWords.Bucket(t) == SignatureWords.Unsigned) stats.OfficialUnsigned++;
        if (signed) stats.OfficialSigned++;
    }

    /// <summary>
    /// For an accepted transaction carrying an official document: whether it travelled signed (S/MIME valid, or every
    /// official attachment PDF-signed valid); null for any other transaction. The 2025 target's measure.
    /// </summary>
    public static bool? OfficialTravelledSigned(AuditTransaction t)
    {
        // "Travelled" means the gateway accepted it for delivery.
        if (!string.Equals(t.Decision, AuditDecisions.Accepted, StringComparison.OrdinalIgnoreCase)) return null;
        var official = t.Attachments.Where(a => a?.Class is not null && OfficialClasses.Contains(a.Class)).ToList();
        if (official.Count == 0 && !t.Classes.Any(c => c is not null && OfficialClasses.Contains(c))) return null;
        bool smimeValid = IsValid(t.Smime?.Status);
        bool allPdfSigned = official.Count > 0 && official.All(a => IsValid(a.SignatureStatus));
        return smimeValid || allPdfSigned;
    }

    public static string SenderDomain(string? mailFrom)
    {
        if (string.IsNullOrWhiteSpace(mailFrom)) return "(null sender)";
        int at = mailFrom.LastIndexOf('@');
        return at < 0 ? "(no domain)" : mailFrom[(at + 1)..].Trim().ToLowerInvariant();
    }

    private static bool IsValid(string? status) => string.Equals(status?.Trim(), "valid", StringComparison.OrdinalIgnoreCase);

    private static void Bump(SortedDictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
