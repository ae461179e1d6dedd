using Gateway.Tests.Delivery;
using Gateway.Tests.Support;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>Access:RecipientVerification: the MX asks the upstream at RCPT time, as Postfix's reject_unverified_recipient.</summary>
public sealed class RecipientVerificationTests
{
    [Test]
    public async Task Unknown_mailboxes_are_refused_at_rcpt_known_ones_accepted_and_answers_cached()
    {
        await using var upstream = new TestUpstream
        {
            RcptReply = a => a.StartsWith("khongco", StringComparison.Ordinal) ? "550 5.1.1 <" + a + ">: Recipient address rejected: User unknown" : null,
        };
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
            ["Access:RecipientVerification:Enabled"] = "true",
        });

        var first = await Python.SmtpAsync(gateway.Relay.Port, """
            print(s.docmd('MAIL FROM:<vanthu@quangbinh.gov.vn>'))
            print(s.docmd('RCPT TO:<khongco@ubnd.hatinh.gov.vn>'))
            print(s.docmd('RCPT TO:<lanhdao@ubnd.hatinh.gov.vn>'))
            """);
        Assert.That(first.StdOut, Does.Contain("(550, b'5.1.1").And.Contain("khongco@ubnd.hatinh.gov.vn: user unknown"), first.All);
        Assert.That(first.StdOut, Does.Contain("(250, b'2.1.5"), first.All);
        var probes = upstream.Connections;
        Assert.That(probes, Is.EqualTo(2), "one probe per new address");
        Assert.That(upstream.Messages, Is.Empty, "a probe sends no message");

        var again = await Python.SmtpAsync(gateway.Relay.Port, """
            print(s.docmd('MAIL FROM:<vanthu@quangbinh.gov.vn>'))
            print(s.docmd('RCPT TO:<KhongCo@ubnd.hatinh.gov.vn>'))
            """);
        Assert.That(again.StdOut, Does.Contain("(550, b'5.1.1"), again.All);
        Assert.That(upstream.Connections, Is.EqualTo(probes), "answered from the cache");

        // The upstream down: accepted unverified, delivery decides later (no mail lost to an outage).
        upstream.Down = true;
        var down = await Python.SmtpAsync(gateway.Relay.Port, """
            print(s.docmd('MAIL FROM:<vanthu@quangbinh.gov.vn>'))
            print(s.docmd('RCPT TO:<moi@ubnd.hatinh.gov.vn>'))
            """);
        Assert.That(down.StdOut, Does.Contain("(250, b'2.1.5"), down.All);
    }
}
