using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GovGateway.Audit;

/// <summary>
/// Computes an entry's hash: SHA-256 over a canonical JSON form of the entry that includes the previous entry's hash
/// (the content written by <see cref="CanonicalWriter"/>). Times are written in UTC to the millisecond, LiteDB's precision.
/// </summary>
internal static class ChainHasher
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    private const int FormatVersion = 1;

    [ThreadStatic] private static System.Buffers.ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// The entry's canonical form at its own number after <paramref name="prevHash"/> (the text the chain stores and
    /// hashes; ASCII, since the default JSON encoder escapes everything else), and its hash.
    /// </summary>
    public static (string Canonical, string Hash) Link(string prevHash, AuditEntry entry)
    {
        var bytes = Write(prevHash, entry);
        return (Encoding.ASCII.GetString(bytes), HashOf(bytes));
    }

    /// <summary>SHA-256 of a stored canonical form, lowercase hex (UTF-8: text edited by hand may not be ASCII).</summary>
    public static string HashOf(string canonical) => HashOf(Encoding.UTF8.GetBytes(canonical));

    private static string HashOf(ReadOnlySpan<byte> canonical) => Convert.ToHexStringLower(SHA256.HashData(canonical));

    private static ReadOnlySpan<byte> Write(string prevHash, AuditEntry entry)
    {
        // One buffer and writer per thread: the audit writer links every entry it stores (and migration every old one).
        var buffer = t_buffer ??= new System.Buffers.ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteNumber("v", FormatVersion);
        writer.WriteString("prev", prevHash);
        if (entry.Node is not null) writer.WriteString("node", entry.Node);
        writer.WriteNumber("seq", entry.Id);
        writer.WriteString("kind", entry.Kind);
        Span<byte> time = stackalloc byte[CanonicalWriter.TimeLength];
        CanonicalWriter.FormatTime(entry.TimeUtc, time);
        writer.WriteString("time", time);
        if (entry.QueueId is not null) writer.WriteString("queue", entry.QueueId);
        if (entry.Transaction is not null)
        {
            writer.WritePropertyName("transaction");
            CanonicalWriter.Write(writer, entry.Transaction);
        }
        if (entry.Delivery is not null)
        {
            writer.WritePropertyName("delivery");
            CanonicalWriter.Write(writer, entry.Delivery);
        }
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan;
    }

    /// <summary>UTC, truncated to the millisecond (what LiteDB stores).</summary>
    public static DateTime Normalize(DateTime t)
    {
        var utc = t.Kind switch
        {
            DateTimeKind.Local => t.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(t, DateTimeKind.Utc),
            _ => t,
        };
        return new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    /// <summary>An exclusive upper bound at LiteDB's precision: rounded up, so nothing before it is cut off.</summary>
    public static DateTime NormalizeUpperBound(DateTime t)
    {
        var floor = Normalize(t);
        var utc = t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t;
        return utc.Ticks > floor.Ticks && floor < DateTime.MaxValue.AddMilliseconds(-1) ? floor.AddMilliseconds(1) : floor;
    }
}
