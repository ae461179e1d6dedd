using Gateway.Tests.Support;
using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Who the sender is: a logged-in user sends only as themselves (every From and Sender address), and
/// nobody outside the agency's mail servers sends as the agency through the MX without login.
/// </summary>
[TestFixture]
public sealed class ForgedSenderTests
{
    private const string Password = "Mật-khẩu-2026!";
    private const string Chairman = "chutich@hatinh.gov.vn";
    private Upstream _upstream = null!;
    private TestGateway _gateway = null!;
    private string _work = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _work = TempFolders.Create("forged");
        _upstream = await Upstream.StartNewAsync();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = _upstream.Port.ToString(),
            ["Access:OwnDomains:0"] = "hatinh.gov.vn",
            // Our own mail server is 127.0.0.1; 127.0.0.2 plays a host on the Internet.
            ["Access:InternalNetworks:0"] = "127.0.0.1/32",
        });
        Assert.That(await Cli.RunAsync(_gateway.Paths, "users", "add", Mail.Sender, "--password", Password), Is.EqualTo(0));
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    private string Eml(string headers)
    {
        var path = Path.Combine(_work, Guid.NewGuid().ToString("N") + ".eml");
        File.WriteAllText(path, headers.ReplaceLineEndings("\r\n") + "\r\nTo: " + Mail.Recipient + "\r\nSubject: Thông báo\r\n\r\nNội dung\r\n");
        return path;
    }

    private Task<ToolResult> Submit(string eml) => Swaks.SendAsync(_gateway.Submission.Port, Mail.Sender, Mail.Recipient, eml,
        "--tls", "--auth", "PLAIN", "--auth-user", Mail.Sender, "--auth-password", Password);

    [TestCase("From: " + Mail.Sender + ", " + Chairman, "The From address chutich@hatinh.gov.vn is not yours")]
    [TestCase("From: " + Mail.Sender + "\nFrom: " + Chairman, "more than one From header field")]
    [TestCase("From: " + Mail.Sender + "\nFrom: " + Mail.Sender, "more than one From header field")]
    [TestCase("From: Văn thư <" + Mail.Sender + ">\nSender: " + Chairman, "The Sender address chutich@hatinh.gov.vn is not yours")]
    [TestCase("From: Lãnh đạo: " + Mail.Sender + ", " + Chairman + ";", "The From address chutich@hatinh.gov.vn is not yours")]
    public async Task A_logged_in_user_may_not_name_anyone_else_in_from_or_sender(string headers, string expected)
    {
        var result = await Submit(Eml(headers));
        Assert.That(result.All, Does.Contain("<~* 550 5.7.1").And.Contain(expected), result.All);
        Assert.That(result.All, Does.Contain("không phải của bạn").Or.Contain("nhiều hơn một trường From"), "bilingual");
    }

    [Test]
    public async Task A_logged_in_user_sending_as_themselves_is_accepted()
    {
        var result = await Submit(Eml("From: Văn thư <" + Mail.Sender + ">\nSender: " + Mail.Sender));
        Assert.That(result.All, Does.Contain("<~  250 2.0.0"), result.All);
    }

    [Test]
    public async Task Mail_through_the_mx_claiming_an_own_domain_from_outside_is_refused_and_audited()
    {
        // Envelope sender in an own domain, from a host outside the internal networks: refused at MAIL FROM.
        var atMail = await RelayFrom("127.0.0.2", Chairman, "From: " + Chairman);
        Assert.That(atMail.StdOut, Does.Contain("MAIL 550 5.7.1").And.Contain("own address " + Chairman), atMail.All);
        Assert.That(atMail.StdOut, Does.Contain("của cơ quan"), "bilingual");

        // Another government sender in the envelope, the chairman in the header: refused after DATA.
        var atData = await RelayFrom("127.0.0.2", "vanthu@quangbinh.gov.vn", "From: Chủ tịch UBND <" + Chairman + ">");
        Assert.That(atData.StdOut, Does.Contain("MAIL 250").And.Contain("DATA 550 5.7.1").And.Contain("own address " + Chairman), atData.All);

        // The same message from the agency's own server (internal network) is accepted.
        var inside = await RelayFrom("127.0.0.1", Chairman, "From: " + Chairman);
        Assert.That(inside.StdOut, Does.Contain("DATA 250"), inside.All);
        // And mail from outside that does not claim the agency is accepted as before.
        var other = await RelayFrom("127.0.0.2", "vanthu@quangbinh.gov.vn", "From: vanthu@quangbinh.gov.vn");
        Assert.That(other.StdOut, Does.Contain("DATA 250"), other.All);

        await _gateway.Runtime.Audit!.FlushAsync();
        var rejected = _gateway.Runtime.Audit.Query(new AuditQuery { Decision = "rejected" }).Records.Select(r => r.Transaction).ToList();
        Assert.That(rejected.Where(t => t.ClientIp == "127.0.0.2" && t.SmtpReply!.Contains("own address")).ToList(), Has.Count.EqualTo(2));
    }

    /// <summary>One message through the relay listener with python's smtplib bound to <paramref name="source"/>; prints "VERB code text".</summary>
    private async Task<ToolResult> RelayFrom(string source, string mailFrom, string headerFrom)
    {
        var message = headerFrom + "\r\nTo: " + Mail.Recipient + "\r\nSubject: Thông báo\r\n\r\nNội dung\r\n";
        var script = $$"""
            import smtplib
            s = smtplib.SMTP('127.0.0.1', {{_gateway.Relay.Port}}, local_hostname='client.test', timeout=30, source_address=('{{source}}', 0))
            s.ehlo('client.test')
            def show(verb, r):
                print(verb, r[0], r[1].decode('utf-8', 'replace').replace('\n', ' '))
                return r[0]
            if show('MAIL', s.docmd('MAIL FROM:<{{mailFrom}}>')) == 250:
                show('RCPT', s.docmd('RCPT TO:<{{Mail.Recipient}}>'))
                s.putcmd('DATA'); show('DATA-GO', s.getreply())
                s.send({{System.Text.Json.JsonSerializer.Serialize(message)}}.encode('utf-8') + b'.\r\n')
                show('DATA', s.getreply())
            s.quit()
            """;
        return await ToolRunner.RunAsync("python3", ["-c", script], timeout: TimeSpan.FromSeconds(60));
    }
}
