using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace GovGateway.Smtp.Tests.Proxy;

/// <summary>PROXY headers made by hand, byte for byte from HAProxy's specification, good and bad.</summary>
internal static class ProxyHeaders
{
    public static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static byte[] V1(string line) => Encoding.ASCII.GetBytes(line);

    /// <summary>A v2 PROXY (command 1) header for TCP over the family of <paramref name="source"/>, with optional TLV bytes.</summary>
    public static byte[] V2(IPEndPoint source, IPEndPoint destination, byte[]? tlvs = null)
    {
        bool v6 = source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var block = new List<byte>();
        block.AddRange(source.Address.GetAddressBytes());
        block.AddRange(destination.Address.GetAddressBytes());
        block.AddRange(Port(source.Port));
        block.AddRange(Port(destination.Port));
        if (tlvs is not null) block.AddRange(tlvs);
        return Raw(0x21, v6 ? (byte)0x21 : (byte)0x11, block.ToArray());
    }

    /// <summary>A v2 LOCAL header, as HAProxy's health checks send it.</summary>
    public static byte[] V2Local() => Raw(0x20, 0x00, []);

    /// <summary>Any v2 header: version/command byte, family/transport byte, address block (its length is written as given).</summary>
    public static byte[] Raw(byte versionCommand, byte familyTransport, byte[] block, int? declaredLength = null)
    {
        var header = new byte[16 + block.Length];
        Signature.CopyTo(header, 0);
        header[12] = versionCommand;
        header[13] = familyTransport;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)(declaredLength ?? block.Length));
        block.CopyTo(header, 16);
        return header;
    }

    private static byte[] Port(int port) => [(byte)(port >> 8), (byte)port];
}
