using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;
using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.Cluster;

/// <summary>
/// Behind a load balancer every connection comes from the balancer (127.0.0.1 here, an internal address): the
/// access rules, rate limits and audit log must judge the client the PROXY header names, not the balancer.
/// </summary>
[TestFixture]
public sealed class ProxiedClientRulesTests
{
    private const string Chairman = "chutich@hatinh.gov.vn";
    private const string Elsewhere = "vanthu@quangbinh.gov.vn";
    private Upstream _upstream = null!;
    private TestGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _upstream = await Upstream.StartNewAsync();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = _upstream.Port.ToString(),
            ["Smtp:Listeners:Relay:ProxyProtocol"] = "true",
            ["Smtp:Listeners:Relay:TrustedProxies:0"] = "127.0.0.1",
            ["Access:OwnDomains:0"] = "hatinh.gov.vn",
            ["Access:InternalNetworks:0"] = "127.0.0.1/32",
            ["Access:RateLimits:MessagesPerIp"] = "2",
        });
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    /// <summary>One message through the relay listener as the balancer would pass it: a PROXY v1 line naming <paramref name="client"/>, then SMTP. Returns the final reply.</summary>
    private async Task<string> SendAsProxiedAsync(string client, string mailFrom, string subject)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_gateway.Relay);
        var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        async Task<string> Reply()
        {
            string line;
            do line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? throw new IOException("closed");
            while (line.Length > 3 && line[3] == '-');
            return line;
        }
        async Task<string> Command(string text)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text + "\r\n"));
            return await Reply();
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"PROXY TCP4 {client} 192.0.2.25 40000 25\r\n"));
        Assert.That(await Reply(), Does.StartWith("220"));
        await Command("EHLO client.test");
        var mail = await Command($"MAIL FROM:<{mailFrom}>");
        if (!mail.StartsWith('2')) return mail;
        var rcpt = await Command($"RCPT TO:<{Mail.Recipient}>");
        if (!rcpt.StartsWith('2')) return rcpt;
        Assert.That(await Command("DATA"), Does.StartWith("354"));
        var done = await Command($"From: {mailFrom}\r\nTo: {Mail.Recipient}\r\nSubject: {subject}\r\n\r\nNội dung\r\n.");
        await Command("QUIT");
        return done;
    }

    [Test]
    public async Task A_client_outside_claiming_the_agency_is_refused_though_the_balancer_is_internal()
    {
        var outside = await SendAsProxiedAsync("203.0.113.9", Chairman, "Thông báo từ ngoài");
        Assert.That(outside, Does.StartWith("550 5.7.1").And.Contain("own address"), "judged as 203.0.113.9, not as the internal balancer");
        var inside = await SendAsProxiedAsync("127.0.0.1", Chairman, "Thông báo từ trong");
        Assert.That(inside, Does.StartWith("250"), "the same message from the agency's own server");

        await _gateway.Runtime.Audit!.FlushAsync();
        var rejected = _gateway.Runtime.Audit.Query(new AuditQuery { Decision = "rejected" }).Records.Select(r => r.Transaction).ToList();
        // Refused at MAIL FROM, so the record has no subject: it is found by its sender and the client's own address.
        Assert.That(rejected.Where(t => t.ClientIp == "203.0.113.9" && t.MailFrom == Chairman), Has.Exactly(1).Items);
        Assert.That(rejected.Where(t => t.ClientIp == "127.0.0.1"), Is.Empty);
    }

    [Test]
    public async Task Rate_limits_count_each_client_not_the_balancer()
    {
        var first = await SendAsProxiedAsync("198.51.100.7", Elsewhere, "Tin 1");
        var second = await SendAsProxiedAsync("198.51.100.7", Elsewhere, "Tin 2");
        var third = await SendAsProxiedAsync("198.51.100.7", Elsewhere, "Tin 3");
        var other = await SendAsProxiedAsync("198.51.100.8", Elsewhere, "Tin 4");
        Assert.Multiple(() =>
        {
            Assert.That(first, Does.StartWith("250"));
            Assert.That(second, Does.StartWith("250"));
            Assert.That(third, Does.StartWith("450 4.7.1").And.Contain("Vượt giới hạn số thư gửi"), "the third from one client in the window");
            Assert.That(other, Does.StartWith("250"), "another client behind the same balancer has its own count");
        });
    }
}
