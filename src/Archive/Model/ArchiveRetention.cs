namespace GovGateway.Archive;

/// <summary>How long documents are kept, counted from their last exchange. Null days keep forever.</summary>
public sealed class ArchiveRetention
{
    /// <summary>Days for every class without its own entry; null keeps forever.</summary>
    public int? DefaultDays { get; set; }
    /// <summary>Days per document class; a class listed here overrides <see cref="DefaultDays"/>.</summary>
    public Dictionary<string, int> PerClass { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Days the class is kept; null when forever.</summary>
    public int? DaysFor(string? documentClass) =>
        documentClass is not null && PerClass.TryGetValue(documentClass, out var days) ? days : DefaultDays;

    public static ArchiveRetention From(ArchiveOptions options) => new()
    {
        DefaultDays = options.RetentionDays,
        PerClass = new Dictionary<string, int>(options.RetentionDaysByClass, StringComparer.OrdinalIgnoreCase),
    };
}

public sealed class ArchivePurgeResult
{
    public bool DryRun { get; set; }
    /// <summary>Each removed document (or, in a dry run, each that would be): for the audit chain's record.</summary>
    public List<ArchivePurgedDocument> Removed { get; set; } = [];
    /// <summary>Documents past their retention kept because they are held.</summary>
    public List<string> KeptHeld { get; set; } = [];
}

public sealed class ArchivePurgedDocument
{
    public string Sha256 { get; set; } = "";
    public long Size { get; set; }
    public string? Class { get; set; }
    public string? FileName { get; set; }
    public GovGateway.Audit.AuditDocument Document { get; set; } = new();
    public DateTime LastExchangeUtc { get; set; }
}

public sealed class ArchiveStats
{
    public long Documents { get; set; }
    public long Exchanges { get; set; }
    /// <summary>Bytes of the documents themselves.</summary>
    public long Bytes { get; set; }
    /// <summary>Bytes of the search index (the Lucene folder, or the PostgreSQL text index).</summary>
    public long IndexBytes { get; set; }
    public long Held { get; set; }
}
