using System.Globalization;
using System.Text.RegularExpressions;
using GovGateway.Policies.Classification;
using GovGateway.Policies.Text;

namespace GovGateway.Policies.Documents;

/// <summary>
/// Reads a document's Decree 30 metadata from its text lines, as its layout places them: issuing body top left above
/// the number/symbol, place and date at the right, the type heading with the excerpt under it (or "V/v ..." for a công
/// văn), "Kính gửi" / "Nơi nhận" for recipients, and the signature block (competence, position, name) at the end.
/// What the layout does not state stays null.
/// </summary>
internal sealed partial class MetadataExtractor(DocumentClassifier classifier)
{
    // The sender's text: every pattern runs without backtracking.
    [GeneratedRegex(@"C[ỘO]NG\s+H[ÒOÀ]A\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM|Đ[ộo]c\s+l[ậa]p\s*[-–]\s*T[ựu]\s+do\s*[-–]\s*H[ạa]nh\s+ph[úu]c",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Motto();

    [GeneratedRegex(@",\s*ng[àa]y\s+(?<d>\d{1,2})\s+th[áa]ng\s+(?<m>\d{1,2})\s+n[ăa]m\s+(?<y>\d{4})",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex PlaceDate();

    [GeneratedRegex(@"^(?<c>TM|KT|TL|TUQ|Q)\s*\.\s*(?<for>.+)$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Competence();

    // Titles that head a signature block (folded), longest wins.
    private static readonly string[] Positions =
    [
        "thu tuong", "pho thu tuong", "bo truong", "thu truong", "chu tich", "pho chu tich", "giam doc", "pho giam doc",
        "chanh van phong", "pho chanh van phong", "truong phong", "pho truong phong", "cuc truong", "pho cuc truong",
        "tong cuc truong", "vu truong", "vien truong", "hieu truong", "truong ban", "pho truong ban", "chanh thanh tra",
        "chanh an", "vien truong", "bi thu", "pho bi thu", "tong giam doc", "pho tong giam doc", "truong khoa", "chi cuc truong",
    ];

    public DocumentMetadata Extract(IReadOnlyList<string> lines, ClassificationResult classification, string? secrecy, string? signerCertificate)
    {
        var head = lines.Take(DocumentClassifier.HeadLines).ToList();
        var (number, notation) = SplitSymbol(classification.Symbol);
        var symbolIndex = classification.Symbol is null ? -1 : head.FindIndex(l => classifier.FindSymbol(l) is not null);
        var (type, typeIndex) = TypeHeading(head);
        var (organ, parent) = Organs(head, symbolIndex, typeIndex);
        var (place, date) = PlaceAndDate(head);
        var (competence, position, name) = Signer(lines);
        return new DocumentMetadata
        {
            CodeNumber = number,
            CodeNotation = notation,
            DocumentType = type ?? (head.Any(IsExcerptLine) && number is not null ? "Công văn" : null),
            OrganName = organ,
            ParentOrganName = parent,
            PromulgationPlace = place,
            PromulgationDate = date,
            Subject = Excerpt(head, typeIndex),
            SignerCompetence = competence,
            SignerPosition = position,
            SignerFullName = name,
            SignerCertificate = signerCertificate,
            Priority = classification.Urgency,
            Secrecy = secrecy,
            Recipients = Recipients(lines),
        };
    }

    private static (string?, string?) SplitSymbol(string? symbol)
    {
        if (symbol is null) return (null, null);
        var slash = symbol.IndexOf('/');
        return slash < 0 ? (null, symbol) : (symbol[..slash], symbol[(slash + 1)..]);
    }

    /// <summary>The issuing body and its superior: the upper-case lines above the number/symbol, the motto taken out
    /// (plain text puts the two heading columns side by side on one line).</summary>
    private (string? Organ, string? Parent) Organs(List<string> head, int symbolIndex, int typeIndex)
    {
        var end = symbolIndex >= 0 ? symbolIndex : Math.Min(head.Count, 6);
        if (typeIndex >= 0) end = Math.Min(end, typeIndex);
        var names = new List<string>();
        for (var i = 0; i < end; i++)
        {
            // A stamp ("MẬT", "HỎA TỐC") printed above the number is not the issuing body.
            var stamps = classifier.ReadStamps([head[i]]);
            if (stamps.Secrecy is not null || stamps.Urgency != Urgency.None) continue;
            var text = Motto().Replace(head[i], " ");
            var symbolAt = text.IndexOf("Số", StringComparison.OrdinalIgnoreCase);
            text = text.Trim(' ', '-', '_', '–', '\t');
            if (!text.Any(char.IsLetter) || !VietnameseText.IsUpperCaseLine(text) || text.Length > 120) continue;
            if (symbolAt >= 0 && i == end - 1 && symbolIndex < 0) continue;
            names.Add(string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        }
        return names.Count switch
        {
            0 => (null, null),
            1 => (names[0], null),
            _ => (names[^1], names[^2]),
        };
    }

    private static (string? Place, string? Date) PlaceAndDate(List<string> head)
    {
        foreach (var line in head)
        {
            var match = PlaceDate().Match(line);
            if (!match.Success) continue;
            string? date = null;
            if (int.TryParse(match.Groups["d"].Value, out var d) && int.TryParse(match.Groups["m"].Value, out var m) && int.TryParse(match.Groups["y"].Value, out var y)
                && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(Math.Clamp(y, 1, 9999), m))
                date = new DateOnly(y, m, d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            // The place is the words before ", ngày" that are not the symbol or the issuing body typed beside it.
            var words = line[..match.Index].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var kept = new List<string>();
            for (var i = words.Length - 1; i >= 0; i--)
            {
                var w = words[i];
                if (w.Contains('/') || w.Contains(':') || w.Any(char.IsDigit)) break;
                if (w.Length > 1 && w.All(c => !char.IsLetter(c) || char.IsUpper(c)) && kept.Count > 0) break;
                kept.Insert(0, w);
            }
            var place = kept.Count == 0 ? null : string.Join(' ', kept).Trim(' ', ',', '-');
            return (string.IsNullOrEmpty(place) ? null : place, date);
        }
        return (null, null);
    }

    private (string? Type, int Index) TypeHeading(List<string> head)
    {
        for (var i = 0; i < head.Count; i++)
            if (classifier.TypeHeading(head[i]) is { } type) return (type, i);
        return (null, -1);
    }

    private static bool IsExcerptLine(string line) => line.TrimStart().StartsWith("V/v", StringComparison.OrdinalIgnoreCase);

    /// <summary>"V/v ..." wherever it is, else the line under the type heading (the excerpt of a typed document).</summary>
    private static string? Excerpt(List<string> head, int typeIndex)
    {
        if (head.FirstOrDefault(IsExcerptLine) is { } vv) return vv.Trim();
        if (typeIndex < 0 || typeIndex + 1 >= head.Count) return null;
        var next = head[typeIndex + 1].Trim();
        var folded = VietnameseText.FoldWords(next);
        if (folded.StartsWith("kinh gui", StringComparison.Ordinal) || folded.StartsWith("can cu", StringComparison.Ordinal)) return null;
        return next;
    }

    /// <summary>The signature block, read from the end: the name under the position, the position under the
    /// competence ("KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" / "Nguyễn Văn A").</summary>
    private static (string? Competence, string? Position, string? Name) Signer(IReadOnlyList<string> lines)
    {
        string? competence = null, position = null, name = null;
        var positionIndex = -1;
        for (var i = lines.Count - 1; i >= 0 && i >= lines.Count - 40; i--)
        {
            var line = AfterRecipientsColumn(lines[i]);
            if (Competence().Match(line) is { Success: true } c && VietnameseText.IsUpperCaseLine(line))
            {
                competence = line.Trim();
                if (position is null) position = c.Groups["for"].Value.Trim();
                positionIndex = i;
                break;
            }
            if (position is null && VietnameseText.IsUpperCaseLine(line) && IsPosition(line))
            {
                position = line.Trim();
                positionIndex = i;
            }
        }
        if (positionIndex >= 0)
            for (var i = lines.Count - 1; i > positionIndex; i--)
                if (IsPersonName(lines[i])) { name = lines[i].Trim(); break; }
        return (competence, position, name);
    }

    /// <summary>Plain text puts "Nơi nhận:" and the signer's title on one line: the title is what follows it.</summary>
    private static string AfterRecipientsColumn(string line)
    {
        var at = line.IndexOf("Nơi nhận:", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? line : line[(at + "Nơi nhận:".Length)..].Trim();
    }

    private static bool IsPosition(string line)
    {
        var folded = VietnameseText.FoldWords(line);
        return Positions.Any(p => folded == p || folded.StartsWith(p + " ", StringComparison.Ordinal));
    }

    /// <summary>"Nguyễn Văn A": two to six words, each capitalised, no digits or punctuation.</summary>
    private static bool IsPersonName(string line)
    {
        var words = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is < 2 or > 6) return false;
        return words.All(w => char.IsUpper(w[0]) && w.All(char.IsLetter) && (w.Length == 1 || w.Skip(1).All(char.IsLower)));
    }

    /// <summary>"Kính gửi: A; B" and the dashed lines under "Nơi nhận:", without the file copy ("Lưu: VT").</summary>
    private static IReadOnlyList<string> Recipients(IReadOnlyList<string> lines)
    {
        var found = new List<string>();
        var inList = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            var folded = VietnameseText.FoldWords(line);
            if (folded.StartsWith("kinh gui", StringComparison.Ordinal) || folded.StartsWith("noi nhan", StringComparison.Ordinal))
            {
                inList = true;
                var colon = line.IndexOf(':');
                var rest = colon < 0 ? string.Empty : line[(colon + 1)..];
                if (folded.StartsWith("kinh gui", StringComparison.Ordinal)) Add(rest);
                continue;
            }
            if (!inList) continue;
            if (line.StartsWith('-') || line.StartsWith('+') || line.StartsWith('•')) Add(line.TrimStart('-', '+', '•', ' '));
            else inList = false;
        }
        return found.Distinct().ToList();

        void Add(string entry)
        {
            foreach (var part in entry.Split(';'))
            {
                var e = part.Trim().TrimEnd('.', ',', ';').Trim();
                if (e.Length == 0 || VietnameseText.FoldWords(e).StartsWith("luu", StringComparison.Ordinal)) continue;
                found.Add(e);
            }
        }
    }
}
