using System.Text;

namespace GovGateway.Policies.Text.Legacy;

/// <summary>Windows-1252 without the System.Text.Encoding.CodePages package: only its 0x80..0x9F differ from Latin-1.</summary>
internal static class CodePagesEncoding
{
    public static Encoding Windows1252 { get; } = new Cp1252();

    private sealed class Cp1252 : Encoding
    {
        // 0x80..0x9F; '\0' where Windows-1252 leaves the byte undefined.
        private const string High = "€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ";

        public override int GetByteCount(char[] chars, int index, int count) => count;

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex)
        {
            for (var i = 0; i < charCount; i++) bytes[byteIndex + i] = ToByte(chars[charIndex + i]);
            return charCount;
        }

        public override int GetCharCount(byte[] bytes, int index, int count) => count;

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
        {
            for (var i = 0; i < byteCount; i++)
            {
                var b = bytes[byteIndex + i];
                chars[charIndex + i] = b is >= 0x80 and <= 0x9F && High[b - 0x80] != '\0' ? High[b - 0x80] : (char)b;
            }
            return byteCount;
        }

        public override int GetMaxByteCount(int charCount) => charCount;
        public override int GetMaxCharCount(int byteCount) => byteCount;

        private static byte ToByte(char c)
        {
            if (c <= 0xFF) return (byte)c;
            var i = High.IndexOf(c);
            return i >= 0 ? (byte)(0x80 + i) : (byte)'?';
        }
    }
}
