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
        Assert.That(await WaitForRecipientAsync(Mail.Recipient), Is.Not.Null);
    }

    [Test]
    public async Task A_citizens_plain_letter_from_gmail_arrives_through_the_mx()
    {
        // The relay listener is the agency's MX: before, the shipped sender-domain rule refused this at MAIL FROM.
        var result = await Swaks.SendAsync(_gateway.Relay.Port, "nguoi.dan@gmail.com", "tiepnhan@stttt.hatinh.gov.vn", null,
            "--header", "Subject: Đề nghị hướng dẫn thủ tục", "--header", "From: nguoi.dan@gmail.com", "--body", "Kính gửi Sở, tôi xin hỏi thủ tục cấp phép.");
        Assert.That(result.All, Does.Contain("<-  250 2.0.0 OK: queued as"), result.All);
        var received = await WaitForRecipientAsync("tiepnhan@stttt.hatinh.gov.vn");
        Assert.That(received, Is.Not.Null, "the letter reached the agency's mail server");
        Assert.That(received!.MailFrom, Is.EqualTo("nguoi.dan@gmail.com"));
        Assert.That(received.Text, Does.Contain("From: nguoi.dan@gmail.com"));
    }

    [Test]
    public async Task An_official_document_from_gmail_through_the_mx_is_still_refused()
    {
        var eml = Mail.WriteEml(Mail.WithAttachment("Báo cáo", "bao-cao.txt", Mail.ReportText, from: "nguoi.dan@gmail.com"), TempFolders.Create("mx-doc"));
        var result = await Swaks.SendAsync(_gateway.Relay.Port, "nguoi.dan@gmail.com", Mail.Recipient, eml);
        Assert.That(result.All, Does.Match(@"<\*\* +550[- ]5\.7\.1 \[sender-domain\] .*hộp thư công vụ"), result.All);
    }

    /// <summary>The fixture's upstream is shared by its tests: find the message by its recipient.</summary>
    private async Task<ReceivedMessage?> WaitForRecipientAsync(string recipient)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var found = _upstream.Messages().FirstOrDefault(m => m.Recipients.Contains(recipient));
            if (found is not null || DateTime.UtcNow > deadline) return found;
            await Task.Delay(100);
        }
    }
}
