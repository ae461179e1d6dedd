using GovGateway.Smtp.Tests.Support;

namespace GovGateway.Smtp.Tests;

[TestFixture]
public class TimeoutTests
{
    [Test]
    public async Task Idle_client_gets_421_after_the_command_timeout()
    {
        await using var server = await TestServer.StartAsync(o => o.CommandTimeout = TimeSpan.FromSeconds(1));
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.SendAsync("NOOP"); // a partial line does not reset the clock
        Assert.That(await c.ReadUntilClosedAsync(), Is.EqualTo(new[] { "421 4.4.2 Timeout waiting for command, closing connection" }));
    }

    [Test]
    public async Task Stalled_data_gets_421_after_the_data_timeout()
    {
        await using var server = await TestServer.StartAsync(o => o.DataTimeout = TimeSpan.FromSeconds(1));
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        await c.CommandAsync("MAIL FROM:<a@example.com>");
        await c.CommandAsync("RCPT TO:<b@example.com>");
        await c.CommandAsync("DATA");
        await c.SendAsync("Subject: partial\r\n");
        Assert.That(await c.ReadUntilClosedAsync(), Is.EqualTo(new[] { "421 4.4.2 Timeout waiting for message data, closing connection" }));
        Assert.That(server.Handler.Messages, Is.Empty);
        await Eventually.UntilAsync(() => server.Handler.Events.Contains("disconnect"), TimeSpan.FromSeconds(5), "the disconnect reported");
    }

    [Test]
    public async Task Trickling_data_below_the_minimum_rate_is_cut_off()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.DataTimeout = TimeSpan.FromSeconds(5);
            o.MinDataRateBytesPerSecond = 1000;
            o.DataRateGracePeriod = TimeSpan.FromSeconds(1);
        });
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        await c.CommandAsync("MAIL FROM:<a@example.com>");
        await c.CommandAsync("RCPT TO:<b@example.com>");
        await c.CommandAsync("DATA");
        var reading = c.ReadUntilClosedAsync();
        try
        {
            for (int i = 0; i < 30 && !reading.IsCompleted; i++)
            {
                await c.SendAsync("x\r\n");
                await Task.Delay(100);
            }
        }
        catch (IOException) { /* server closed */ }
        Assert.That(await reading, Is.EqualTo(new[] { "421 4.4.2 Minimum data rate not met, closing connection" }));
    }

    [Test]
    public async Task A_command_trickled_a_byte_at_a_time_is_cut_off_at_the_command_timeout()
    {
        // Each byte arrives well within the timeout; the line as a whole does not.
        await using var server = await TestServer.StartAsync(o =>
        {
            o.CommandTimeout = TimeSpan.FromSeconds(2);
            o.MinDataRateBytesPerSecond = 0; // only the whole-line timeout here
        });
        Assert.That(await TrickleAsync(server, "EHLO slow.client.example\r\n", TimeSpan.FromMilliseconds(300)),
            Is.EqualTo(new[] { "421 4.4.2 Timeout waiting for command, closing connection" }));
    }

    [Test]
    public async Task A_begun_command_line_must_keep_the_minimum_rate()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.CommandTimeout = TimeSpan.FromMinutes(5);
            o.MinDataRateBytesPerSecond = 1000;
            o.DataRateGracePeriod = TimeSpan.FromSeconds(1); // a begun line gets 1 s + 512 octets at 1000/s
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(await TrickleAsync(server, "EHLO slow.client.example\r\n", TimeSpan.FromMilliseconds(300)),
            Is.EqualTo(new[] { "421 4.4.2 Timeout waiting for command, closing connection" }));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "not the five-minute command timeout");

        // A whole command in one go after a long idle pause is fine: the rate applies to a begun line.
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await Task.Delay(1700);
        Assert.That(await c.CommandAsync("NOOP"), Does.StartWith("250"));
    }

    /// <summary>Sends <paramref name="line"/> one byte at a time after the greeting; the replies until the server closes.</summary>
    private static async Task<List<string>> TrickleAsync(TestServer server, string line, TimeSpan gap)
    {
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        var reading = c.ReadUntilClosedAsync();
        try
        {
            foreach (var b in System.Text.Encoding.ASCII.GetBytes(line))
            {
                if (reading.IsCompleted) break;
                await c.SendAsync([b]);
                await Task.Delay(gap);
            }
        }
        catch (IOException) { /* server closed */ }
        return await reading;
    }

    [Test]
    public async Task Whole_session_is_capped()
    {
        await using var server = await TestServer.StartAsync(o => o.SessionTimeout = TimeSpan.FromSeconds(1.5));
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        // Busy but never finishing: each NOOP resets the command timeout, not the session cap.
        var reading = Task.Run(async () =>
        {
            var replies = new List<string>();
            while (true)
            {
                try { replies.Add(await c.CommandAsync("NOOP")); }
                catch (IOException) { return replies; }
                if (replies[^1].StartsWith("421")) return replies;
                await Task.Delay(200);
            }
        });
        var all = await reading;
        Assert.That(all[^1], Is.EqualTo("421 4.4.2 Session time limit exceeded, closing connection"));
        Assert.That(all.Count, Is.GreaterThan(1), "several commands were answered before the cap");
    }
}
