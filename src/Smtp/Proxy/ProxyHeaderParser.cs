using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace GovGateway.Smtp.Proxy;

/// <summary>Where parsing the bytes read so far has got to.</summary>
public enum ProxyParseStatus { Complete, Incomplete, Invalid }

/// <summary>
/// Parses the PROXY protocol header (HAProxy's specification, versions 1 and 2) that a load balancer writes
/// before the first byte of the client's own stream. Pure: given the bytes read so far, it says whether the
/// header is complete, needs more bytes (and how many, when known, so that a reader never takes a byte of
/// what follows), or can never become valid. Strict on purpose: the header decides which address every
/// access rule sees, so anything not exactly as specified is refused rather than guessed at.
/// </summary>
public static class ProxyHeaderParser
{
    /// <summary>The v2 signature: "\r\n\r\n\0\r\nQUIT\n".</summary>
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>Longest v1 line, CRLF included (specification, section 2.1).</summary>
    public const int MaxV1Length = 107;

    /// <summary>
    /// Longest v2 header accepted, TLVs included. The addresses take at most 52 bytes for TCP; HAProxy's
    /// optional TLVs (authority, unique id, TLS facts) fit well within this. A longer header is refused
    /// rather than buffered, so a peer cannot make each connection hold 64 KiB before it is even an SMTP session.
    /// </summary>
    public const int MaxV2Length = 1024;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>
    /// Parses <paramref name="data"/>, which holds only bytes of the header read so far (nothing after it).
    /// <paramref name="needed"/> is, for <see cref="ProxyParseStatus.Incomplete"/>, the total length the header
    /// is known to need, or -1 when it ends at a line feed not yet seen (v1).
    /// </summary>
    public static ProxyParseStatus TryParse(ReadOnlySpan<byte> data, out ProxyHeader? header, out int needed, out string? error)
    {
        header = null;
        needed = 0;
        error = null;
        if (data.IsEmpty)
        {
            needed = 1;
            return ProxyParseStatus.Incomplete;
        }
        if (data[0] == V2Signature[0])
            return ParseV2(data, out header, out needed, out error);
        if (data[0] == V1Prefix[0])
            return ParseV1(data, out header, out needed, out error);
        error = $"no PROXY header: the connection began with {Describe(data)}";
        return ProxyParseStatus.Invalid;
    }

    private static ProxyParseStatus ParseV2(ReadOnlySpan<byte> data, out ProxyHeader? header, out int needed, out string? error)
    {
        header = null;
        error = null;
        needed = 16;
        int signature = Math.Min(data.Length, V2Signature.Length);
        if (!data[..signature].SequenceEqual(V2Signature[..signature]))
        {
            error = $"not a PROXY v2 signature: {Describe(data)}";
            return ProxyParseStatus.Invalid;
        }
        if (data.Length < 16) return ProxyParseStatus.Incomplete;

        int version = data[12] >> 4, command = data[12] & 0x0F;
        int family = data[13] >> 4, transport = data[13] & 0x0F;
        int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(14, 2));
        if (version != 2)
            return Invalid($"PROXY v2 header with version {version}", out error);
        if (command > 1)
            return Invalid($"PROXY v2 header with unknown command {command}", out error);
        if (16 + length > MaxV2Length)
            return Invalid($"PROXY v2 header of {16 + length} bytes, more than the {MaxV2Length} accepted", out error);
        needed = 16 + length;
        if (data.Length < needed) return ProxyParseStatus.Incomplete;
        if (data.Length > needed)
            throw new ArgumentException("The data runs past the end of the header.", nameof(data));

        if (command == 0)
        {
            // LOCAL: the proxy's own connection (a health check); whatever address block follows is ignored.
            header = new ProxyHeader(2, null, null, needed);
            return ProxyParseStatus.Complete;
        }
        var block = data.Slice(16, length);
        switch (family, transport)
        {
            case (1, 1) when length >= 12:
                header = new ProxyHeader(2,
                    new IPEndPoint(new IPAddress(block[..4]), BinaryPrimitives.ReadUInt16BigEndian(block.Slice(8, 2))),
                    new IPEndPoint(new IPAddress(block.Slice(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(block.Slice(10, 2))),
                    needed);
                return ProxyParseStatus.Complete;
            case (2, 1) when length >= 36:
                header = new ProxyHeader(2,
                    new IPEndPoint(Normalise(new IPAddress(block[..16])), BinaryPrimitives.ReadUInt16BigEndian(block.Slice(32, 2))),
                    new IPEndPoint(Normalise(new IPAddress(block.Slice(16, 16))), BinaryPrimitives.ReadUInt16BigEndian(block.Slice(34, 2))),
                    needed);
                return ProxyParseStatus.Complete;
            case (1, 1) or (2, 1):
                return Invalid($"PROXY v2 header too short for its addresses ({length} bytes)", out error);
            default:
                // UNSPEC, UNIX or datagram: no client address to apply the rules to. Taking the proxy's own
                // address instead would give the client whatever the proxy's address may do.
                return Invalid($"PROXY v2 header for address family {family}, transport {transport}: only TCP over IPv4 or IPv6 is accepted", out error);
        }
    }

    private static ProxyParseStatus ParseV1(ReadOnlySpan<byte> data, out ProxyHeader? header, out int needed, out string? error)
    {
        header = null;
        error = null;
        needed = -1;
        int prefix = Math.Min(data.Length, V1Prefix.Length);
        if (!data[..prefix].SequenceEqual(V1Prefix[..prefix]))
            return Invalid($"no PROXY header: the connection began with {Describe(data)}", out error);
        int lf = data.IndexOf((byte)'\n');
        if (lf < 0)
        {
            if (data.Length >= MaxV1Length)
                return Invalid($"PROXY v1 line longer than {MaxV1Length} bytes", out error);
            return ProxyParseStatus.Incomplete;
        }
        if (lf != data.Length - 1)
            throw new ArgumentException("The data runs past the end of the header.", nameof(data));
        if (lf + 1 > MaxV1Length)
            return Invalid($"PROXY v1 line longer than {MaxV1Length} bytes", out error);
        if (lf == 0 || data[lf - 1] != (byte)'\r')
            return Invalid("PROXY v1 line not ended by CRLF", out error);

        var line = data[..(lf - 1)];
        foreach (var b in line)
            if (b is < 0x20 or > 0x7E) return Invalid("PROXY v1 line with a byte that is not printable ASCII", out error);
        var fields = Encoding.ASCII.GetString(line).Split(' ');
        if (fields.Length >= 2 && fields[1] == "UNKNOWN")
        {
            // The proxy does not know the client (or is checking health): the connection's own addresses stand.
            header = new ProxyHeader(1, null, null, lf + 1);
            return ProxyParseStatus.Complete;
        }
        if (fields.Length != 6)
            return Invalid($"PROXY v1 line with {fields.Length} fields, not 6: '{Printable(line)}'", out error);
        var family = fields[1] switch { "TCP4" => System.Net.Sockets.AddressFamily.InterNetwork, "TCP6" => System.Net.Sockets.AddressFamily.InterNetworkV6, _ => (System.Net.Sockets.AddressFamily?)null };
        if (family is null)
            return Invalid($"PROXY v1 line with protocol '{fields[1]}' (TCP4, TCP6 or UNKNOWN)", out error);
        if (!TryAddress(fields[2], family.Value, out var source) || !TryAddress(fields[3], family.Value, out var destination))
            return Invalid($"PROXY v1 line with an address that is not {fields[1]}: '{Printable(line)}'", out error);
        if (!TryPort(fields[4], out int sourcePort) || !TryPort(fields[5], out int destinationPort))
            return Invalid($"PROXY v1 line with a port that is not 0-65535: '{Printable(line)}'", out error);
        header = new ProxyHeader(1, new IPEndPoint(Normalise(source), sourcePort), new IPEndPoint(Normalise(destination), destinationPort), lf + 1);
        return ProxyParseStatus.Complete;
    }

    private static bool TryAddress(string text, System.Net.Sockets.AddressFamily family, out IPAddress address)
    {
        address = IPAddress.None;
        // IPAddress.TryParse also takes "1" or "0x7f.1" for IPv4 and "%scope" for IPv6: the specification does not.
        if (family == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            var parts = text.Split('.');
            if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || int.Parse(p) > 255))
                return false;
        }
        else if (text.Contains('%') || !text.Contains(':'))
        {
            return false;
        }
        return IPAddress.TryParse(text, out address!) && address.AddressFamily == family;
    }

    private static bool TryPort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0')
            && int.TryParse(text, out port) && port <= 65535;
    }

    /// <summary>A client reaching a dual-stack proxy over IPv4 is an IPv4 client to every rule here.</summary>
    private static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static ProxyParseStatus Invalid(string reason, out string? error)
    {
        error = reason;
        return ProxyParseStatus.Invalid;
    }

    /// <summary>The first bytes as an administrator can read them in a log line.</summary>
    private static string Describe(ReadOnlySpan<byte> data) => $"'{Printable(data[..Math.Min(data.Length, 24)])}'";

    private static string Printable(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder(data.Length);
        foreach (var b in data)
            sb.Append(b switch { >= 0x20 and < 0x7F => ((char)b).ToString(), 0x0D => "\\r", 0x0A => "\\n", _ => $"\\x{b:x2}" });
        return sb.ToString();
    }
}
