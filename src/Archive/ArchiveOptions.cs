namespace GovGateway.Archive;

/// <summary>Settings of the document archive, bound from the configuration section "Archive" (the host binds it like AuditOptions).</summary>
public sealed class ArchiveOptions
{
    public const string SectionName = "Archive";

    /// <summary>Off by default: an agency turns it on once it has sized the disk (or the PostgreSQL database) for its documents.</summary>
    public bool Enabled { get; set; }

    /// <summary>Days a document is kept after its last exchange; null keeps documents forever.</summary>
    public int? RetentionDays { get; set; }

    /// <summary>Days per document class ("decision": 3650, ...); overrides <see cref="RetentionDays"/> for that class.</summary>
    public Dictionary<string, int> RetentionDaysByClass { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The embedded store's folder; relative to the data folder unless absolute. Unused with Audit:Store=PostgreSQL but for nothing.</summary>
    public string Path { get; set; } = "archive";

    /// <summary>Every problem of these settings, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (RetentionDays is <= 0)
            problems.Add($"Archive:RetentionDays must be a positive number of days, or absent to keep documents forever (is {RetentionDays}).");
        foreach (var (cls, days) in RetentionDaysByClass)
        {
            if (string.IsNullOrWhiteSpace(cls)) problems.Add("Archive:RetentionDaysByClass has an entry without a class name.");
            else if (days <= 0) problems.Add($"Archive:RetentionDaysByClass:{cls} must be a positive number of days (is {days}).");
        }
        if (string.IsNullOrWhiteSpace(Path)) problems.Add("Archive:Path must name a folder (default \"archive\", under the data folder).");
        else if (Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0) problems.Add($"Archive:Path '{Path}' is not a valid path.");
        return problems;
    }

    /// <summary>The store folder: <see cref="Path"/> under <paramref name="dataDir"/> unless it is absolute.</summary>
    public string FullPath(string dataDir) => System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDir, Path));
}
