namespace GovGateway.Archive.Text;

/// <summary>
/// What the user typed in the text box: loose words (every one must occur) and "quoted phrases" (their words must
/// occur one after the other). An unclosed quote runs to the end. A quoted single word is a word.
/// </summary>
internal sealed class TextQuery
{
    /// <summary>Words as written (each one folded word).</summary>
    public List<string> Words { get; } = [];
    /// <summary>Each phrase's words as written.</summary>
    public List<List<string>> Phrases { get; } = [];

    public bool IsEmpty => Words.Count == 0 && Phrases.Count == 0;

    public static TextQuery Parse(string? text)
    {
        var query = new TextQuery();
        if (string.IsNullOrWhiteSpace(text)) return query;
        // Typographic quotes are quotes too: a query pasted from a document has them.
        var parts = text.Replace('“', '"').Replace('”', '"').Split('"');
        for (int i = 0; i < parts.Length; i++)
        {
            var words = FoldedWords.Split(parts[i]).Where(w => Audit.TextFold.Fold(w).Length > 0).ToList();
            if (i % 2 == 1 && words.Count > 1) query.Phrases.Add(words);
            else query.Words.AddRange(words);
        }
        return query;
    }
}
