using System.Security.Cryptography;
using System.Text;
using Gateway.Tests.Support;
using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>The X-GovVN-* headers a recipient's filter sees are the gateway's own.</summary>
[TestFixture]
public sealed class GatewayHeaderTests
{
    private Upstream _upstream = null!;
    private TestGateway _gateway = null!;
    private string _work = null!;

    [SetUp]
    public async Task SetUp()
    {
        _work = TempFolders.Create("e2e-headers");
        _upstream = await Upstream.StartNewAsync();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = _upstream.Port.ToString(),
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Test]
    public async Task Forged_GovVN_headers_arrive_upstream_renamed_beside_the_gateways_own()
    {
        var original = "From: <" + Mail.Sender + ">\r\nTo: <" + Mail.Recipient + ">\r\nSubject: Thông báo\r\n"
            + "X-GovVN-Signature: signed; smime=valid; pdf=valid\r\nX-GovVN-Class: secret\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nXin chào\r\n";
        var eml = Path.Combine(_work, "forged.eml");
        File.WriteAllBytes(eml, Encoding.UTF8.GetBytes(original));

        var result = await Swaks.SendAsync(_gateway.Relay.Port, Mail.Sender, Mail.Recipient, eml);
        Assert.That(result.All, Does.Contain("<-  250 2.0.0 OK: queued as"), result.All);

        var received = (await _upstream.WaitForAsync(1, TimeSpan.FromSeconds(20))).Single();
        var lines = received.Text.Split("\r\n");
        Assert.That(lines.Where(l => l.StartsWith("X-GovVN-Signature:", StringComparison.OrdinalIgnoreCase)),
            Is.EqualTo(new[] { "X-GovVN-Signature: unsigned; smime=none; pdf=none" }), received.Text);
        Assert.That(lines.Where(l => l.StartsWith("X-GovVN-Class:", StringComparison.OrdinalIgnoreCase)),
            Is.EqualTo(new[] { "X-GovVN-Class: none" }), received.Text);
        Assert.That(lines, Does.Contain("X-Untrusted-GovVN-Signature: signed; smime=valid; pdf=valid"));
        Assert.That(lines, Does.Contain("X-Untrusted-GovVN-Class: secret"));
        Assert.That(received.Text, Does.EndWith("\r\n\r\nXin chào\r\n\r\n"), "the body is relayed as received");

        // The audit log's SHA-256 is of the bytes as the client sent them (swaks adds the CRLF before the final dot).
        var audit = _gateway.Runtime.Audit!;
        await audit.FlushAsync();
        var record = audit.Query(new AuditQuery { Decision = "accepted" }).Records.Single();
        byte[] onTheWire = [.. Encoding.UTF8.GetBytes(original), (byte)'\r', (byte)'\n'];
        Assert.That(record.Transaction.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(onTheWire))));
    }
}
