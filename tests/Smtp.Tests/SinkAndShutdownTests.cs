using System.Text;
using GovGateway.Smtp.Tests.Support;

namespace GovGateway.Smtp.Tests;

[TestFixture]
public class SinkAndShutdownTests
{
    [Test]
    public async Task Disk_full_during_data_is_drained_and_answered_452_and_the_session_survives()
    {
        await using var server = await TestServer.StartAsync();
        server.Handler.FailSinkAfterBytes = 100;
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        await c.CommandAsync("MAIL FROM:<a@example.com>");
        await c.CommandAsync("RCPT TO:<b@example.com>");
        await c.CommandAsync("DATA");
        await c.SendAsync(string.Concat(Enumerable.Repeat(new string('q', 78) + "\r\n", 500)) + ".\r\nNOOP\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("452 4.3.1 Insufficient system storage, try again later"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.0.0 OK"), "the content was drained, not read as commands");
        Assert.That(server.Handler.Messages, Is.Empty);

        // Any other sink failure: 451 4.3.0. BDAT: every chunk refused, never 250.
        server.Handler.SinkFailure = () => new InvalidOperationException("broken");
        await c.CommandAsync("MAIL FROM:<a@example.com>");
        await c.CommandAsync("RCPT TO:<b@example.com>");
        await c.SendAsync("BDAT 200\r\n" + new string('r', 200) + "BDAT 10\r\n0123456789BDAT 3 LAST\r\nxyzNOOP\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("451 4.3.0 Local error in processing, try again later"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("451 4.3.0 Local error in processing, try again later"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("451 4.3.0 Local error in processing, try again later"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.0.0 OK"));

        server.Handler.FailSinkAfterBytes = null;
        await c.CommandAsync("MAIL FROM:<a@example.com>");
        await c.CommandAsync("RCPT TO:<b@example.com>");
        await c.CommandAsync("DATA");
        Assert.That(await c.CommandAsync("fine\r\n."), Does.StartWith("250"));
        Assert.That(Encoding.ASCII.GetString(server.Handler.Messages.Single().Content), Is.EqualTo("fine\r\n"));
    }

    [Test]
    public async Task Stop_closes_idle_sessions_and_lets_a_transaction_finish()
    {
        var server = await TestServer.StartAsync();
        server.Handler.CompleteDelay = TimeSpan.FromMilliseconds(500);
        await using var idle = await server.ConnectAsync();
        await idle.ReadReplyAsync();
        await idle.CommandAsync("EHLO idle.example");

        await using var busy = await server.ConnectAsync();
        await busy.ReadReplyAsync();
        await busy.CommandAsync("EHLO busy.example");
        await busy.CommandAsync("MAIL FROM:<a@example.com>");
        await busy.CommandAsync("RCPT TO:<b@example.com>");
        await busy.CommandAsync("DATA");
        await busy.SendAsync("in flight\r\n.\r\n");
        await server.Handler.MessageOpened.Task;

        var stopping = server.Server.StopAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That(await idle.ReadUntilClosedAsync(), Is.EqualTo(new[] { "421 4.3.2 Service shutting down, closing connection" }));
        Assert.That(await busy.ReadReplyAsync(), Is.EqualTo("250 2.0.0 Queued as test"), "the transaction in flight completes");
        Assert.That(await busy.ReadUntilClosedAsync(), Is.EqualTo(new[] { "421 4.3.2 Service shutting down, closing connection" }));
        await stopping;
        Assert.That(server.Handler.Messages.Single().Content, Is.EqualTo("in flight\r\n"u8.ToArray()));
        Assert.ThrowsAsync<System.Net.Sockets.SocketException>(async () => await server.ConnectAsync());
        await server.DisposeAsync();
    }

    [Test]
    public async Task Stop_deadline_cuts_off_a_transaction_that_does_not_finish()
    {
        var server = await TestServer.StartAsync();
        await using var slow = await server.ConnectAsync();
        await slow.ReadReplyAsync();
        await slow.CommandAsync("EHLO slow.example");
        await slow.CommandAsync("MAIL FROM:<a@example.com>");
        await slow.CommandAsync("RCPT TO:<b@example.com>");
        await slow.CommandAsync("DATA");
        await slow.SendAsync("never finished\r\n");
        var started = System.Diagnostics.Stopwatch.StartNew();
        await server.Server.StopAsync(TimeSpan.FromMilliseconds(500), CancellationToken.None);
        Assert.That(await slow.ReadUntilClosedAsync(), Is.EqualTo(new[] { "421 4.3.2 Service shutting down, closing connection" }));
        Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)));
        Assert.That(server.Handler.Messages, Is.Empty);
        await server.DisposeAsync();
    }
}
