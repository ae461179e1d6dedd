using System.Diagnostics;
using GovGateway.Smtp.Tests.Support;

namespace GovGateway.Smtp.Tests;

/// <summary>
/// Issue 15 §1: a client that hangs up while its message is being decided never sees the reply and sends again, so the
/// handler's token is cancelled at once and the message is not accepted (no duplicate on the retry).
/// </summary>
[TestFixture]
public class HangUpTests
{
    private static async Task SendMessageAsync(RawClient c, string tail = "")
    {
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        await c.CommandAsync("MAIL FROM:<a@example.com>");
        await c.CommandAsync("RCPT TO:<b@example.com>");
        await c.CommandAsync("DATA");
        await c.SendAsync("Subject: x\r\n\r\nbody\r\n.\r\n" + tail);
    }

    [Test, CancelAfter(30_000)]
    public async Task A_client_that_hangs_up_during_the_decision_cancels_it_and_nothing_is_accepted()
    {
        await using var server = await TestServer.StartAsync();
        server.Handler.CompleteDelay = TimeSpan.FromMinutes(5); // a decision that would take long: it waits on the token
        var c = await server.ConnectAsync();
        await SendMessageAsync(c);
        var started = Stopwatch.StartNew();
        await c.DisposeAsync();

        while (server.Handler.Disconnected.IsEmpty && started.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(20);
        Assert.That(server.Handler.Disconnected, Has.Count.EqualTo(1), "the session ends when the client hangs up, not when the decision would have ended");
        Assert.That(server.Handler.Messages, Is.Empty, "the handler's work was cancelled before it accepted the message");
        Assert.That(server.Handler.Events, Does.Not.Contain("complete"));
    }

    [Test, CancelAfter(30_000)]
    public async Task A_reply_the_client_left_before_is_reported_failed_to_the_handler_not_sent()
    {
        await using var server = await TestServer.StartAsync();
        server.Handler.AnswerAfterHangUp = true; // the handler committed before it noticed: it answers 250 anyway
        var c = await server.ConnectAsync();
        await SendMessageAsync(c);
        await c.DisposeAsync();

        var started = Stopwatch.StartNew();
        while (server.Handler.Disconnected.IsEmpty && started.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(20);
        Assert.That(server.Handler.Messages, Has.Count.EqualTo(1), "the handler answered 250");
        Assert.That(server.Handler.ReplyOutcomes, Is.EqualTo(new[] { ("failed", 250) }), "so it can withdraw what it committed");
    }

    [Test, CancelAfter(30_000)]
    public async Task A_reply_the_client_read_is_reported_sent_for_DATA_and_BDAT()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await server.ConnectAsync();
        await SendMessageAsync(c);
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("250 2.0.0 Queued"));
        await c.CommandAsync("MAIL FROM:<a@example.com>");
        await c.CommandAsync("RCPT TO:<b@example.com>");
        await c.SendAsync("BDAT 12 LAST\r\nSubject: y\r\n");
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("250"));
        Assert.That(await c.CommandAsync("QUIT"), Does.StartWith("221"));
        Assert.That(server.Handler.ReplyOutcomes, Is.EqualTo(new[] { ("sent", 250), ("sent", 250) }));
    }

    [Test, CancelAfter(30_000)]
    public async Task Commands_pipelined_after_the_message_are_not_lost_while_the_decision_runs()
    {
        await using var server = await TestServer.StartAsync();
        server.Handler.CompleteDelay = TimeSpan.FromMilliseconds(300);
        await using var c = await server.ConnectAsync();
        await SendMessageAsync(c, "NOOP\r\nRSET\r\n");
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("250 2.0.0 Queued"));
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("250"), "NOOP");
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("250"), "RSET");
        Assert.That(server.Handler.Messages, Has.Count.EqualTo(1));
    }
}
