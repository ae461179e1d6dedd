using GovGateway.Archive.Text;

namespace GovGateway.Archive.Core;

/// <summary>
/// A document's metadata as both stores filter on it, folded the same way the query is: so the same query finds the
/// same documents through Lucene and through PostgreSQL.
/// </summary>
internal sealed class FilterValues
{
    public string Type { get; private init; } = "";
    public string Notation { get; private init; } = "";
    public int? Number { get; private init; }
    public string[] IssuerWords { get; private init; } = [];
    public string[] SignerWords { get; private init; } = [];
    public string Class { get; private init; } = "";
    public bool Signed { get; private init; }
    public bool Urgent { get; private init; }

    public static FilterValues Of(ArchivedDocument d)
    {
        var issuer = FoldedWords.Of(d.Document.OrganName);
        issuer.AddRange(FoldedWords.Of(Core.Notation.Issuer(d.Document.CodeNotation)));
        var signer = FoldedWords.Of(d.Document.SignerInfo?.FullName);
        signer.AddRange(FoldedWords.Of(d.Document.SignerInfo?.Certificate));
        return new FilterValues
        {
            Type = FoldedWords.Value(d.Document.DocumentType),
            Notation = Core.Notation.Fold(d.Document.CodeNotation),
            Number = Core.Notation.Number(d.Document.CodeNumber),
            IssuerWords = issuer.Distinct().ToArray(),
            SignerWords = signer.Distinct().ToArray(),
            Class = (d.Class ?? "").ToLowerInvariant(),
            Signed = d.Signed,
            Urgent = d.Urgent,
        };
    }

    /// <summary>The text both stores index: the subject, then the extracted text.</summary>
    public static string Body(ArchivedDocument d, string text) =>
        string.IsNullOrEmpty(d.Document.Subject) ? text : d.Document.Subject + "\n" + text;
}

/// <summary>The query's filters folded as <see cref="FilterValues"/> is.</summary>
internal sealed class QueryFilters
{
    public string? Type { get; private init; }
    public string? Notation { get; private init; }
    public int? Number { get; private init; }
    public string[] IssuerWords { get; private init; } = [];
    public string[] SignerWords { get; private init; } = [];
    public string? Class { get; private init; }

    public static QueryFilters Of(ArchiveQuery q)
    {
        (int? number, string? notation) = string.IsNullOrWhiteSpace(q.Symbol) ? (null, null) : Core.Notation.ParseQuery(q.Symbol);
        return new QueryFilters
        {
            Type = string.IsNullOrWhiteSpace(q.Type) ? null : FoldedWords.Value(q.Type),
            Notation = string.IsNullOrEmpty(notation) ? null : notation,
            Number = number,
            IssuerWords = FoldedWords.Of(q.Issuer).Distinct().ToArray(),
            SignerWords = FoldedWords.Of(q.Signer).Distinct().ToArray(),
            Class = string.IsNullOrWhiteSpace(q.Class) ? null : q.Class.Trim().ToLowerInvariant(),
        };
    }

    public static void Check(ArchiveQuery q)
    {
        if (q.Limit is < 1 or > 10_000)
            throw new ArchiveException($"Số kết quả tối đa phải từ 1 đến 10000 (là {q.Limit}). / The limit must be between 1 and 10000 (is {q.Limit}).");
        if (q.Offset < 0)
            throw new ArchiveException($"Vị trí bắt đầu không được âm (là {q.Offset}). / The offset must not be negative (is {q.Offset}).");
        if (q.SinceUtc is { } s && q.UntilUtc is { } u && u <= s)
            throw new ArchiveException($"Thời điểm kết thúc ({u:O}) phải sau thời điểm bắt đầu ({s:O}). / Until ({u:O}) must be after since ({s:O}).");
    }
}
