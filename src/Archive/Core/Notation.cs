using System.Globalization;
using GovGateway.Audit;

namespace GovGateway.Archive.Core;

/// <summary>
/// Decree 30 number and notation ("45/GM-STTTT": number 45, notation GM-STTTT, the type's abbreviation GM, the issuing
/// body STTTT). A công văn has no type abbreviation: its notation is the body's plus the drafting unit's ("05/BNV-VP":
/// issuer BNV).
/// </summary>
internal static class Notation
{
    // Decree 30 appendix: the type abbreviations, folded (QĐ → qd). A first group that is one of them is the type.
    private static readonly HashSet<string> TypeAbbreviations = new(
        ["nq", "qd", "ct", "qc", "qyd", "tc", "tb", "hd", "ctr", "kh", "pa", "da", "bc", "bb", "ttr", "cd", "bgn", "btt",
         "guq", "gm", "ggt", "gnp", "pg", "pc", "pb", "sy", "trs", "sl"], StringComparer.Ordinal);

    /// <summary>The notation folded for comparison: case and diacritics removed, spaces dropped ("QĐ-UBND" → "qd-ubnd").</summary>
    public static string Fold(string? notation) => TextFold.Fold(notation).Replace(" ", "").Trim('/', '-');

    /// <summary>The number as a number ("05" → 5); null when it is not one.</summary>
    public static int? Number(string? codeNumber)
    {
        var digits = new string((codeNumber ?? "").Where(char.IsAsciiDigit).ToArray());
        return digits.Length is > 0 and <= 9 && digits.Length == (codeNumber ?? "").Trim().Length
            ? int.Parse(digits, CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>The issuing body's part of a notation, upper case as written (diacritics kept); "" when there is none.</summary>
    public static string Issuer(string? notation)
    {
        var groups = (notation ?? "").Split('-', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (groups.Length == 0) return "";
        if (groups.Length == 1) return TypeAbbreviations.Contains(TextFold.Fold(groups[0])) ? "" : groups[0].ToUpperInvariant();
        return (TypeAbbreviations.Contains(TextFold.Fold(groups[0])) ? groups[1] : groups[0]).ToUpperInvariant();
    }

    /// <summary>A symbol typed in a search: "45/GM-STTTT" (number and notation), "GM-STTTT" (notation), folded.</summary>
    public static (int? Number, string Notation) ParseQuery(string symbol)
    {
        var trimmed = symbol.Trim();
        int slash = trimmed.IndexOf('/');
        if (slash > 0 && Number(trimmed[..slash]) is { } n) return (n, Fold(trimmed[(slash + 1)..]));
        return (null, Fold(trimmed));
    }
}
