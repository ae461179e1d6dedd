namespace GovGateway.Archive.Embedded;

/// <summary>A document in archive.db: its metadata (without exchanges, which have their own rows), its register year and last exchange.</summary>
internal sealed class DocumentRow
{
    public string Id { get; set; } = "";
    public ArchivedDocument Doc { get; set; } = new();
    public int Year { get; set; }
    public DateTime LastUtc { get; set; }
}

/// <summary>The extracted text, apart from the metadata so that lists and registers do not read it.</summary>
internal sealed class TextRow
{
    public string Id { get; set; } = "";
    public string Text { get; set; } = "";
}

/// <summary>One exchange; its id (document, queue id, direction) makes storing it twice a no-op.</summary>
internal sealed class ExchangeRow
{
    public string Id { get; set; } = "";
    public string DocumentId { get; set; } = "";
    public DateTime TimeUtc { get; set; }
    public ArchiveExchange Exchange { get; set; } = new();

    public static string Key(string documentId, ArchiveExchange e) => $"{documentId}|{e.Direction}|{e.QueueId}";
}

/// <summary>A document written to archive.db whose index entry is not yet committed: reindexed at open after a crash.</summary>
internal sealed class PendingRow
{
    public string Id { get; set; } = "";
}
