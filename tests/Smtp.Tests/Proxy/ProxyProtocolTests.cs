using System.Net;
using System.Net.Sockets;
using GovGateway.Smtp.Tests.Support;

namespace GovGateway.Smtp.Tests.Proxy;

/// <summary>
/// A listener behind a load balancer, driven over real sockets: the header's client is the session's client,
/// anything else is refused before the greeting, and the proxy's own health checks are answered.
/// </summary>
[TestFixture]
public sealed class ProxyProtocolTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("203.0.113.9"), 51000);
    private static readonly IPEndPoint Reached = new(IPAddress.Parse("192.0.2.25"), 25);

    private static Task<TestServer> StartAsync(string trusted = "127.0.0.0/8", Action<SmtpListenerOptions>? listener = null, Action<SmtpServerOptions>? server = null) =>
        TestServer.StartAsync(o =>
        {
            o.ProxyHeaderTimeout = TimeSpan.FromMilliseconds(500);
            var proxied = new SmtpListenerOptions
            {
                Name = "proxied", EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Role = ListenerRole.Relay,
                ProxyProtocol = true, TrustedProxies = [IPNetwork.Parse(trusted)],
            };
            listener?.Invoke(proxied);
            o.Listeners.Add(proxied);
            o.Listeners.Add(new SmtpListenerOptions
            {
                Name = "proxied-tls", EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Role = ListenerRole.Smtps, Certificate = TestCertificates.Localhost,
                ProxyProtocol = true, TrustedProxies = [IPNetwork.Parse(trusted)],
            });
            server?.Invoke(o);
        });

    private static async Task<SessionInfo> DisconnectedAsync(TestServer server, int count = 1)
    {
        for (int i = 0; i < 100 && server.Handler.Disconnected.Count < count; i++) await Task.Delay(50);
        Assert.That(server.Handler.Disconnected, Has.Count.GreaterThanOrEqualTo(count));
        return server.Handler.Disconnected.Last();
    }

    [Test]
    public async Task A_v2_header_then_a_whole_transaction_in_one_transcript()
    {
        await using var server = await StartAsync();
        await using var c = await server.ConnectAsync("proxied");
        await c.SendAsync(ProxyHeaders.V2(Client, Reached));
        await Transcript.RunAsync(c, """
            S: 220 mx.test.local ESMTP ready
            C: EHLO client.example
            S: 250-mx.test.local
            C: MAIL FROM:<a@example.com>
            S: 250 2.1.0
            C: RCPT TO:<b@example.com>
            S: 250 2.1.5
            C: DATA
            S: 354
            C: Subject: through the balancer
            C:
            C: hello
            C: .
            S: 250 2.0.0
            C: QUIT
            S: 221
            """);
        var message = server.Handler.Messages.Single();
        Assert.That(message.Session.RemoteEndPoint, Is.EqualTo(Client), "the client the header names, not the proxy");
        Assert.That(message.Session.LocalEndPoint, Is.EqualTo(Reached));
        Assert.That(message.Session.ProxyEndPoint!.Address, Is.EqualTo(IPAddress.Loopback));
    }

    [Test]
    public async Task A_v1_header_sent_together_with_the_first_command_loses_no_byte_of_it()
    {
        await using var server = await StartAsync();
        await using var c = await server.ConnectAsync("proxied");
        // One write: the header, then a command pipelined ahead of the greeting; the command must still be read.
        await c.SendAsync([.. ProxyHeaders.V1("PROXY TCP4 198.51.100.7 192.0.2.25 40000 25\r\n"), .. "NOOP\r\n"u8]);
        Assert.That(await c.ReadReplyAsync(), Does.StartWith("220 "));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("250 2.0.0 OK"));
        Assert.That(await c.CommandAsync("QUIT"), Does.StartWith("221"));
        var session = await DisconnectedAsync(server);
        Assert.That(session.RemoteEndPoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse("198.51.100.7"), 40000)));
    }

    [Test]
    public async Task Implicit_tls_behind_the_proxy_gets_its_handshake_whole()
    {
        await using var server = await StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Server.BoundEndPoints["proxied-tls"]);
        var stream = tcp.GetStream();
        await stream.WriteAsync(ProxyHeaders.V2(Client, Reached));
        await using var tls = new System.Net.Security.SslStream(stream, false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        using var reader = new StreamReader(tls);
        Assert.That(await reader.ReadLineAsync(), Does.StartWith("220 "));
        await tls.WriteAsync("QUIT\r\n"u8.ToArray());
        Assert.That(await reader.ReadLineAsync(), Does.StartWith("221"));
        Assert.That((await DisconnectedAsync(server)).RemoteEndPoint, Is.EqualTo(Client));
    }

    [Test]
    public async Task A_health_check_LOCAL_is_answered_as_the_proxy_itself()
    {
        await using var server = await StartAsync();
        await using var c = await server.ConnectAsync("proxied");
        await c.SendAsync(ProxyHeaders.V2Local());
        await Transcript.RunAsync(c, """
            S: 220 mx.test.local ESMTP ready
            C: EHLO haproxy
            S: 250-mx.test.local
            C: QUIT
            S: 221
            """);
        var session = await DisconnectedAsync(server);
        Assert.That(session.RemoteEndPoint.Address, Is.EqualTo(IPAddress.Loopback));
        Assert.That(session.ProxyEndPoint, Is.Null);
    }

    [Test]
    public async Task A_peer_that_is_not_a_trusted_proxy_is_refused_before_any_session()
    {
        await using var server = await StartAsync(trusted: "10.0.0.0/8");
        await using var c = await server.ConnectAsync("proxied");
        await c.SendAsync(ProxyHeaders.V2(Client, Reached));
        var replies = await c.ReadUntilClosedAsync();
        Assert.That(replies, Is.EqualTo(new[] { "421 4.7.0 This port takes connections only through the gateway's load balancer, closing connection" }));
        await Task.Delay(200);
        Assert.That(server.Handler.Events, Is.Empty, "the handler never heard of it");
        // Its plain listeners are unaffected.
        await using var plain = await server.ConnectAsync("plain");
        Assert.That(await plain.ReadReplyAsync(), Does.StartWith("220"));
    }

    [Test]
    public async Task A_client_that_waits_for_the_greeting_instead_of_sending_a_header_is_refused_after_the_header_timeout()
    {
        await using var server = await StartAsync();
        await using var c = await server.ConnectAsync("proxied");
        var started = DateTime.UtcNow;
        var replies = await c.ReadUntilClosedAsync();
        Assert.That(replies, Is.EqualTo(new[] { "421 4.7.0 This port takes connections only through the gateway's load balancer, closing connection" }));
        Assert.That(DateTime.UtcNow - started, Is.GreaterThan(TimeSpan.FromMilliseconds(400)).And.LessThan(TimeSpan.FromSeconds(5)));
    }

    [TestCase("EHLO client.example\r\n")]
    [TestCase("PROXY TCP4 1.2.3 4.5.6.7 1 2\r\n")]
    [TestCase("PROXY TCP4 1.2.3.4 4.5.6.7 1 2\n")]
    public async Task A_malformed_header_is_refused_at_once(string first)
    {
        await using var server = await StartAsync();
        await using var c = await server.ConnectAsync("proxied");
        var started = DateTime.UtcNow;
        await c.SendAsync(first);
        Assert.That(await c.ReadUntilClosedAsync(), Is.EqualTo(new[] { "421 4.7.0 This port takes connections only through the gateway's load balancer, closing connection" }));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromMilliseconds(400)), "not left to the timeout");
        Assert.That(server.Handler.Messages, Is.Empty);
    }

    [Test]
    public async Task A_truncated_header_is_refused_after_the_timeout_and_an_oversized_one_at_once()
    {
        await using var server = await StartAsync();
        var v2 = ProxyHeaders.V2(Client, Reached);
        await using (var c = await server.ConnectAsync("proxied"))
        {
            await c.SendAsync(v2[..20]);
            Assert.That(await c.ReadUntilClosedAsync(), Has.Count.EqualTo(1).And.All.StartWith("421 4.7.0"));
        }
        await using (var c = await server.ConnectAsync("proxied"))
        {
            var started = DateTime.UtcNow;
            await c.SendAsync(ProxyHeaders.Raw(0x21, 0x11, [], declaredLength: 60000));
            Assert.That(await c.ReadUntilClosedAsync(), Has.Count.EqualTo(1).And.All.StartWith("421 4.7.0"));
            Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromMilliseconds(400)));
        }
        Assert.That(server.Handler.Events, Has.No.Member("connect"), "no session began");
    }

    [Test]
    public async Task The_per_address_budget_counts_the_real_clients_not_the_proxy()
    {
        await using var server = await StartAsync(listener: l => l.MaxConnectionsPerIp = 2);
        var a = new IPEndPoint(IPAddress.Parse("198.51.100.1"), 1000);
        var open = new List<RawClient>();
        try
        {
            foreach (var source in new[] { a, a, new IPEndPoint(IPAddress.Parse("198.51.100.2"), 1000) })
            {
                var c = await server.ConnectAsync("proxied");
                open.Add(c);
                await c.SendAsync(ProxyHeaders.V2(source, Reached));
                Assert.That(await c.ReadReplyAsync(), Does.StartWith("220"), $"{source}: three connections from one proxy, at most two per client");
            }
            await using var third = await server.ConnectAsync("proxied");
            await third.SendAsync(ProxyHeaders.V2(a, Reached));
            Assert.That(await third.ReadUntilClosedAsync(), Is.EqualTo(new[] { "421 4.7.0 Too many connections, try again later" }));
        }
        finally
        {
            foreach (var c in open) await c.DisposeAsync();
        }
    }

    [Test]
    public void A_proxy_listener_that_trusts_nobody_is_a_configuration_error()
    {
        var options = new SmtpServerOptions
        {
            Listeners = { new SmtpListenerOptions { Name = "mx", EndPoint = new IPEndPoint(IPAddress.Loopback, 0), ProxyProtocol = true } },
        };
        Assert.That(() => options.Validate(), Throws.ArgumentException.With.Message.Contains("trusts no proxy"));
    }
}
