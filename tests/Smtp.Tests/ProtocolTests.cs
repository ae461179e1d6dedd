using System.Text;
using GovGateway.Smtp.Tests.Support;

namespace GovGateway.Smtp.Tests;

[TestFixture]
public class ProtocolTests
{
    private TestServer _server = null!;

    [SetUp]
    public async Task SetUp() => _server = await TestServer.StartAsync();

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    private async Task<RawClient> GreetedAsync(string listener = "relay")
    {
        var c = await _server.ConnectAsync(listener);
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("220 mx.test.local ESMTP ready"));
        Assert.That(await c.CommandAsync("EHLO client.example"), Does.StartWith("250-mx.test.local Hello client.example"));
        return c;
    }

    [Test]
    public async Task Data_is_dot_unstuffed_and_stored_byte_exact()
    {
        await using var c = await GreetedAsync();
        Assert.That(await c.CommandAsync("MAIL FROM:<sender@example.com> BODY=8BITMIME SIZE=100 RET=HDRS ENVID=abc+2Bdef"), Is.EqualTo("250 2.1.0 Sender OK"));
        Assert.That(await c.CommandAsync("RCPT TO:<rcpt@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;rcpt@example.com"), Is.EqualTo("250 2.1.5 Recipient OK"));
        Assert.That(await c.CommandAsync("RCPT TO:<Postmaster>"), Is.EqualTo("250 2.1.5 Recipient OK"));
        Assert.That(await c.CommandAsync("DATA"), Does.StartWith("354 "));
        await c.SendAsync("Subject: t\r\n\r\n..leading dot\r\n..\r\n...\r\nend \u1EA1\r\n.\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.0.0 Queued as test"));

        var m = _server.Handler.Messages.Single();
        Assert.That(Encoding.UTF8.GetString(m.Content), Is.EqualTo("Subject: t\r\n\r\n.leading dot\r\n.\r\n..\r\nend \u1EA1\r\n"));
        Assert.That(m.Envelope.MailFrom, Is.EqualTo("sender@example.com"));
        Assert.That(m.Envelope.Body, Is.EqualTo(BodyType.EightBitMime));
        Assert.That(m.Envelope.DeclaredSize, Is.EqualTo(100));
        Assert.That(m.Envelope.DsnReturn, Is.EqualTo("HDRS"));
        Assert.That(m.Envelope.DsnEnvelopeId, Is.EqualTo("abc+2Bdef"));
        Assert.That(m.Envelope.Recipients.Select(r => r.Address), Is.EqualTo(new[] { "rcpt@example.com", "Postmaster" }));
        Assert.That(m.Envelope.Recipients[0].Notify, Is.EqualTo("SUCCESS,FAILURE"));
        Assert.That(m.Envelope.Recipients[0].OriginalRecipient, Is.EqualTo("rfc822;rcpt@example.com"));
        Assert.That(m.Session.HeloName, Is.EqualTo("client.example"));
        Assert.That(m.Session.IsExtended, Is.True);
    }

    [Test]
    public async Task Empty_message_and_null_sender_are_accepted()
    {
        await using var c = await GreetedAsync();
        await c.CommandAsync("MAIL FROM:<>");
        await c.CommandAsync("RCPT TO:<r@example.com>");
        await c.CommandAsync("DATA");
        Assert.That(await c.CommandAsync("."), Does.StartWith("250 "));
        var m = _server.Handler.Messages.Single();
        Assert.That(m.Content, Is.Empty);
        Assert.That(m.Envelope.MailFrom, Is.EqualTo(""));
    }

    [Test]
    public async Task Pipelined_group_in_one_write_gets_all_replies_in_order()
    {
        await using var c = await GreetedAsync();
        await c.SendAsync("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<c@example.com>\r\nDATA\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.1.0 Sender OK"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.1.5 Recipient OK"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("550 5.1.1 No such user"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.1.5 Recipient OK"));
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("354"));
        // Message and the next whole transaction in one write as well.
        await c.SendAsync("one\r\n.\r\nMAIL FROM:<d@example.com>\r\nRCPT TO:<e@example.com>\r\nDATA\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.0.0 Queued as test"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.1.0 Sender OK"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.1.5 Recipient OK"));
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("354"));
        await c.SendAsync("two\r\n.\r\nQUIT\r\n");
        Assert.That(await c.ReadUntilClosedAsync(), Is.EqualTo(new[] { "250 2.0.0 Queued as test", "221 2.0.0 Bye" }));

        var messages = _server.Handler.Messages.ToArray();
        Assert.That(messages.Select(m => Encoding.ASCII.GetString(m.Content)), Is.EqualTo(new[] { "one\r\n", "two\r\n" }));
        Assert.That(messages[0].Envelope.Recipients.Select(r => r.Address), Is.EqualTo(new[] { "b@example.com", "c@example.com" }));
    }

    [Test]
    public async Task Bdat_chunks_are_stored_raw_and_answered_per_chunk()
    {
        await using var c = await GreetedAsync();
        await c.SendAsync("MAIL FROM:<a@example.com> BODY=BINARYMIME\r\nRCPT TO:<b@example.com>\r\nBDAT 7\r\n.\r\nx\n\0\rBDAT 5 LAST\r\n\r\n.\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.1.0 Sender OK"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.1.5 Recipient OK"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.0.0 7 octets received"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.0.0 Queued as test"));
        var m = _server.Handler.Messages.Single();
        Assert.That(m.Content, Is.EqualTo(Encoding.ASCII.GetBytes(".\r\nx\n\0\r\r\n.\r\n")));
        Assert.That(m.Envelope.Body, Is.EqualTo(BodyType.BinaryMime));
        // DATA is refused for BINARYMIME; BDAT outside a transaction is drained, not executed.
        await c.SendAsync("BDAT 6 LAST\r\nQUIT\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("503 5.5.1 Need MAIL command first"));
        Assert.That(await c.CommandAsync("NOOP"), Is.EqualTo("250 2.0.0 OK"));
    }

    [Test]
    public async Task Smtputf8_addresses_need_the_parameter()
    {
        await using var c = await GreetedAsync();
        Assert.That(await c.CommandAsync("MAIL FROM:<nguyễn@bộ.gov.vn>"), Is.EqualTo("553 5.6.7 Non-ASCII address requires SMTPUTF8"));
        Assert.That(await c.CommandAsync("MAIL FROM:<nguyễn@bộ.gov.vn> SMTPUTF8"), Is.EqualTo("250 2.1.0 Sender OK"));
        Assert.That(await c.CommandAsync("RCPT TO:<trần@sở.gov.vn>"), Is.EqualTo("250 2.1.5 Recipient OK"));
        await c.CommandAsync("DATA");
        Assert.That(await c.CommandAsync("Subject: ư\r\n."), Does.StartWith("250"));
        var m = _server.Handler.Messages.Single();
        Assert.That(m.Envelope.SmtpUtf8, Is.True);
        Assert.That(m.Envelope.MailFrom, Is.EqualTo("nguyễn@bộ.gov.vn"));
        Assert.That(m.Envelope.Recipients[0].Address, Is.EqualTo("trần@sở.gov.vn"));
        Assert.That(m.Content, Is.EqualTo(Encoding.UTF8.GetBytes("Subject: ư\r\n")));
    }

    [Test]
    public async Task Handler_can_refuse_the_connection()
    {
        _server.Handler.ConnectRefusal = new SmtpReply(554, "5.7.1", "Go away");
        await using var c = await _server.ConnectAsync();
        Assert.That(await c.ReadUntilClosedAsync(), Is.EqualTo(new[] { "554 5.7.1 Go away" }));
    }

    [Test]
    public async Task Hooks_see_session_facts_and_disconnect_is_reported()
    {
        await using (var c = await GreetedAsync())
        {
            await c.CommandAsync("QUIT");
            await c.IsClosedAsync();
        }
        await Eventually.UntilAsync(() => !_server.Handler.Disconnected.IsEmpty, TimeSpan.FromSeconds(5), "the disconnect reported");
        var s = _server.Handler.Disconnected.Single();
        Assert.That(s.ListenerName, Is.EqualTo("relay"));
        Assert.That(s.Role, Is.EqualTo(ListenerRole.Relay));
        Assert.That(s.HeloName, Is.EqualTo("client.example"));
        Assert.That(s.RemoteEndPoint.Address.ToString(), Is.EqualTo("127.0.0.1"));
        Assert.That(s.LocalEndPoint.Port, Is.EqualTo(_server.Port("relay")));
        Assert.That(s.IsSecure, Is.False);
    }
}
