using System.Text;

namespace GovGateway.Delivery;

/// <summary>
/// The policy's tag-subject action: puts a tag in front of the Subject line of the original header
/// section. It is the one change to the original an administrator can ask for; it leaves S/MIME
/// intact (the outer headers are not signed) but breaks a DKIM signature that covers Subject.
/// </summary>
internal static class SubjectTagger
{
    /// <summary>The header block (lines ending CRLF, no blank line) with the tag in front of its first Subject field, or a Subject line added.</summary>
    public static byte[] Apply(ReadOnlySpan<byte> headerBlock, string tag)
    {
        // Non-ASCII tags go in as one RFC 2047 encoded word. Before another encoded word the separating
        // space must be inside the word, because white space between two encoded words is dropped.
        var encoded = IsAscii(tag) ? tag + " " : $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(tag + " "))}?=";
        var start = FindSubject(headerBlock);
        if (start < 0)
        {
            byte[] line = Encoding.UTF8.GetBytes($"Subject: {encoded.TrimEnd()}\r\n");
            return [.. headerBlock, .. line];
        }
        var valueStart = start + "Subject:".Length;
        while (valueStart < headerBlock.Length && headerBlock[valueStart] is (byte)' ' or (byte)'\t')
            valueStart++;
        // Before plain text the separating space stays outside the encoded word (it is kept when decoded).
        if (!IsAscii(tag) && !headerBlock[valueStart..].StartsWith("=?"u8))
            encoded = $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(tag))}?= ";
        var insert = Encoding.UTF8.GetBytes(encoded);
        byte[] space = headerBlock[valueStart - 1] == (byte)':' ? [(byte)' '] : [];
        return [.. headerBlock[..valueStart], .. space, .. insert, .. headerBlock[valueStart..]];
    }

    /// <summary>Offset of the first line whose field name is Subject (any case), or -1.</summary>
    private static int FindSubject(ReadOnlySpan<byte> block)
    {
        var lineStart = 0;
        while (lineStart < block.Length)
        {
            if (block.Length - lineStart >= 8 && Ascii.EqualsIgnoreCase(block.Slice(lineStart, 8), "Subject:"u8))
                return lineStart;
            var next = block[lineStart..].IndexOf((byte)'\n');
            if (next < 0) break;
            lineStart += next + 1;
        }
        return -1;
    }

    private static bool IsAscii(string s) => s.All(c => c is >= ' ' and < '\x7f');
}
