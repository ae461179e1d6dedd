using System.Text.RegularExpressions;
using GovGateway.Policies.Configuration;
using GovGateway.Policies.Text;

namespace GovGateway.Policies.Classification;

/// <summary>How one document was classified.</summary>
internal sealed record ClassificationResult(DocumentClass Class, string ClassifiedBy, string? Symbol, bool Secret)
{
    public static ClassificationResult Nothing { get; } = new(DocumentClass.Other, "none", null, false);
}

/// <summary>
/// Classifies a document per Decree 30/2020, strongest evidence first: the number/symbol line and
/// its type abbreviation, the type heading, the national motto, then the file name, then the
/// message subject. Content always beats a misleading file name or a "Re: Giấy mời" subject.
/// </summary>
internal sealed partial class DocumentClassifier(PolicySettings settings)
{
    // "Số: 45/GM-STTTT", "Số 12/2020/NĐ-CP", "Số: 1520/STTTT-CĐS". The "Số" word is checked folded below.
    // The text is the sender's, so the regex runs without backtracking (linear in the line's length): with backtracking,
    // "\s*[:.]?\s*" tried every split of a run of spaces, and "Số" + 200,000 spaces cost 67 s of CPU. The non-backtracking
    // engine has no look-behind, so the character before "Số" (or the line start) is part of the match instead.
    [GeneratedRegex(@"(?:^|[^\p{L}\d])(?<so>S\p{L}{1,2})\s*[:.]?\s*(?<num>\d{1,6})\s*/\s*(?:(?<year>\d{4})\s*/\s*)?(?<sym>[\p{L}\d]+(?:\s*-\s*[\p{L}\d]+)*)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex SymbolLine();

    // Symbol-like groups in file names: "45-GM-STTTT", "56_TB_VPCP", "GM-UBND".
    [GeneratedRegex(@"[^\p{L}\d]+", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex NonWord();

    private const string NationalMotto = "cong hoa xa hoi chu nghia viet nam";

    /// <summary>How many leading lines hold a document's heading, number/symbol and motto.</summary>
    public const int HeadLines = 80;

    /// <summary>Longest line that can be a secret or urgency stamp.</summary>
    public const int MaxStampLength = 60;

    /// <summary>Classifies a document from its text lines, then its file name, then the subject.</summary>
    public ClassificationResult Classify(IReadOnlyList<string> lines, string fileName, string? subject, bool isDocumentType)
    {
        lines = Nfc(lines);
        var secret = HasSecretStamp(lines);
        var fromContent = FromContent(lines);
        if (fromContent is not null) return fromContent with { Secret = secret };
        if (FromFileName(fileName) is { } byName) return new ClassificationResult(byName, "filename", null, secret);
        if (isDocumentType && subject is not null && FromSubject(subject) is { } bySubject)
            return new ClassificationResult(bySubject, "subject", null, secret);
        return new ClassificationResult(DocumentClass.Other, "none", null, secret);
    }

    /// <summary>Content evidence only (used for message bodies): symbol line, type heading or motto.</summary>
    public ClassificationResult? FromContent(IReadOnlyList<string> lines)
    {
        lines = Nfc(lines);
        string? symbol = null;
        DocumentClass? symbolClass = null;
        DocumentClass? headingClass = null;
        var motto = false;
        foreach (var line in lines.Take(HeadLines))
        {
            if (symbol is null && FindSymbol(line) is { } found)
            {
                symbol = found.Symbol;
                symbolClass = found.Class;
            }
            var folded = VietnameseText.FoldWords(line);
            if (headingClass is null && VietnameseText.IsUpperCaseLine(line) && HeadingClass(folded) is { } heading) headingClass = heading;
            if (folded.Contains(NationalMotto, StringComparison.Ordinal)) motto = true;
        }
        // A type abbreviation in the symbol is the most specific evidence; a công văn symbol (no
        // abbreviation) yields to a type heading, which is more specific than "some document".
        if (symbolClass is { } typed) return new ClassificationResult(typed, "content-symbol", symbol, false);
        if (headingClass is { } h) return new ClassificationResult(h, "content-heading", symbol, false);
        if (symbol is not null) return new ClassificationResult(DocumentClass.WorkDocument, "content-symbol", symbol, false);
        if (motto) return new ClassificationResult(DocumentClass.WorkDocument, "content-motto", null, false);
        return null;
    }

    /// <summary>Finds "Số: n/SYMBOL" in a line; the class comes from the first symbol group when it is a type abbreviation.</summary>
    internal (string Symbol, DocumentClass? Class)? FindSymbol(string line)
    {
        foreach (Match match in SymbolLine().Matches(line))
        {
            if (VietnameseText.Fold(match.Groups["so"].Value) != "so") continue;
            var groups = string.Concat(match.Groups["sym"].Value.Where(c => !char.IsWhiteSpace(c))).Split('-', StringSplitOptions.RemoveEmptyEntries);
            // Every group of a symbol is written in capitals (Decree 30); "Số 3/tháng" is not a symbol.
            if (groups.Length == 0 || !groups.All(g => g.All(char.IsDigit) || char.IsUpper(g.First(char.IsLetter)))) continue;
            if (!groups.Any(g => g.Any(char.IsLetter))) continue;
            var year = match.Groups["year"].Success ? match.Groups["year"].Value + "/" : string.Empty;
            var symbol = $"{match.Groups["num"].Value}/{year}{string.Join('-', groups)}";
            DocumentClass? cls = null;
            if (groups.Length >= 2) cls = AbbreviationClass(VietnameseText.Fold(groups[0]));
            return (symbol, cls);
        }
        return null;
    }

    private DocumentClass? AbbreviationClass(string foldedAbbreviation)
    {
        foreach (var keywords in settings.Classes)
            if (keywords.Abbreviations.Contains(foldedAbbreviation)) return keywords.Class;
        return null;
    }

    private DocumentClass? HeadingClass(string foldedLine)
    {
        // Longest heading first so "TÀI LIỆU PHỤC VỤ CUỘC HỌP" wins over shorter ones.
        DocumentClass? best = null;
        var bestLength = 0;
        foreach (var keywords in settings.Classes)
            foreach (var heading in keywords.Headings)
                if (heading.Length > bestLength && StartsWithWords(foldedLine, heading))
                {
                    best = keywords.Class;
                    bestLength = heading.Length;
                }
        return best;
    }

    // The line is the heading, or starts with it followed by a space; without building heading + " " per heading and line
    // (that concatenation was a fifth of all the gateway allocated for a message of upper-case lines).
    private static bool StartsWithWords(string line, string heading) =>
        line.StartsWith(heading, StringComparison.Ordinal) && (line.Length == heading.Length || line[heading.Length] == ' ');

    internal DocumentClass? FromFileName(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName.Replace('\\', '/').Split('/').Last());
        var words = VietnameseText.Fold(NonWord().Replace(VietnameseText.Fold(stem), " ")).Trim();
        var joined = words.Replace(" ", string.Empty, StringComparison.Ordinal);
        DocumentClass? best = null;
        var bestLength = 0;
        foreach (var keywords in settings.Classes)
            foreach (var keyword in keywords.FileNames)
            {
                // Short keywords (gm, tb, bc) must be whole words; long ones may also be run together.
                var hit = VietnameseText.ContainsWords(words, keyword) ||
                          (keyword.Length >= 6 && joined.Contains(keyword.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal));
                if (hit && keyword.Length > bestLength)
                {
                    best = keywords.Class;
                    bestLength = keyword.Length;
                }
            }
        return best;
    }

    internal DocumentClass? FromSubject(string subject)
    {
        var words = VietnameseText.FoldWords(subject);
        DocumentClass? best = null;
        var bestLength = 0;
        foreach (var keywords in settings.Classes)
            foreach (var keyword in keywords.Subjects)
                if (keyword.Length > bestLength && VietnameseText.ContainsWords(words, keyword))
                {
                    best = keywords.Class;
                    bestLength = keyword.Length;
                }
        return best;
    }

    /// <summary>
    /// A secrecy stamp is a line of its own in capitals made only of stamps and urgency marks
    /// ("MẬT", "TỐI MẬT", "HỎA TỐC - MẬT"); "mật khẩu" or "BẢO VỆ BÍ MẬT NHÀ NƯỚC" are not stamps.
    /// </summary>
    public bool HasSecretStamp(IReadOnlyList<string> lines)
    {
        lines = Nfc(lines);
        var stamps = settings.SecretStamps.Select(VietnameseText.FoldWords).ToArray();
        var marks = stamps.Concat(settings.UrgencyMarks.Select(VietnameseText.FoldWords)).OrderByDescending(s => s.Length).ToArray();
        foreach (var line in lines)
        {
            if (line.Length > MaxStampLength || !VietnameseText.IsUpperCaseLine(line)) continue;
            var rest = " " + VietnameseText.FoldWords(line) + " ";
            var sawSecret = false;
            var progress = true;
            while (progress && rest.Trim().Length > 0)
            {
                progress = false;
                foreach (var mark in marks)
                {
                    var padded = " " + mark + " ";
                    if (rest.StartsWith(padded, StringComparison.Ordinal))
                    {
                        if (stamps.Contains(mark)) sawSecret = true;
                        rest = rest[(padded.Length - 1)..];
                        progress = true;
                        break;
                    }
                }
            }
            if (sawSecret && rest.Trim().Length == 0) return true;
        }
        return false;
    }

    /// <summary>Text may arrive decomposed (NFD, e.g. from macOS); patterns are written for composed text.</summary>
    private static IReadOnlyList<string> Nfc(IReadOnlyList<string> lines) =>
        lines.All(l => l.IsNormalized(System.Text.NormalizationForm.FormC)) ? lines : lines.Select(l => l.Normalize(System.Text.NormalizationForm.FormC)).ToArray();
}
