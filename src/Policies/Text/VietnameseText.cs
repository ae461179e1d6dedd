using System.Globalization;
using System.Text;

namespace GovGateway.Policies.Text;

/// <summary>
/// Vietnamese-aware text folding: lower case, diacritics removed, đ/Đ → d, so that NFC, NFD,
/// upper and lower case spellings of the same word compare equal.
/// </summary>
public static class VietnameseText
{
    /// <summary>Folds <paramref name="text"/>; whitespace runs become one space and the result is trimmed.</summary>
    public static string Fold(string text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var lastSpace = true;
        foreach (var ch in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
                continue;
            char c = ch switch
            {
                'đ' or 'Đ' or 'ð' or 'Ð' => 'd',
                _ => char.ToLowerInvariant(ch),
            };
            if (char.IsWhiteSpace(c))
            {
                if (!lastSpace) sb.Append(' ');
                lastSpace = true;
                continue;
            }
            sb.Append(c);
            lastSpace = false;
        }
        if (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
        return sb.ToString();
    }

    /// <summary>Folds and turns every run of non letter/digit characters into one space.</summary>
    public static string FoldWords(string text)
    {
        var folded = Fold(text);
        var sb = new StringBuilder(folded.Length);
        var lastSpace = true;
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
                lastSpace = false;
            }
            else if (!lastSpace)
            {
                sb.Append(' ');
                lastSpace = true;
            }
        }
        if (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
        return sb.ToString();
    }

    /// <summary>True when every letter in <paramref name="text"/> is upper case and there is at least one letter.</summary>
    public static bool IsUpperCaseLine(string text) => IsUpperCaseLine(text.Normalize(NormalizationForm.FormC).AsSpan());

    /// <summary>True when the (NFC) text has letters and none of them is lower case.</summary>
    public static bool IsUpperCaseLine(ReadOnlySpan<char> text)
    {
        var letters = 0;
        foreach (var c in text)
        {
            if (!char.IsLetter(c)) continue;
            letters++;
            if (char.IsLower(c)) return false;
        }
        return letters > 0;
    }

    /// <summary>True when <paramref name="phrase"/> (already folded into words) occurs in <paramref name="words"/> on word boundaries.</summary>
    public static bool ContainsWords(string words, string phrase)
    {
        if (phrase.Length == 0) return false;
        var index = 0;
        while ((index = words.IndexOf(phrase, index, StringComparison.Ordinal)) >= 0)
        {
            var startOk = index == 0 || words[index - 1] == ' ';
            var end = index + phrase.Length;
            var endOk = end == words.Length || words[end] == ' ';
            if (startOk && endOk) return true;
            index++;
        }
        return false;
    }
}
