using System.Text;

namespace GovGateway.Policies.Text.Legacy;

/// <summary>
/// TCVN3 (TCVN 5712:1993 VN3, "ABC"): each Vietnamese letter is one byte in 0xA1..0xFE, shown through ".VnTime"-style
/// fonts; capitals are the same bytes shown through the "H" fonts (".VnTimeH"). A DOCX or PDF holds those bytes as the
/// Windows-1252 characters they would be in a Western font ("B¸O C¸O"). Table checked byte for byte against glibc's
/// <c>iconv -f TCVN</c> (VN1, a superset that also puts some capitals in this range; those are kept, since VN1 files
/// use them and ABC files leave them empty).
/// </summary>
internal static class Tcvn3
{
    private const int First = 0xA1;

    // Bytes 0xA1..0xFF in order; '\0' where the byte is not a letter (0xB0..0xB4 are VN1's combining accents, dropped).
    private const string Letters =
        "ĂÂÊÔƠƯĐăâêôơưđẰ" +       // A1..AF
        "\0\0\0\0\0àảãáạẲằẳẵắẴ" +    // B0..BF
        "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ" +        // C0..CF
        "éẹềểễếệìỉỄẾỒĩíịò" +        // D0..DF
        "Ổỏõóọồổỗốộờởỡớợù" +        // E0..EF
        "ỖủũúụừửữứựỳỷỹýỵỐ";         // F0..FF

    private static readonly Encoding Windows1252 = CodePagesEncoding.Windows1252;

    /// <summary>The Unicode letter for a TCVN3 byte, or null when the byte is not one of its letters.</summary>
    public static char? Letter(int b)
    {
        if (b < First || b > 0xFF) return null;
        var c = Letters[b - First];
        return c == '\0' ? null : c;
    }

    /// <summary>The byte a character of legacy-font text stands for: Latin-1 as is, Windows-1252's 0x80..0x9F, or the
    /// symbol-font private-use area (U+F0xx) that Word uses for some non-Unicode fonts.</summary>
    public static int ByteOf(char c)
    {
        if (c <= 0xFF) return c;
        if (c is >= '\uF000' and <= '\uF0FF') return c - 0xF000;
        Span<char> one = [c];
        Span<byte> b = stackalloc byte[2];
        return Windows1252.GetBytes(one, b) == 1 && b[0] != (byte)'?' ? b[0] : -1;
    }

    /// <summary>Decodes text shown in a TCVN3 font; <paramref name="capitals"/> for the "H" fonts, which draw every
    /// letter as a capital.</summary>
    public static string Decode(string text, bool capitals)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var b = ByteOf(c);
            var letter = b >= 0 ? Letter(b) : null;
            var decoded = letter ?? (b is >= 0 and < 0x80 ? (char)b : c);
            sb.Append(capitals ? char.ToUpperInvariant(decoded) : decoded);
        }
        return sb.ToString();
    }

    /// <summary>True for characters only TCVN3 text has between letters (¸ for á, ® for đ, µ for à...): Latin-1
    /// punctuation and signs, never letters, so a Western or VNI text hardly ever has them inside a word.</summary>
    public static bool IsSignature(char c) => c is >= '\u00A1' and <= '\u00BF' && Letter(c) is not null;
}
