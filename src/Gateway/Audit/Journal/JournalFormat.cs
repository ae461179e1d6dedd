using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace GovGateway.Audit;

/// <summary>
/// Layout of a journal segment: an 8-byte magic, then entries of
/// [payload length: int32 LE][checksum: first 8 bytes of SHA-256 over seq+payload][seq: int64 LE][payload: UTF-8 JSON].
/// The checksum lets replay tell a torn or garbled tail from a whole entry.
/// </summary>
internal static class JournalFormat
{
    public static ReadOnlySpan<byte> Magic => "GGAUDJ1\n"u8;
    public const int HeaderSize = 4 + 8 + 8;
    /// <summary>Upper bound that rejects garbage lengths before allocating.</summary>
    public const int MaxPayload = 64 * 1024 * 1024;
    public const string Extension = ".journal";

    public static void Write(IBufferWriter<byte> output, long seq, ReadOnlySpan<byte> payload)
    {
        var span = output.GetSpan(HeaderSize + payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], seq);
        payload.CopyTo(span[HeaderSize..]);
        Checksum(span.Slice(12, 8 + payload.Length), span.Slice(4, 8));
        output.Advance(HeaderSize + payload.Length);
    }

    /// <summary>Reads the entry at the start of <paramref name="data"/>; false when it is incomplete or its checksum fails.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out long seq, out ReadOnlySpan<byte> payload, out int consumed)
    {
        seq = 0;
        payload = default;
        consumed = 0;
        if (data.Length < HeaderSize) return false;
        int length = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (length < 0 || length > MaxPayload || data.Length - HeaderSize < length) return false;
        Span<byte> expected = stackalloc byte[8];
        Checksum(data.Slice(12, 8 + length), expected);
        if (!expected.SequenceEqual(data.Slice(4, 8))) return false;
        seq = BinaryPrimitives.ReadInt64LittleEndian(data[12..]);
        payload = data.Slice(HeaderSize, length);
        consumed = HeaderSize + length;
        return true;
    }

    public static string SegmentName(long firstSeq) => $"{firstSeq:D20}{Extension}";

    private static void Checksum(ReadOnlySpan<byte> covered, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(covered, hash);
        hash[..8].CopyTo(destination);
    }
}
