namespace GovGateway.Archive.Core;

/// <summary>Which documents a purge removes: past their class's retention counted from the last exchange, and not held.</summary>
internal static class PurgePlanner
{
    public static bool IsDue(ArchivedDocument document, ArchiveRetention retention, DateTime nowUtc) =>
        retention.DaysFor(document.Class) is { } days && document.LastExchangeUtc <= nowUtc.AddDays(-days);

    /// <summary>The oldest last-exchange time a due document can have: nothing more recent needs looking at; null when nothing is ever due.</summary>
    public static DateTime? Horizon(ArchiveRetention retention, DateTime nowUtc)
    {
        var days = retention.PerClass.Values.Select(d => (int?)d).Append(retention.DefaultDays).Where(d => d is not null).ToList();
        return days.Count == 0 ? null : nowUtc.AddDays(-days.Min()!.Value);
    }

    public static ArchivePurgedDocument Removed(ArchivedDocument d) => new()
    {
        Sha256 = d.Id,
        Size = d.Size,
        Class = d.Class,
        FileName = d.FileName,
        Document = d.Document,
        LastExchangeUtc = d.LastExchangeUtc,
    };
}
