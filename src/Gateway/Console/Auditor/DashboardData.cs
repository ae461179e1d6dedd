using System.Globalization;
using GovGateway.Audit;

namespace GovGateway.WebConsole.Auditor;

/// <summary>
/// The dashboard's counts over the last days, in one pass over the audit log: messages per day by decision, official
/// documents per class, the share of official documents that travelled signed per day and per ISO week (the measure
/// of `gateway audit stats`), refusals by rule, and the busiest sender domains. Console records are not mail and are left out.
/// </summary>
internal sealed class DashboardData
{
    public required DateTime SinceUtc { get; init; }
    public required IReadOnlyList<string> Days { get; init; }
    public Dictionary<(string Day, string Decision), long> PerDayDecision { get; } = new();
    public SortedSet<string> Decisions { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> OfficialPerClass { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, (long Official, long Signed)> SignedPerDay { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, (long Official, long Signed)> SignedPerWeek { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> RefusalsByRule { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> SenderDomains { get; } = new(StringComparer.Ordinal);
    public long Messages { get; private set; }

    public static DashboardData Build(IEnumerable<AuditTransaction> transactions, DateTime nowUtc, int days, TimeZoneInfo zone)
    {
        var offset = zone.BaseUtcOffset;
        var today = (nowUtc + offset).Date;
        var first = today.AddDays(1 - days);
        var data = new DashboardData
        {
            SinceUtc = DateTime.SpecifyKind(first - offset, DateTimeKind.Utc),
            Days = Enumerable.Range(0, days).Select(i => Day(first.AddDays(i))).ToList(),
        };
        foreach (var t in transactions) data.Add(t, offset);
        return data;
    }

    private void Add(AuditTransaction t, TimeSpan offset)
    {
        if (t.Decision == AuditDecisions.Console) return;
        Messages++;
        var local = t.TimeUtc + offset;
        var day = Day(local.Date);
        var decision = string.IsNullOrWhiteSpace(t.Decision) ? "unknown" : t.Decision.Trim().ToLowerInvariant();
        Decisions.Add(decision);
        Bump(PerDayDecision, (day, decision));
        Bump(SenderDomains, OfficialDocuments.SenderDomain(t.MailFrom));
        if (decision == AuditDecisions.Rejected)
            foreach (var hit in t.Rules.Where(h => h?.Rule is not null && !string.Equals(h.Mode, "audit", StringComparison.OrdinalIgnoreCase)))
                Bump(RefusalsByRule, hit.Rule!);

        if (OfficialDocuments.TravelledSigned(t) is not { } signed) return;
        foreach (var c in MessagesPages.Classes(t).Select(c => c.ToLowerInvariant()).Where(OfficialDocuments.Classes.Contains))
            Bump(OfficialPerClass, c);
        Count(SignedPerDay, day, signed);
        var week = $"{ISOWeek.GetYear(local)}-W{ISOWeek.GetWeekOfYear(local):00}";
        var (o, s) = SignedPerWeek.GetValueOrDefault(week);
        SignedPerWeek[week] = (o + 1, s + (signed ? 1 : 0));
    }

    private static void Count(Dictionary<string, (long Official, long Signed)> counts, string key, bool signed)
    {
        var (o, s) = counts.GetValueOrDefault(key);
        counts[key] = (o + 1, s + (signed ? 1 : 0));
    }

    private static void Bump<T>(Dictionary<T, long> counts, T key) where T : notnull => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static string Day(DateTime date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
