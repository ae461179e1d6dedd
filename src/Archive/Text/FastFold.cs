using System.Globalization;
using System.Text;
using GovGateway.Audit;

namespace GovGateway.Archive.Text;

/// <summary>
/// <see cref="TextFold.Fold"/> for one word, without normalising a string per word: each character below U+2500
/// (Latin, Vietnamese precomposed letters, combining marks) folds through a table built from the same rule (NFD,
/// marks dropped, lower case, đ → d); a word with any other character takes <see cref="TextFold.Fold"/> itself.
/// Indexing and highlighting fold every word of every document, so this is most of their time.
/// </summary>
internal static class FastFold
{
    private const int TableSize = 0x2500;
    private const char Drop = '\0';
    private const char Complex = '\uffff';
    private static readonly char[] Table = Build();

    private static char[] Build()
    {
        var table = new char[TableSize];
        for (int c = 0; c < TableSize; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) { table[c] = Complex; continue; }
            var folded = TextFold.Fold(((char)c).ToString());
            table[c] = folded.Length switch
            {
                0 => Drop,
                1 when folded[0] != Complex => folded[0],
                _ => Complex,
            };
        }
        return table;
    }

    public static string Fold(ReadOnlySpan<char> word)
    {
        Span<char> buffer = word.Length <= 256 ? stackalloc char[word.Length] : new char[word.Length];
        int n = 0;
        foreach (char c in word)
        {
            char f = c < TableSize ? Table[c] : Complex;
            if (f == Complex) return TextFold.Fold(word.ToString());
            if (f != Drop) buffer[n++] = f;
        }
        return new string(buffer[..n]);
    }
}
