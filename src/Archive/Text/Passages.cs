using System.Text.RegularExpressions;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;

namespace GovGateway.Archive.Text;

/// <summary>
/// Fragments of a document's text around the words a text query matched, each match between
/// <see cref="ArchiveMarks"/>: the same for both stores (PostgreSQL's ts_headline would parse the original text
/// unfolded and could not mark "chuyển" for "chuyen").
/// </summary>
internal static partial class Passages
{
    public const string Field = "body";
    private const int FragmentChars = 160;
    private const int MaxPassages = 3;
    private const int MaxCharsAnalyzed = 500_000;

    /// <summary>The Lucene query of the text part: a term per word, a phrase per phrase, all required.</summary>
    public static Query? Build(TextQuery text)
    {
        if (text.IsEmpty) return null;
        var all = new BooleanQuery();
        foreach (var word in text.Words)
            all.Add(new TermQuery(new Term(Field, Audit.TextFold.Fold(word))), Occur.MUST);
        foreach (var phrase in text.Phrases)
        {
            var p = new PhraseQuery();
            foreach (var word in phrase) p.Add(new Term(Field, Audit.TextFold.Fold(word)));
            all.Add(p, Occur.MUST);
        }
        return all;
    }

    public static List<string> Highlight(Query? textQuery, string body, VietnameseAnalyzer analyzer)
    {
        if (textQuery is null || string.IsNullOrEmpty(body)) return [];
        body = body.Replace(ArchiveMarks.Start.ToString(), "").Replace(ArchiveMarks.End.ToString(), "");
        var scorer = new QueryScorer(textQuery, Field);
        var highlighter = new Highlighter(new SimpleHTMLFormatter(ArchiveMarks.Start.ToString(), ArchiveMarks.End.ToString()), scorer)
        {
            TextFragmenter = new SimpleSpanFragmenter(scorer, FragmentChars),
            MaxDocCharsToAnalyze = MaxCharsAnalyzed,
        };
        using var tokens = analyzer.GetTokenStream(Field, new StringReader(body));
        return highlighter.GetBestFragments(tokens, body, MaxPassages)
            .Select(f => Spaces().Replace(f, " ").Trim())
            .Where(f => f.Length > 0)
            .ToList();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
