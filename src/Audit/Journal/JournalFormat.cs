using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace GovGateway.Audit;

/// <summary>
/// Layout of a journal segment: an 8-byte magic, then entries of
/// [payload length: int32 LE][checksum: 8 bytes over seq+payload][seq: int64 LE][payload: UTF-8 JSON].
/// The checksum lets replay tell a torn or garbled tail from a whole entry; it is not what makes the log tamper-evident
/// (the chain is). Segments of version 2 (written now) use XxHash3-64; version 1 used the first 8 bytes of SHA-256,
/// which cost a call into OpenSSL per entry, and is still read so that a journal left by an older version replays.
/// </summary>
internal static class JournalFormat
{
    private static ReadOnlySpan<byte> MagicV1 => "GGAUDJ1\n"u8;
    public static ReadOnlySpan<byte> Magic => "GGAUDJ2\n"u8;
    public const int MagicSize = 8;
    public const int HeaderSize = 4 + 8 + 8;
    /// <summary>Upper bound that rejects garbage lengths before allocating.</summary>
    public const int MaxPayload = 64 * 1024 * 1024;
    public const string Extension = ".journal";

    /// <summary>The segment version its header names (1 or 2), or 0 when it is not a segment header.</summary>
    public static int VersionOf(ReadOnlySpan<byte> header) =>
        header.Length < MagicSize ? 0 : header[..MagicSize].SequenceEqual(Magic) ? 2 : header[..MagicSize].SequenceEqual(MagicV1) ? 1 : 0;

    /// <summary>Appends one entry in the current version's layout.</summary>
    public static void Write(IBufferWriter<byte> output, long seq, ReadOnlySpan<byte> payload) => Write(output, seq, payload, version: 2);

    /// <summary>Appends one entry in the layout of segment <paramref name="version"/> (1 only to test reading old journals).</summary>
    public static void Write(IBufferWriter<byte> output, long seq, ReadOnlySpan<byte> payload, int version)
    {
        var span = output.GetSpan(HeaderSize + payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], seq);
        payload.CopyTo(span[HeaderSize..]);
        Checksum(version, span.Slice(12, 8 + payload.Length), span.Slice(4, 8));
        output.Advance(HeaderSize + payload.Length);
    }

    /// <summary>
    /// Reads the entry at the start of <paramref name="data"/> in a segment of <paramref name="version"/>; false when it
    /// is incomplete or its checksum fails.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, int version, out long seq, out ReadOnlySpan<byte> payload, out int consumed)
    {
        seq = 0;
        payload = default;
        consumed = 0;
        if (data.Length < HeaderSize) return false;
        int length = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (length < 0 || length > MaxPayload || data.Length - HeaderSize < length) return false;
        Span<byte> expected = stackalloc byte[8];
        Checksum(version, data.Slice(12, 8 + length), expected);
        if (!expected.SequenceEqual(data.Slice(4, 8))) return false;
        seq = BinaryPrimitives.ReadInt64LittleEndian(data[12..]);
        payload = data.Slice(HeaderSize, length);
        consumed = HeaderSize + length;
        return true;
    }

    public static string SegmentName(long firstSeq) => $"{firstSeq:D20}{Extension}";

    private static void Checksum(int version, ReadOnlySpan<byte> covered, Span<byte> destination)
    {
        if (version == 2)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination, XxHash3.HashToUInt64(covered));
            return;
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(covered, hash);
        hash[..8].CopyTo(destination);
    }
}
