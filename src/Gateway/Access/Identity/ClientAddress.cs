using System.Net;
using System.Net.Sockets;

namespace GovGateway.Access.Identity;

/// <summary>The key under which a client address is counted for lockouts and rate limits.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// IPv4 (also when IPv4-mapped in IPv6) counts per address; IPv6 counts per /64, because one host
    /// usually owns a whole /64 and could otherwise take a fresh address for every attempt.
    /// </summary>
    public static string Key(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
