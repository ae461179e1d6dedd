using System.Net;
using System.Text;
using GovGateway.Smtp.Tests.Support;

namespace GovGateway.Smtp.Tests;

/// <summary>RFC 5321 4.5.3.1 size limits, SIZE, recipients, bad-command and connection caps.</summary>
[TestFixture]
public class LimitTests
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

    [Test]
    public async Task Command_line_over_512_octets_is_refused_and_the_session_goes_on()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        // 510 octets + CRLF = 512: allowed. One more: too long.
        Assert.That(await c.CommandAsync("NOOP " + new string('x', 505)), Is.EqualTo("250 2.0.0 OK"));
        Assert.That(await c.CommandAsync("NOOP " + new string('x', 506)), Is.EqualTo("500 5.5.6 Line too long"));
        Assert.That(await c.CommandAsync("NOOP " + new string('x', 5000)), Is.EqualTo("500 5.5.6 Line too long"));
        Assert.That(await c.CommandAsync("NOOP"), Is.EqualTo("250 2.0.0 OK"));
    }

    [Test]
    public async Task Address_limits_local_part_domain_and_path()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxCommandLineLength = 2048);
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        string label = new string('d', 63);
        Assert.That(await c.CommandAsync($"MAIL FROM:<{new string('l', 65)}@example.com>"), Is.EqualTo("553 5.1.7 Local part of sender address too long (max 64 octets)"));
        Assert.That(await c.CommandAsync($"MAIL FROM:<{new string('l', 64)}@example.com>"), Does.StartWith("250"));
        string longDomain = string.Join(".", Enumerable.Repeat(label, 4)) + ".com"; // 4*64 + 3 = 259 octets
        Assert.That(await c.CommandAsync($"RCPT TO:<u@{longDomain}>"), Is.EqualTo("553 5.1.3 Domain of recipient address too long (max 255 octets)"));
        string domain250 = string.Join(".", Enumerable.Repeat(label, 3)) + "." + new string('e', 58); // 250 octets
        string local = new string('l', 10);
        Assert.That(await c.CommandAsync($"RCPT TO:<{local}@{domain250}>"), Is.EqualTo("553 5.1.3 The recipient path is too long (max 256 octets)"));
        Assert.That(await c.CommandAsync($"RCPT TO:<l@{domain250}>"), Does.StartWith("250"), "254-octet path is fine");
        Assert.That(await c.CommandAsync("RCPT TO:<a b@example.com>"), Is.EqualTo("501 5.1.3 Bad recipient address syntax"));
        Assert.That(await c.CommandAsync("RCPT TO:<.a@example.com>"), Is.EqualTo("501 5.1.3 Bad recipient address syntax"));
        Assert.That(await c.CommandAsync("RCPT TO:<\"a b\"@[192.0.2.1]>"), Does.StartWith("250"));
    }

    [Test]
    public async Task Recipients_beyond_the_cap_get_452()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxRecipients = 3);
        await using var c = await InTransactionAsync(server);
        Assert.That(await c.CommandAsync("RCPT TO:<c@example.com>"), Does.StartWith("250"));
        Assert.That(await c.CommandAsync("RCPT TO:<d@example.com>"), Does.StartWith("250"));
        Assert.That(await c.CommandAsync("RCPT TO:<e@example.com>"), Is.EqualTo("452 4.5.3 Too many recipients"));
        await c.CommandAsync("DATA");
        Assert.That(await c.CommandAsync("x\r\n."), Does.StartWith("250"));
        Assert.That(server.Handler.Messages.Single().Envelope.Recipients, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Size_is_checked_at_mail_and_enforced_while_reading_data()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxMessageSize = 10_000);
        await using (var c = await server.ConnectAsync())
        {
            await c.ReadReplyAsync();
            Assert.That(await c.CommandAsync("EHLO c.example"), Does.Contain("250-SIZE 10000"));
            Assert.That(await c.CommandAsync("MAIL FROM:<a@example.com> SIZE=10001"), Is.EqualTo("552 5.3.4 Message size exceeds fixed maximum message size"));
        }
        await using var d = await InTransactionAsync(server);
        await d.CommandAsync("DATA");
        var line = new string('y', 98) + "\r\n";
        await d.SendAsync(string.Concat(Enumerable.Repeat(line, 200)) + ".\r\n");
        Assert.That(await d.ReadReplyAsync(), Is.EqualTo("552 5.3.4 Message size exceeds fixed maximum message size"));
        // The content was drained: the session is in step and usable.
        Assert.That(await d.CommandAsync("NOOP"), Is.EqualTo("250 2.0.0 OK"));
        Assert.That(server.Handler.Messages, Is.Empty);

        // BDAT beyond the limit: drained, refused, never 250.
        Assert.That(await d.CommandAsync("MAIL FROM:<a@example.com>"), Does.StartWith("250"));
        await d.CommandAsync("RCPT TO:<b@example.com>");
        await d.SendAsync("BDAT 6000\r\n" + new string('z', 6000) + "BDAT 6000 LAST\r\n" + new string('z', 6000));
        Assert.That(await d.ReadReplyAsync(), Is.EqualTo("250 2.0.0 6000 octets received"));
        Assert.That(await d.ReadReplyAsync(), Is.EqualTo("552 5.3.4 Message size exceeds fixed maximum message size"));
        Assert.That(await d.CommandAsync("NOOP"), Is.EqualTo("250 2.0.0 OK"));
        Assert.That(server.Handler.Messages, Is.Empty);
    }

    [Test]
    public async Task Text_line_over_the_limit_is_refused_after_draining()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await InTransactionAsync(server);
        await c.CommandAsync("DATA");
        await c.SendAsync(new string('a', 998) + "\r\n" + new string('b', 999) + "\r\n.\r\n");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("500 5.5.6 Message line longer than 1000 octets, message refused"));
        Assert.That(await c.CommandAsync("NOOP"), Is.EqualTo("250 2.0.0 OK"));
        Assert.That(server.Handler.Messages, Is.Empty);

        // A larger configured cap admits it.
        await using var big = await TestServer.StartAsync(o => o.MaxTextLineLength = 4000);
        await using var d = await InTransactionAsync(big);
        await d.CommandAsync("DATA");
        await d.SendAsync(new string('b', 3998) + "\r\n.\r\n");
        Assert.That(await d.ReadReplyAsync(), Does.StartWith("250"));
        Assert.That(big.Handler.Messages.Single().Content, Is.EqualTo(Encoding.ASCII.GetBytes(new string('b', 3998) + "\r\n")));
    }

    [Test]
    public async Task Repeated_bad_commands_end_the_session()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxBadCommands = 3);
        await using var c = await server.ConnectAsync();
        await c.ReadReplyAsync();
        await c.SendAsync("BAD1\r\nBAD2\r\nBAD3\r\nNOOP\r\n");
        Assert.That(await c.ReadUntilClosedAsync(), Is.EqualTo(new[]
        {
            "500 5.5.2 Command not recognized", "500 5.5.2 Command not recognized", "500 5.5.2 Command not recognized",
            "421 4.7.0 Too many errors, closing connection",
        }));
    }

    [Test]
    public async Task Connection_caps_total_and_per_ip()
    {
        await using var server = await TestServer.StartAsync(o => { o.MaxConnections = 3; o.MaxConnectionsPerIp = 2; });
        var plain = server.Server.BoundEndPoints["plain"];
        await using var a = await RawClient.ConnectAsync(plain);
        await using var b = await RawClient.ConnectAsync(plain);
        Assert.That(await a.ReadReplyAsync(), Does.StartWith("220"));
        Assert.That(await b.ReadReplyAsync(), Does.StartWith("220"));
        await using (var third = await RawClient.ConnectAsync(plain))
            Assert.That(await third.ReadUntilClosedAsync(), Is.EqualTo(new[] { "421 4.7.0 Too many connections, try again later" }));

        // 127.0.0.2 is another client address on loopback: under the per-IP cap, but at the total cap.
        var other = new System.Net.Sockets.TcpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        await other.ConnectAsync(plain);
        using (var reader = new StreamReader(other.GetStream()))
            Assert.That(await reader.ReadLineAsync(), Does.StartWith("220"));
        other.Dispose();
        await Eventually.UntilAsync(() => server.Server.ActiveSessions == 2, TimeSpan.FromSeconds(5), "two sessions open");

        await a.CommandAsync("QUIT");
        await a.IsClosedAsync();
        await Eventually.UntilAsync(() => server.Server.ActiveSessions == 1, TimeSpan.FromSeconds(5), "one session left open");
        await using var again = await RawClient.ConnectAsync(plain);
        Assert.That(await again.ReadReplyAsync(), Does.StartWith("220"), "a slot was freed");
    }

    [Test]
    public async Task Each_listener_has_its_own_connection_budget()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxConnections = 2;
            o.Listeners.Single(l => l.Name == "smtps").MaxConnections = 1;
        });
        // A flood fills the MX (relay) listener...
        var flood = new List<RawClient>();
        for (var i = 0; i < 2; i++)
        {
            var c = await RawClient.ConnectAsync(server.Server.BoundEndPoints["plain"]);
            Assert.That(await c.ReadReplyAsync(), Does.StartWith("220"));
            flood.Add(c);
        }
        await using (var refused = await RawClient.ConnectAsync(server.Server.BoundEndPoints["plain"]))
            Assert.That(await refused.ReadUntilClosedAsync(), Is.EqualTo(new[] { "421 4.7.0 Too many connections, try again later" }));

        // ...and staff still reach submission and implicit TLS.
        await using var staff = await server.ConnectAsync("submission");
        Assert.That(await staff.ReadReplyAsync(), Does.StartWith("220"), "the MX flood does not use the submission listener's budget");
        await using var tls = await RawClient.ConnectTlsAsync(server.Server.BoundEndPoints["smtps"]);
        Assert.That(await tls.ReadReplyAsync(), Does.StartWith("220"));
        // A listener's own figure replaces the server-wide one.
        Assert.CatchAsync(async () =>
        {
            await using var second = await RawClient.ConnectTlsAsync(server.Server.BoundEndPoints["smtps"]);
            await second.ReadReplyAsync();
        }, "smtps allows one connection");

        foreach (var c in flood)
            await c.DisposeAsync();
    }
}
