using System.Globalization;
using System.Text;
using GovGateway.Audit;

namespace GovGateway.Archive.Text;

/// <summary>
/// The words of a text as both stores index them: runs of letters, digits and combining marks (so "45/GM-STTTT" is
/// 45, GM, STTTT and a word in NFD stays one word), each folded by <see cref="TextFold"/> (case, diacritics, đ → d).
/// </summary>
internal static class FoldedWords
{
    public static bool IsWordChar(int codePoint) => CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark => true,
        _ => false,
    };

    /// <summary>The words as written (not folded), in order.</summary>
    public static List<string> Split(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrEmpty(text)) return words;
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWordChar(rune.Value)) current.Append(rune.ToString());
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0) words.Add(current.ToString());
        return words;
    }

    /// <summary>The folded words, in order; words that fold to nothing (marks alone) are dropped.</summary>
    public static List<string> Of(string? text) =>
        Split(text).Select(w => FastFold.Fold(w)).Where(w => w.Length > 0).ToList();

    /// <summary>A whole value folded for equality (a document type, a notation): folded, inner spaces collapsed.</summary>
    public static string Value(string? text) => string.Join(' ', TextFold.Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
