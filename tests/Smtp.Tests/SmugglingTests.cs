using System.Text;
using GovGateway.Smtp.Tests.Support;

namespace GovGateway.Smtp.Tests;

/// <summary>
/// SMTP smuggling (CVE-2023-51764/51765/51766 family): lookalike end-of-data sequences must neither
/// end the message early nor let what follows them run as a second transaction.
/// </summary>
[TestFixture]
public class SmugglingTests
{
    private TestServer _server = null!;

    [SetUp]
    public async Task SetUp() => _server = await TestServer.StartAsync();

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    private const string Smuggled = "MAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n";

    [TestCase("\n.\n", TestName = "LF.LF")]
    [TestCase("\n.\r\n", TestName = "LF.CRLF")]
    [TestCase("\r\n.\n", TestName = "CRLF.LF")]
    [TestCase("\r.\r", TestName = "CR.CR")]
    [TestCase("\r\n.\r", TestName = "CRLF.CR")]
    [TestCase("\r\r\n.\r\n", TestName = "CRCRLF.CRLF")]
    [TestCase("\n..\n", TestName = "LF..LF")]
    [TestCase("\r\n\n.\r\n", TestName = "CRLF LF.CRLF")]
    public async Task Lookalike_terminator_is_refused_and_nothing_after_it_runs(string lookalike)
    {
        await using var c = await _server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        await c.CommandAsync("MAIL FROM:<user@example.com>");
        await c.CommandAsync("RCPT TO:<friend@example.com>");
        Assert.That(await c.CommandAsync("DATA"), Does.StartWith("354"));

        await c.SendAsync("Subject: first\r\n\r\nhello" + lookalike + Smuggled + "QUIT\r\n");

        var replies = await c.ReadUntilClosedAsync();
        Assert.That(replies, Is.EqualTo(new[] { "550 5.5.2 Bare <CR> or <LF> in message content, message refused; closing connection" }));
        Assert.That(_server.Handler.Messages, Is.Empty, "neither the first nor a smuggled message is accepted");
        Assert.That(_server.Handler.Events, Does.Not.Contain("mail evil@example.com"));
        Assert.That(_server.Handler.Events, Does.Not.Contain("rcpt victim@example.com"));
    }

    [Test]
    public async Task Lookalike_without_any_real_terminator_never_ends_the_message()
    {
        await using var server = await TestServer.StartAsync(o => o.DataTimeout = TimeSpan.FromSeconds(1));
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        await c.CommandAsync("MAIL FROM:<user@example.com>");
        await c.CommandAsync("RCPT TO:<friend@example.com>");
        await c.CommandAsync("DATA");
        await c.SendAsync("hello\n.\nMAIL FROM:<evil@example.com>\n");
        // Nothing ends the content, so the server waits for more data and gives up on the data timeout.
        Assert.That(await c.ReadUntilClosedAsync(), Is.EqualTo(new[] { "421 4.4.2 Timeout waiting for message data, closing connection" }));
        Assert.That(server.Handler.Messages, Is.Empty);
        Assert.That(server.Handler.Events, Does.Not.Contain("mail evil@example.com"));
    }

    [TestCase("NOOP\nMAIL FROM:<evil@example.com>\r\n", TestName = "Bare LF in command")]
    [TestCase("NOOP\rMAIL FROM:<evil@example.com>\r\n", TestName = "Bare CR in command")]
    [TestCase("MAIL FROM:<evil@example.com>\n", TestName = "Command ended by LF only")]
    public async Task Bare_line_break_in_a_command_is_refused_and_closes(string input)
    {
        await using var c = await _server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        await c.SendAsync(input + "RCPT TO:<victim@example.com>\r\nDATA\r\nevil\r\n.\r\n");
        Assert.That(await c.ReadUntilClosedAsync(), Is.EqualTo(new[] { "550 5.5.2 Bare <CR> or <LF> received, closing connection" }));
        Assert.That(_server.Handler.Events, Does.Not.Contain("mail evil@example.com"));
        Assert.That(_server.Handler.Messages, Is.Empty);
    }

    [Test]
    public async Task Real_terminator_split_across_writes_still_ends_the_message()
    {
        await using var c = await _server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        await c.CommandAsync("MAIL FROM:<user@example.com>");
        await c.CommandAsync("RCPT TO:<friend@example.com>");
        await c.CommandAsync("DATA");
        foreach (var piece in new[] { "line1\r", "\n.", ".dot\r\n", "\r", "\n", ".", "\r", "\n" })
        {
            await c.SendAsync(piece);
            await Task.Delay(20);
        }
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.0.0 Queued as test"));
        Assert.That(Encoding.ASCII.GetString(_server.Handler.Messages.Single().Content), Is.EqualTo("line1\r\n.dot\r\n\r\n"));
    }

    [Test]
    public async Task Plaintext_pipelined_after_starttls_is_discarded()
    {
        await using var c = await _server.ConnectAsync("relay");
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        // CVE-2011-0411: the injected commands arrive in the same packet as STARTTLS.
        await c.SendAsync("STARTTLS\r\nMAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@example.com>\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("220 2.0.0 Ready to start TLS"));
        await c.StartTlsAsync();
        // Under TLS the session starts over: no EHLO yet, no transaction from the injected MAIL.
        Assert.That(await c.CommandAsync("RCPT TO:<x@example.com>"), Is.EqualTo("503 5.5.1 Need MAIL command first"));
        Assert.That(await c.CommandAsync("MAIL FROM:<user@example.com>"), Is.EqualTo("503 5.5.1 Send EHLO or HELO first"));
        Assert.That(await c.CommandAsync("EHLO c.example"), Does.StartWith("250-"));
        Assert.That(await c.CommandAsync("MAIL FROM:<user@example.com>"), Is.EqualTo("250 2.1.0 Sender OK"));
        Assert.That(_server.Handler.Events, Does.Not.Contain("mail evil@example.com"));
    }
}
