using System.Text.RegularExpressions;
using GovGateway.Policies.Configuration;
using GovGateway.Policies.Text;

namespace GovGateway.Policies.Classification;

/// <summary>How one document was classified.</summary>
internal sealed record ClassificationResult(DocumentClass Class, string ClassifiedBy, string? Symbol, bool Secret, Urgency Urgency = Urgency.None)
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
        var stamps = ReadStamps(lines);
        var secret = stamps.Secrecy is not null;
        var fromContent = FromContent(lines);
        if (fromContent is not null) return fromContent with { Secret = secret, Urgency = stamps.Urgency };
        if (FromFileName(fileName) is { } byName) return new ClassificationResult(byName, "filename", null, secret, stamps.Urgency);
        if (isDocumentType && subject is not null && FromSubject(subject) is { } bySubject)
            return new ClassificationResult(bySubject, "subject", null, secret, stamps.Urgency);
        return new ClassificationResult(DocumentClass.Other, "none", null, secret, stamps.Urgency);
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

    /// <summary>The type heading a line starts with, as the document writes it ("BÁO CÁO"), or null.</summary>
    internal string? TypeHeading(string line)
    {
        if (!VietnameseText.IsUpperCaseLine(line)) return null;
        var folded = VietnameseText.FoldWords(line);
        string? best = null;
        foreach (var keywords in settings.Classes)
            foreach (var heading in keywords.Headings)
                if ((best is null || heading.Length > best.Length) && StartsWithWords(folded, heading)) best = heading;
        if (best is null) return null;
        return string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(best.Split(' ').Length));
    }

    /// <summary>The class an edXML package's type name ("Giấy mời", "Báo cáo") or notation ("GM-UBND") says.</summary>
    internal DocumentClass? ClassOfType(string? typeName, string? notation)
    {
        if (!string.IsNullOrWhiteSpace(typeName) && HeadingClass(VietnameseText.FoldWords(typeName)) is { } byName) return byName;
        var groups = notation?.Split('/').Last().Split('-', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return groups.Length >= 2 ? AbbreviationClass(VietnameseText.Fold(groups[0])) : null;
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
    public bool HasSecretStamp(IReadOnlyList<string> lines) => ReadStamps(lines).Secrecy is not null;

    /// <summary>The stamps found on lines made only of stamps and urgency marks: the first secrecy stamp as printed
    /// ("TỐI MẬT") and the highest urgency ("HỎA TỐC" over "KHẨN"). An urgency mark inside a sentence is not one.</summary>
    public (string? Secrecy, Urgency Urgency) ReadStamps(IReadOnlyList<string> lines)
    {
        lines = Nfc(lines);
        var stamps = settings.SecretStamps.Select(VietnameseText.FoldWords).ToArray();
        var marks = stamps.Concat(settings.UrgencyMarks.Select(VietnameseText.FoldWords)).OrderByDescending(s => s.Length).ToArray();
        string? secrecy = null;
        var urgency = Urgency.None;
        foreach (var line in lines)
        {
            if (line.Length > MaxStampLength || !VietnameseText.IsUpperCaseLine(line)) continue;
            var rest = " " + VietnameseText.FoldWords(line) + " ";
            string? lineSecret = null;
            var lineUrgency = Urgency.None;
            var progress = true;
            while (progress && rest.Trim().Length > 0)
            {
                progress = false;
                foreach (var mark in marks)
                {
                    var padded = " " + mark + " ";
                    if (rest.StartsWith(padded, StringComparison.Ordinal))
                    {
                        if (stamps.Contains(mark)) lineSecret ??= settings.SecretStamps.First(s => VietnameseText.FoldWords(s) == mark);
                        else lineUrgency = (Urgency)Math.Max((int)lineUrgency, (int)UrgencyNames.FromFoldedMark(mark));
                        rest = rest[(padded.Length - 1)..];
                        progress = true;
                        break;
                    }
                }
            }
            if (rest.Trim().Length != 0) continue;
            secrecy ??= lineSecret;
            if (lineUrgency > urgency) urgency = lineUrgency;
        }
        return (secrecy, urgency);
    }

    /// <summary>
    /// Content evidence for a message body. A body that only mentions a document ("Phòng gửi Báo cáo số 07/BC-VHTT đã
    /// ký số") is a cover note, not a document: a body counts only when laid out as Decree 30 places a document's parts,
    /// its number/symbol line on a line of its own ("Số: 07/BC-VHTT", perhaps beside the place and date) together with
    /// a type heading, the national motto or a "V/v" excerpt; or a type heading with the motto.
    /// </summary>
    public ClassificationResult? FromBodyLayout(IReadOnlyList<string> lines)
    {
        lines = Nfc(lines);
        var symbolLine = false;
        var heading = false;
        var motto = false;
        var excerpt = false;
        foreach (var line in lines.Take(HeadLines))
        {
            if (!symbolLine && IsSymbolLine(line)) symbolLine = true;
            var folded = VietnameseText.FoldWords(line);
            if (VietnameseText.IsUpperCaseLine(line) && HeadingClass(folded) is not null) heading = true;
            if (folded.Contains(NationalMotto, StringComparison.Ordinal)) motto = true;
            if (folded.StartsWith("v v ", StringComparison.Ordinal) && line.TrimStart().StartsWith("V/v", StringComparison.OrdinalIgnoreCase)) excerpt = true;
        }
        var laidOut = symbolLine && (heading || motto || excerpt) || heading && motto;
        return laidOut ? FromContent(lines) : null;
    }

    /// <summary>A line that starts with the number/symbol ("Số: 07/BC-VHTT"); what follows may only be the place and date
    /// typed beside it, as the two columns of a document's head come out in plain text.</summary>
    private bool IsSymbolLine(string line)
    {
        var trimmed = line.TrimStart();
        if (FindSymbol(trimmed) is not { } found) return false;
        var match = SymbolLine().Match(trimmed);
        if (!match.Success || match.Index != 0) return false;
        var after = trimmed[(match.Index + match.Length)..].Trim();
        return after.Length == 0 || VietnameseText.FoldWords(after).Contains(" ngay ", StringComparison.Ordinal) || found.Symbol.Length == 0;
    }

    /// <summary>Text may arrive decomposed (NFD, e.g. from macOS); patterns are written for composed text.</summary>
    private static IReadOnlyList<string> Nfc(IReadOnlyList<string> lines) =>
        lines.All(l => l.IsNormalized(System.Text.NormalizationForm.FormC)) ? lines : lines.Select(l => l.Normalize(System.Text.NormalizationForm.FormC)).ToArray();
}
