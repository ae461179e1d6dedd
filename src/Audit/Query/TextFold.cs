using System.Globalization;
using System.Text;

namespace GovGateway.Audit;

/// <summary>Folds Vietnamese text for comparison: NFC and NFD alike, diacritics and case removed, đ → d.</summary>
public static class TextFold
{
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            sb.Append(c is 'đ' or 'Đ' ? 'd' : char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    public static bool Contains(string? haystack, string foldedNeedle) => Fold(haystack).Contains(foldedNeedle, StringComparison.Ordinal);
}
