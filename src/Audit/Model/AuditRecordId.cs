using System.Buffers.Binary;

namespace GovGateway.Audit;

/// <summary>
/// Record ids: UUID version 7 (RFC 9562: 48-bit Unix milliseconds, then random bits) as 32 lowercase hex digits, the
/// text <c>Guid.CreateVersion7().ToString("N")</c> gives. The random bits come from <see cref="Random.Shared"/>: an id
/// only has to be unique, not unguessable, and the system's secure generator cost ~3 µs per message in the SMTP session.
/// </summary>
public static class AuditRecordId
{
    public static string New() => New(DateTimeOffset.UtcNow);

    public static string New(DateTimeOffset time)
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes[6..]);
        Span<byte> ms = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(ms, time.ToUnixTimeMilliseconds());
        ms[2..].CopyTo(bytes);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F)); // version 7
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // variant 10
        return Convert.ToHexStringLower(bytes);
    }
}
