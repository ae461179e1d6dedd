namespace GovGateway.Archive;

/// <summary>
/// A search. Every field narrows it; none set lists everything, newest first. Text and names are matched folded
/// (case, diacritics, NFC/NFD, đ as d).
/// </summary>
public sealed class ArchiveQuery
{
    /// <summary>Words (all must occur, in the text or the subject); a "quoted phrase" must occur as written, word after word.</summary>
    public string? Text { get; set; }
    /// <summary>Document type (edXML DocumentType), e.g. "Công văn", "Quyết định"; folded, whole value.</summary>
    public string? Type { get; set; }
    /// <summary>The notation ("GM-STTTT") or number and notation ("45/GM-STTTT").</summary>
    public string? Symbol { get; set; }
    /// <summary>Words of the issuing body's name (OrganName) or the issuer part of the notation ("STTTT").</summary>
    public string? Issuer { get; set; }
    /// <summary>Words of the signer's name.</summary>
    public string? Signer { get; set; }
    /// <summary>An exchange at or after this time.</summary>
    public DateTime? SinceUtc { get; set; }
    /// <summary>An exchange before this time.</summary>
    public DateTime? UntilUtc { get; set; }
    /// <summary>True: with a valid signature; false: without.</summary>
    public bool? Signed { get; set; }
    /// <summary>True: with an urgency mark; false: without.</summary>
    public bool? Urgent { get; set; }
    /// <summary>Document class from the policy.</summary>
    public string? Class { get; set; }
    public int Limit { get; set; } = 50;
    public int Offset { get; set; }
}

public sealed class ArchiveSearchResult
{
    /// <summary>All documents that match, not only those in <see cref="Hits"/>.</summary>
    public int Total { get; set; }
    public List<ArchiveHit> Hits { get; set; } = [];
}

public sealed class ArchiveHit
{
    public ArchivedDocument Document { get; set; } = new();
    /// <summary>
    /// Fragments of the text around the matched words, each match between <see cref="ArchiveMarks.Start"/> and
    /// <see cref="ArchiveMarks.End"/> (the caller renders them: «» in a terminal, &lt;mark&gt; in HTML after escaping). Empty without text.
    /// </summary>
    public List<string> Passages { get; set; } = [];
    /// <summary>Relevance; 0 without text. Comparable within one result only.</summary>
    public double Score { get; set; }
}

/// <summary>The markers around a matched word in <see cref="ArchiveHit.Passages"/>: control characters that never occur in extracted text.</summary>
public static class ArchiveMarks
{
    public const char Start = '\u0002';
    public const char End = '\u0003';

    /// <summary>The passage with the markers replaced (e.g. "«", "»"); any marker in the text itself is dropped.</summary>
    public static string Render(string passage, string start, string end) =>
        passage.Replace(Start.ToString(), start).Replace(End.ToString(), end);
}
