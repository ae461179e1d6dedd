using System.Text;

namespace GovGateway.Delivery;

/// <summary>
/// The X-GovVN-* header names belong to the gateway: a recipient's filter may trust them only if no
/// sender can put one there. Every X-GovVN-* field that arrived with a message is renamed to
/// X-Untrusted-GovVN-* on delivery, so the only X-GovVN-* lines that leave are the ones the gateway
/// prepends. Only the name's first bytes change: the value, folding, the other headers and the body go
/// out as received, and the spool (and the SHA-256 in the audit log) keeps the bytes as they arrived.
/// </summary>
internal static class UntrustedHeaders
{
    /// <summary>The prefix the gateway's own headers use (matched without regard to case, as field names are).</summary>
    public static ReadOnlySpan<byte> OwnPrefix => "X-GovVN-"u8;

    /// <summary>What an incoming X-GovVN-Signature becomes: X-Untrusted-GovVN-Signature.</summary>
    public const string RenamedPrefix = "X-Untrusted-GovVN-";

    /// <summary>
    /// The header block (field lines ending in LF or CRLF, no blank line) with every field whose name starts
    /// with X-GovVN- renamed; the same array when there is none, so the common case copies nothing.
    /// </summary>
    public static byte[] Rename(byte[] headerBlock)
    {
        var prefix = OwnPrefix;
        List<int>? starts = null;
        var lineStart = 0;
        while (lineStart < headerBlock.Length)
        {
            // A continuation line starts with white space and is part of the field above it: never a field name.
            var line = headerBlock.AsSpan(lineStart);
            if (line.Length >= prefix.Length && Ascii.EqualsIgnoreCase(line[..prefix.Length], prefix))
                (starts ??= []).Add(lineStart);
            var next = line.IndexOf((byte)'\n');
            if (next < 0) break;
            lineStart += next + 1;
        }
        if (starts is null) return headerBlock;

        var renamed = Encoding.ASCII.GetBytes(RenamedPrefix);
        var result = new byte[headerBlock.Length + starts.Count * (renamed.Length - prefix.Length)];
        int from = 0, to = 0;
        foreach (var start in starts)
        {
            headerBlock.AsSpan(from, start - from).CopyTo(result.AsSpan(to));
            to += start - from;
            renamed.CopyTo(result.AsSpan(to));
            to += renamed.Length;
            from = start + prefix.Length; // the rest of the name keeps the sender's spelling
        }
        headerBlock.AsSpan(from).CopyTo(result.AsSpan(to));
        return result;
    }
}
