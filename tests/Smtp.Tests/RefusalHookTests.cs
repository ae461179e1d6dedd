using System.Text;
using GovGateway.Smtp.Tests.Support;

namespace GovGateway.Smtp.Tests;

/// <summary>
/// The engine's own refusals reach the host through OnTransactionRefusedAsync (so the host can audit them),
/// once per transaction, and their texts come from SmtpServerOptions.Replies.
/// </summary>
[TestFixture]
public class RefusalHookTests
{
    private static async Task<RawClient> InTransactionAsync(TestServer server)
    {
        var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        Assert.That(await c.CommandAsync("MAIL FROM:<a@example.com>"), Does.StartWith("250"));
        Assert.That(await c.CommandAsync("RCPT TO:<b@example.com>"), Does.StartWith("250"));
        return c;
    }

    /// <summary>Hooks that run as the session ends are awaited before it closes, but the client may see the close first.</summary>
    private static async Task<RecordingHandler.Refusal[]> RefusalsAsync(TestServer server, int count)
    {
        for (var i = 0; i < 100 && server.Handler.Refusals.Count < count; i++) await Task.Delay(50);
        return server.Handler.Refusals.ToArray();
    }

    [Test]
    public async Task Size_refusals_at_mail_in_data_and_in_bdat_are_reported_once_each()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxMessageSize = 10_000);
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        Assert.That(await c.CommandAsync("MAIL FROM:<big@example.com> SIZE=20000"), Does.StartWith("552 5.3.4"));

        Assert.That(await c.CommandAsync("MAIL FROM:<a@example.com>"), Does.StartWith("250"));
        await c.CommandAsync("RCPT TO:<b@example.com>");
        await c.CommandAsync("DATA");
        await c.SendAsync(string.Concat(Enumerable.Repeat(new string('y', 98) + "\r\n", 200)) + ".\r\n");
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("552 5.3.4"));

        Assert.That(await c.CommandAsync("MAIL FROM:<c@example.com>"), Does.StartWith("250"));
        await c.CommandAsync("RCPT TO:<b@example.com>");
        await c.SendAsync("BDAT 6000\r\n" + new string('z', 6000) + "BDAT 6000\r\n" + new string('z', 6000) + "BDAT 10 LAST\r\n" + new string('z', 10));
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("250"));
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("552 5.3.4"));
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("552 5.3.4"));

        var refusals = server.Handler.Refusals.ToArray();
        Assert.That(refusals.Select(r => (r.MailFrom, r.Reason, r.Reply.Code)), Is.EqualTo(new[]
        {
            ("big@example.com", RefusalReason.MessageTooBig, 552),
            ("a@example.com", RefusalReason.MessageTooBig, 552),
            ("c@example.com", RefusalReason.MessageTooBig, 552),
        }));
        Assert.That(refusals[0].DeclaredSize, Is.EqualTo(20_000));
        Assert.That(refusals[1].Recipients, Is.EqualTo(1));
        Assert.That(server.Handler.Messages, Is.Empty);
    }

    [Test]
    public async Task Bare_line_break_and_long_line_in_content_are_reported()
    {
        await using var server = await TestServer.StartAsync();
        await using (var c = await InTransactionAsync(server))
        {
            await c.CommandAsync("DATA");
            await c.SendAsync(new string('b', 1200) + "\r\n.\r\n");
            Assert.That(await c.ReadReplyAsync(), Does.StartWith("500 5.5.6"));
            Assert.That(await c.CommandAsync("MAIL FROM:<a@example.com>"), Does.StartWith("250"));
            await c.CommandAsync("RCPT TO:<b@example.com>");
            await c.CommandAsync("DATA");
            await c.SendAsync("line one\nline two\r\n.\r\n");
            Assert.That(await c.ReadReplyAsync(), Does.StartWith("550 5.5.2"));
        }
        var refusals = await RefusalsAsync(server, 2);
        Assert.That(refusals.Select(r => r.Reason), Is.EqualTo(new[] { RefusalReason.LineTooLong, RefusalReason.BareLineBreak }));
    }

    [Test]
    public async Task A_write_failure_is_reported_with_the_452_the_client_gets()
    {
        await using var server = await TestServer.StartAsync();
        server.Handler.FailSinkAfterBytes = 10;
        await using var c = await InTransactionAsync(server);
        await c.CommandAsync("DATA");
        await c.SendAsync(new string('x', 100) + "\r\n.\r\n");
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("452 4.3.1"));
        var refusal = server.Handler.Refusals.Single();
        Assert.That((refusal.Reason, refusal.Reply.Code), Is.EqualTo((RefusalReason.WriteFailed, 452)));
    }

    [Test]
    public async Task A_timeout_after_mail_and_a_client_leaving_mid_data_are_reported_but_quit_is_not()
    {
        await using var server = await TestServer.StartAsync(o => o.CommandTimeout = TimeSpan.FromMilliseconds(500));
        await using (var c = await InTransactionAsync(server))
        {
            Assert.That(await c.ReadReplyAsync(), Does.StartWith("421 4.4.2"));
        }
        var refusals = await RefusalsAsync(server, 1);
        Assert.That(refusals.Select(r => (r.Reason, r.Reply.Code)), Is.EqualTo(new[] { (RefusalReason.Timeout, 421) }));

        await using (var c = await InTransactionAsync(server))
        {
            await c.CommandAsync("DATA");
            await c.SendAsync("Subject: half\r\n");
        }
        refusals = await RefusalsAsync(server, 2);
        Assert.That(refusals[1].Reason, Is.EqualTo(RefusalReason.ConnectionLost));
        Assert.That(refusals[1].Reply.Code, Is.EqualTo(0), "nothing was sent to the client");

        await using (var c = await InTransactionAsync(server))
        {
            Assert.That(await c.CommandAsync("QUIT"), Does.StartWith("221"));
        }
        for (var i = 0; i < 20 && server.Handler.Disconnected.Count < 3; i++) await Task.Delay(50);
        Assert.That(server.Handler.Disconnected, Has.Count.EqualTo(3));
        Assert.That(server.Handler.Refusals, Has.Count.EqualTo(2), "QUIT after MAIL is the client's choice, not a refusal");
    }

    [Test]
    public async Task A_handler_that_throws_at_the_end_of_data_still_hears_of_the_451()
    {
        await using var server = await TestServer.StartAsync();
        server.Handler.ThrowOnComplete = true;
        await using var c = await InTransactionAsync(server);
        await c.CommandAsync("DATA");
        Assert.That(await c.CommandAsync("Subject: x\r\n\r\nbody\r\n."), Does.StartWith("451 4.3.0"));
        var refusal = server.Handler.Refusals.Single();
        Assert.That((refusal.Reason, refusal.Reply.Code, refusal.MailFrom), Is.EqualTo((RefusalReason.LocalError, 451, "a@example.com")));
    }

    [Test]
    public async Task The_host_supplies_the_reply_texts()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxMessageSize = 2 * 1024 * 1024;
            o.MaxRecipients = 1;
            o.Replies.MessageTooBig = limit => new SmtpReply(552, "5.3.4", $"Thư quá lớn (tối đa {limit / 1048576} MB) / Message too big (max {limit / 1048576} MB)");
            o.Replies.TooManyRecipients = max => new SmtpReply(452, "4.5.3", $"Tối đa {max} người nhận / At most {max} recipients");
            o.Replies.NeedMail = new SmtpReply(503, "5.5.1", "Cần lệnh MAIL trước / Need MAIL command first");
            o.Replies.Other = r => new SmtpReply(r.Code, r.EnhancedCode, "Lỗi / " + r.Text);
        });
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        Assert.That(await c.CommandAsync("RCPT TO:<b@example.com>"), Is.EqualTo("503 5.5.1 Cần lệnh MAIL trước / Need MAIL command first"));
        Assert.That(await c.CommandAsync("MAIL FROM:<a@example.com> SIZE=3000000"), Is.EqualTo("552 5.3.4 Thư quá lớn (tối đa 2 MB) / Message too big (max 2 MB)"));
        Assert.That(await c.CommandAsync("MAIL FROM:<a@example.com>"), Does.StartWith("250"));
        Assert.That(await c.CommandAsync("RCPT TO:<b@example.com>"), Does.StartWith("250"));
        Assert.That(await c.CommandAsync("RCPT TO:<c@example.com>"), Is.EqualTo("452 4.5.3 Tối đa 1 người nhận / At most 1 recipients"));
        Assert.That(await c.CommandAsync("RSET"), Is.EqualTo("250 2.0.0 OK"));
        Assert.That(await c.CommandAsync("MAIL FROM:<a@example.com> FOO=1"), Is.EqualTo("555 5.5.4 Lỗi / Unsupported parameter FOO"));
        Assert.That(await c.CommandAsync("EXPN staff"), Is.EqualTo("502 5.5.1 Lỗi / EXPN not available"));
        Assert.That(await c.CommandAsync("NOOP"), Is.EqualTo("250 2.0.0 OK"), "positive replies are the engine's own");
    }

    [Test]
    public async Task A_connection_over_the_limit_gets_the_hosts_text()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxConnectionsPerIp = 1;
            o.Replies.TooManyConnections = new SmtpReply(421, "4.7.0", "Quá nhiều kết nối / Too many connections");
        });
        await using var first = await server.ConnectAsync();
        await first.ReadReplyAsync();
        await using var second = await server.ConnectAsync();
        Assert.That(await second.ReadReplyAsync(), Is.EqualTo("421 4.7.0 Quá nhiều kết nối / Too many connections"));
    }
}
