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

    /// <summary>
    /// A highlighter for one search, used for every hit. It weighs and marks the query's words one by one (a phrase's
    /// words too): span-aware scoring would index each hit's text in memory again, several times slower, for marks that
    /// differ only where a phrase's words also stand apart.
    /// </summary>
    public static Func<string, List<string>> For(TextQuery text, VietnameseAnalyzer analyzer)
    {
        if (text.IsEmpty) return _ => [];
        var terms = text.Words.Concat(text.Phrases.SelectMany(p => p))
            .Select(Audit.TextFold.Fold).Distinct()
            .Select(w => new WeightedTerm(1f, w)).ToArray();
        var highlighter = new Highlighter(new SimpleHTMLFormatter(ArchiveMarks.Start.ToString(), ArchiveMarks.End.ToString()), new QueryTermScorer(terms))
        {
            TextFragmenter = new SimpleFragmenter(FragmentChars),
            MaxDocCharsToAnalyze = MaxCharsAnalyzed,
        };
        return body =>
        {
            if (string.IsNullOrEmpty(body)) return [];
            body = body.Replace(ArchiveMarks.Start.ToString(), "").Replace(ArchiveMarks.End.ToString(), "");
            using var tokens = analyzer.GetTokenStream(Field, new StringReader(body));
            return highlighter.GetBestFragments(tokens, body, MaxPassages)
                .Select(f => Spaces().Replace(f, " ").Trim())
                .Where(f => f.Length > 0)
                .ToList();
        };
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
