using System.Text;

namespace GovGateway.Policies.Text.Legacy;

/// <summary>
/// VNI (VNI-Windows, "VNI-Times" fonts): a base letter followed by one accent byte, both shown as Windows-1252
/// characters in a Western font ("THOÂNG BAÙO" for THÔNG BÁO). Some letters are single bytes (Ô for Ơ, Ö for Ư,
/// Ñ for Đ, Æ/Ó/Ò for Ỉ/Ĩ/Ị, Î for Ỵ). Table checked against a public keyboard driver's (xvnkb, vni.h) per-letter list.
/// </summary>
internal static class Vni
{
    private const char Acute = '\u0301', Grave = '\u0300', Hook = '\u0309', Tilde = '\u0303', DotBelow = '\u0323';
    private const char Circumflex = '\u0302', Breve = '\u0306';

    /// <summary>What an accent byte adds after a vowel (upper- and lower-case forms are the same accent, drawn at
    /// capital or small-letter height).</summary>
    private static (char? Shape, char? Tone)? Accent(char c) => char.ToLowerInvariant(c) switch
    {
        'ù' => (null, Acute), 'ø' => (null, Grave), 'û' => (null, Hook), 'õ' => (null, Tilde), 'ï' => (null, DotBelow),
        'â' => (Circumflex, null), 'á' => (Circumflex, Acute), 'à' => (Circumflex, Grave), 'å' => (Circumflex, Hook),
        'ã' => (Circumflex, Tilde), 'ä' => (Circumflex, DotBelow),
        'ê' => (Breve, null), 'é' => (Breve, Acute), 'è' => (Breve, Grave), 'ú' => (Breve, Hook), 'ü' => (Breve, Tilde),
        'ë' => (Breve, DotBelow),
        _ => null,
    };

    /// <summary>Letters VNI writes as one byte.</summary>
    private static string? Single(char c) => c switch
    {
        'Ô' => "Ơ", 'ô' => "ơ", 'Ö' => "Ư", 'ö' => "ư", 'Ñ' => "Đ", 'ñ' => "đ",
        'Æ' => "Ỉ", 'æ' => "ỉ", 'Ó' => "Ĩ", 'ó' => "ĩ", 'Ò' => "Ị", 'ò' => "ị", 'Î' => "Ỵ", 'î' => "ỵ",
        _ => null, // Í, Ì, í, ì are themselves
    };

    private static bool IsBaseVowel(char c) => "aeiouyAEIOUY".Contains(c);

    /// <summary>True when <paramref name="accent"/> can follow <paramref name="vowel"/> in VNI: circumflex on a, e, o;
    /// breve on a; tones on any vowel and on ơ, ư.</summary>
    private static bool Fits(char vowel, (char? Shape, char? Tone) accent)
    {
        var v = char.ToLowerInvariant(vowel);
        return accent.Shape switch
        {
            Circumflex => v is 'a' or 'e' or 'o',
            Breve => v is 'a',
            _ => IsBaseVowel(vowel) || v is 'ô' or 'ö',
        };
    }

    public static string Decode(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var isVowel = IsBaseVowel(c) || c is 'ô' or 'ö' or 'Ô' or 'Ö';
            if (isVowel && i + 1 < text.Length && Accent(text[i + 1]) is { } accent && Fits(c, accent))
            {
                var letter = Single(c) ?? c.ToString();
                var composed = letter + (accent.Shape?.ToString() ?? "") + (accent.Tone?.ToString() ?? "");
                sb.Append(composed.Normalize(NormalizationForm.FormC));
                i++;
                continue;
            }
            sb.Append(Single(c) ?? c.ToString());
        }
        return sb.ToString();
    }

    /// <summary>Vowel-plus-accent pairs in <paramref name="text"/>: VNI's mark, since in Western text an accented
    /// Latin-1 letter right after a plain vowel is rare.</summary>
    public static int CountPairs(string text)
    {
        var count = 0;
        for (var i = 0; i + 1 < text.Length; i++)
            if ((IsBaseVowel(text[i]) || text[i] is 'ô' or 'ö' or 'Ô' or 'Ö') && Accent(text[i + 1]) is { } a && Fits(text[i], a)) count++;
        return count;
    }
}
