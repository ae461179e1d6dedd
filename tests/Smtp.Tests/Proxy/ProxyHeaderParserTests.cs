using System.Net;
using GovGateway.Smtp.Proxy;

namespace GovGateway.Smtp.Tests.Proxy;

/// <summary>The PROXY header parser on hand-made headers: the specification's examples, malformed and truncated ones.</summary>
[TestFixture]
public sealed class ProxyHeaderParserTests
{
    private static ProxyHeader Complete(byte[] bytes)
    {
        var status = ProxyHeaderParser.TryParse(bytes, out var header, out _, out var error);
        Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete), error);
        Assert.That(header!.Length, Is.EqualTo(bytes.Length));
        return header;
    }

    private static string Invalid(byte[] bytes)
    {
        var status = ProxyHeaderParser.TryParse(bytes, out var header, out _, out var error);
        Assert.That(status, Is.EqualTo(ProxyParseStatus.Invalid), $"parsed as {header}");
        Assert.That(error, Is.Not.Empty);
        return error!;
    }

    [Test]
    public void V1_tcp4_names_the_client_and_the_address_it_reached()
    {
        var header = Complete(ProxyHeaders.V1("PROXY TCP4 203.0.113.9 192.0.2.1 56324 25\r\n"));
        Assert.That(header.Version, Is.EqualTo(1));
        Assert.That(header.Source, Is.EqualTo(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 56324)));
        Assert.That(header.Destination, Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 25)));
        Assert.That(header.IsLocal, Is.False);
    }

    [Test]
    public void V1_tcp6_and_its_longest_form()
    {
        var header = Complete(ProxyHeaders.V1("PROXY TCP6 2001:db8::7 2001:db8::1 65535 587\r\n"));
        Assert.That(header.Source!.Address, Is.EqualTo(IPAddress.Parse("2001:db8::7")));
        // The specification's worst case is exactly 107 bytes.
        var longest = "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
        Assert.That(longest, Has.Length.EqualTo(104));
        Complete(ProxyHeaders.V1(longest));
    }

    [Test]
    public void V1_unknown_keeps_the_connections_own_addresses()
    {
        Assert.That(Complete(ProxyHeaders.V1("PROXY UNKNOWN\r\n")).IsLocal, Is.True);
        Assert.That(Complete(ProxyHeaders.V1("PROXY UNKNOWN ffff:f::1 ffff:f::2 1 2\r\n")).IsLocal, Is.True);
    }

    [Test]
    public void V2_tcp4_tcp6_mapped_and_with_tlvs()
    {
        var v4 = Complete(ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("127.0.0.5"), 40000), new IPEndPoint(IPAddress.Parse("127.0.0.1"), 25)));
        Assert.That((v4.Version, v4.Source, v4.Destination!.Port), Is.EqualTo((2, new IPEndPoint(IPAddress.Parse("127.0.0.5"), 40000), 25)));

        var v6 = Complete(ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("2001:db8::5"), 1), new IPEndPoint(IPAddress.Parse("2001:db8::1"), 2)));
        Assert.That(v6.Source!.Address, Is.EqualTo(IPAddress.Parse("2001:db8::5")));

        var mapped = Complete(ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("::ffff:198.51.100.4"), 1), new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.1"), 2)));
        Assert.That(mapped.Source!.Address, Is.EqualTo(IPAddress.Parse("198.51.100.4")), "an IPv4 client through a dual-stack proxy is an IPv4 client");

        // PP2_TYPE_AUTHORITY "mx" and PP2_TYPE_NOOP: skipped, the addresses still read.
        byte[] tlvs = [0x02, 0x00, 0x02, (byte)'m', (byte)'x', 0x04, 0x00, 0x01, 0x00];
        var withTlvs = Complete(ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 5), new IPEndPoint(IPAddress.Parse("10.0.0.1"), 25), tlvs));
        Assert.That(withTlvs.Source!.Address, Is.EqualTo(IPAddress.Parse("10.1.2.3")));
    }

    [Test]
    public void V2_local_is_the_proxy_speaking_for_itself_whatever_block_follows()
    {
        Assert.That(Complete(ProxyHeaders.V2Local()).IsLocal, Is.True);
        Assert.That(Complete(ProxyHeaders.Raw(0x20, 0x11, new byte[12])).IsLocal, Is.True);
    }

    [TestCase("EHLO client.example\r\n", "no PROXY header")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "CRLF")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "fields")]
    [TestCase("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n", "fields")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", "fields")]
    [TestCase("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n", "protocol")]
    [TestCase("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n", "protocol")]
    [TestCase("PROXY TCP4 1 5.6.7.8 1 2\r\n", "address")]
    [TestCase("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n", "address")]
    [TestCase("PROXY TCP4 0x7f.0.0.1 5.6.7.8 1 2\r\n", "address")]
    [TestCase("PROXY TCP4 ::1 5.6.7.8 1 2\r\n", "address")]
    [TestCase("PROXY TCP6 1.2.3.4 ::1 1 2\r\n", "address")]
    [TestCase("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", "address")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", "port")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 025 2\r\n", "port")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", "port")]
    [TestCase("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\0\r\n", "printable")]
    [TestCase("PROXYTCP4 1.2.3.4 5.6.7.8 1 2\r\n", "no PROXY header")]
    public void Malformed_v1_lines_are_refused_with_the_reason(string line, string reason)
    {
        Assert.That(Invalid(ProxyHeaders.V1(line)), Does.Contain(reason));
    }

    [Test]
    public void A_v1_line_without_its_end_is_refused_at_107_bytes_not_buffered_further()
    {
        var endless = ProxyHeaders.V1("PROXY TCP4 " + new string('1', 200));
        var status = ProxyHeaderParser.TryParse(endless.AsSpan(0, 106), out _, out _, out _);
        Assert.That(status, Is.EqualTo(ProxyParseStatus.Incomplete));
        Assert.That(Invalid(endless[..107]), Does.Contain("longer than 107"));
    }

    [Test]
    public void Malformed_v2_headers_are_refused_with_the_reason()
    {
        var four = new byte[12];
        Assert.Multiple(() =>
        {
            var badSignature = ProxyHeaders.V2Local();
            badSignature[7] = (byte)'q';
            Assert.That(Invalid(badSignature), Does.Contain("signature"));
            Assert.That(Invalid(ProxyHeaders.Raw(0x11, 0x11, four)), Does.Contain("version 1"));
            Assert.That(Invalid(ProxyHeaders.Raw(0x22, 0x11, four)), Does.Contain("unknown command 2"));
            Assert.That(Invalid(ProxyHeaders.Raw(0x21, 0x11, new byte[8])), Does.Contain("too short"));
            Assert.That(Invalid(ProxyHeaders.Raw(0x21, 0x21, new byte[12])), Does.Contain("too short"));
            Assert.That(Invalid(ProxyHeaders.Raw(0x21, 0x00, [])), Does.Contain("family 0"), "PROXY with UNSPEC: no client to apply rules to");
            Assert.That(Invalid(ProxyHeaders.Raw(0x21, 0x31, new byte[216])), Does.Contain("family 3"), "UNIX sockets");
            Assert.That(Invalid(ProxyHeaders.Raw(0x21, 0x12, four)), Does.Contain("transport 2"), "datagrams");
            // Refused on its declared length alone, before a byte of the 2,000 is read.
            Assert.That(Invalid(ProxyHeaders.Raw(0x21, 0x11, [], declaredLength: 2000)[..16]), Does.Contain("more than the 1024"));
        });
    }

    [Test]
    public void Every_truncation_of_a_good_header_asks_for_more_and_says_how_much_when_it_can()
    {
        var v2 = ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("127.0.0.5"), 40000), new IPEndPoint(IPAddress.Parse("127.0.0.1"), 25));
        for (int n = 0; n < v2.Length; n++)
        {
            Assert.That(ProxyHeaderParser.TryParse(v2.AsSpan(0, n), out _, out int needed, out var error), Is.EqualTo(ProxyParseStatus.Incomplete), $"{n} bytes: {error}");
            Assert.That(needed, Is.EqualTo(n == 0 ? 1 : n < 16 ? 16 : v2.Length), $"{n} bytes");
        }
        var v1 = ProxyHeaders.V1("PROXY TCP4 127.0.0.5 127.0.0.1 40000 25\r\n");
        for (int n = 1; n < v1.Length; n++)
        {
            Assert.That(ProxyHeaderParser.TryParse(v1.AsSpan(0, n), out _, out int needed, out var error), Is.EqualTo(ProxyParseStatus.Incomplete), $"{n} bytes: {error}");
            Assert.That(needed, Is.EqualTo(-1), "a v1 line ends at its line feed");
        }
    }
}
