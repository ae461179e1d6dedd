using NUnit.Framework;
using Gateway.Tests.Support;

namespace Gateway.Tests.EndToEnd;

/// <summary>The relay (MX) listener is not an open relay.</summary>
[TestFixture]
public sealed class RelayTests
{
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
        });
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [TestCase("user@example.com")]
    [TestCase("@relay.example:user@example.com")]
    [TestCase("user%example.com@stttt.hatinh.gov.vn")]
    [TestCase("example.com!user@stttt.hatinh.gov.vn")]
    [TestCase("\"user@example.com\"@stttt.hatinh.gov.vn")]
    [TestCase("user@[192.0.2.1]")]
    [TestCase("user@hatinh.gov.vn.example.com")]
    [TestCase("user@hatinh-gov.vn")]
    public async Task Recipients_outside_the_local_domains_and_routing_tricks_are_refused(string recipient)
    {
        var result = await Python.SmtpAsync(_gateway.Relay.Port, $$"""
            print(s.docmd('MAIL FROM:<vanthu@stttt.hatinh.gov.vn>'))
            print(s.docmd('RCPT TO:<{{recipient.Replace("\\", "\\\\").Replace("'", "\\'")}}>'))
            """);
        Assert.That(result.StdOut, Does.Contain("(250, b'2.1.0"), result.All);
        Assert.That(result.StdOut, Does.Match(@"\((550|553|554|501), b.5\."), result.All);
    }

    [Test]
    public async Task A_local_recipient_is_accepted_and_delivered()
    {
        var result = await Swaks.SendAsync(_gateway.Relay.Port, Mail.Sender, Mail.Recipient, null,
            "--header", "Subject: Thông tin chung", "--body", "Xin chào");
        Assert.That(result.All, Does.Contain("<-  250 2.0.0 OK: queued as"), result.All);
        var received = await _upstream.WaitForAsync(1, TimeSpan.FromSeconds(20));
        Assert.That(received.Select(m => m.Recipients[0]), Does.Contain(Mail.Recipient));
    }

    [Test]
    public async Task A_sender_outside_government_domains_is_refused_at_mail_from()
    {
        var result = await Python.SmtpAsync(_gateway.Relay.Port, """
            print(s.docmd('MAIL FROM:<someone@gmail.com>'))
            """);
        Assert.That(result.StdOut, Does.Match(@"\(550, b.5\.7\.1"), result.All);
    }
}
