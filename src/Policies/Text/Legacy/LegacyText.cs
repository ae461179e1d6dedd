namespace GovGateway.Policies.Text.Legacy;

/// <summary>
/// Finds and decodes legacy Vietnamese text: by font name first (what the document says it was typed in), then by
/// the text's own statistics when no font is named (plain text, a DOCX whose fonts come from elsewhere).
/// </summary>
internal static class LegacyText
{
    /// <summary>Fewest legacy marks before statistics call a text TCVN3 or VNI: one stray "©" or "Renée" is not enough.</summary>
    private const int MinimumEvidence = 2;

    /// <summary>The encoding a font name implies, and whether it draws every letter as a capital (".VnTimeH").
    /// PDF subset prefixes ("ABCDEF+.VnTime") and PDF name escapes are tolerated.</summary>
    public static (TextEncoding Encoding, bool Capitals) FromFontName(string? fontName)
    {
        if (string.IsNullOrEmpty(fontName)) return (TextEncoding.Unicode, false);
        var name = fontName;
        var plus = name.IndexOf('+');
        if (plus is >= 0 and <= 7) name = name[(plus + 1)..];
        name = name.Replace("#20", " ", StringComparison.Ordinal).Trim();
        // ".VnTime", ".VnTimeH", ".VnArial NarrowH", ".VnCentury Schoolbook"; some PDF producers drop the dot.
        if (name.StartsWith(".Vn", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Vn", StringComparison.Ordinal) && name.Length > 2 && char.IsUpper(name[2]))
        {
            var family = name.Split(',')[0].TrimEnd();
            foreach (var style in (string[])["-BoldItalic", "-Bold", "-Italic", "-Regular"])
                if (family.EndsWith(style, StringComparison.OrdinalIgnoreCase)) family = family[..^style.Length];
            return (TextEncoding.Tcvn3, family.EndsWith('H'));
        }
        if (name.StartsWith("VNI-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VNI ", StringComparison.OrdinalIgnoreCase))
            return (TextEncoding.Vni, false);
        return (TextEncoding.Unicode, false);
    }

    /// <summary>Which encoding the text looks written in. Unicode Vietnamese letters (ă, ơ, ư, đ, ạ...) outvote
    /// legacy marks, so Unicode text is never decoded twice.</summary>
    public static TextEncoding Detect(string text)
    {
        int unicode = 0, tcvn3 = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsVietnameseOnly(c)) unicode++;
            else if (Tcvn3.IsSignature(c) && (i > 0 && char.IsLetter(text[i - 1]) || i + 1 < text.Length && char.IsLetter(text[i + 1]))) tcvn3++;
        }
        var vni = Vni.CountPairs(text);
        var best = Math.Max(tcvn3, vni);
        if (best < MinimumEvidence || best <= unicode) return TextEncoding.Unicode;
        return tcvn3 >= vni ? TextEncoding.Tcvn3 : TextEncoding.Vni;
    }

    /// <summary>True when the text already holds Unicode Vietnamese letters (which no legacy font text has).</summary>
    public static bool HasUnicodeVietnamese(string text)
    {
        foreach (var c in text)
            if (IsVietnameseOnly(c)) return true;
        return false;
    }

    /// <summary>Decodes <paramref name="text"/>; when the font does not say whether letters are capitals (statistics,
    /// or a TCVN3 font without "H"), a line whose plain letters are all capitals is taken as a capitals line
    /// ("MËT" is MẬT, typed in .VnTimeH).</summary>
    public static string Decode(string text, TextEncoding encoding, bool capitals = false) => encoding switch
    {
        TextEncoding.Tcvn3 when capitals => Tcvn3.Decode(text, capitals: true),
        TextEncoding.Tcvn3 => CapitalsByLine(text),
        TextEncoding.Vni => Vni.Decode(text),
        _ => text,
    };

    private static string CapitalsByLine(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            int upper = 0, lower = 0;
            foreach (var c in line)
            {
                if (c is >= 'A' and <= 'Z') upper++;
                else if (c is >= 'a' and <= 'z') lower++;
            }
            lines[i] = Tcvn3.Decode(line, capitals: upper >= 2 && lower == 0);
        }
        return string.Join('\n', lines);
    }

    // Letters Vietnamese has and Latin-1 does not: ă, đ, ĩ, ũ, ơ, ư and the U+1EA0..U+1EF9 block.
    private static bool IsVietnameseOnly(char c) =>
        c is 'ă' or 'Ă' or 'đ' or 'Đ' or 'ĩ' or 'Ĩ' or 'ũ' or 'Ũ' or 'ơ' or 'Ơ' or 'ư' or 'Ư' || c is >= '\u1EA0' and <= '\u1EF9';
}
