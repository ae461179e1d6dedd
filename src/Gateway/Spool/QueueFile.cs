using System.Buffers.Binary;

namespace GovGateway.Spool;

/// <summary>
/// A queued message is one file: the bytes as received, then its envelope (JSON), then a fixed trailer
/// (the envelope's length and a magic). One file means one create, one fsync and one unlink per message,
/// where an .eml plus a .json cost two of each; the queue's throughput is bound by exactly those calls.
/// </summary>
internal static class QueueFile
{
    static ReadOnlySpan<byte> Magic => "GGQUEUE1"u8;
    const int TrailerSize = 4 + 8;
    const int MaxEnvelope = 16 * 1024 * 1024;

    /// <summary>Appends the envelope and trailer at the current end of <paramref name="file"/>.</summary>
    static void AppendEnvelope(FileStream file, byte[] envelopeJson)
    {
        Span<byte> trailer = stackalloc byte[TrailerSize];
        BinaryPrimitives.WriteInt32LittleEndian(trailer, envelopeJson.Length);
        Magic.CopyTo(trailer[4..]);
        file.Seek(0, SeekOrigin.End);
        file.Write(envelopeJson);
        file.Write(trailer);
    }

    /// <summary>Appends the envelope and trailer and fsyncs the file: after this it is a complete queue file.</summary>
    public static void Seal(FileStream file, byte[] envelopeJson)
    {
        AppendEnvelope(file, envelopeJson);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Reads the envelope at the end of a queue file; null when the file has no valid trailer.</summary>
    public static (long MessageLength, byte[] EnvelopeJson)? ReadEnvelope(FileStream file)
    {
        long length = file.Length;
        if (length < TrailerSize) return null;
        Span<byte> trailer = stackalloc byte[TrailerSize];
        file.Seek(length - TrailerSize, SeekOrigin.Begin);
        file.ReadExactly(trailer);
        if (!trailer[4..].SequenceEqual(Magic)) return null;
        int jsonLength = BinaryPrimitives.ReadInt32LittleEndian(trailer);
        if (jsonLength < 0 || jsonLength > MaxEnvelope || jsonLength > length - TrailerSize) return null;
        var json = new byte[jsonLength];
        long messageLength = length - TrailerSize - jsonLength;
        file.Seek(messageLength, SeekOrigin.Begin);
        file.ReadExactly(json);
        return (messageLength, json);
    }
}
