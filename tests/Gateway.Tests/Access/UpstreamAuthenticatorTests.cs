using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GovGateway.Access;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Gateway.Tests.Access;

/// <summary>
/// Pass-through AUTH against a real SMTP server nobody here wrote: Python's aiosmtpd with an
/// authenticator, on 127.0.0.1 (AUTH without TLS is allowed there only for the test).
/// </summary>
[NonParallelizable]
public class UpstreamAuthenticatorTests
{
    private const string User = "nguyenvana@hatinh.gov.vn";
    private const string Password = "Mật khẩu cũ 123";
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");

    private const string ServerScript = """
        import asyncio, sys
        from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

        USER, PASSWORD = sys.argv[1].encode(), sys.argv[2].encode()

        class Sink:
            async def handle_DATA(self, server, session, envelope):
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER and auth_data.password == PASSWORD
            print("auth", mechanism, auth_data.login.decode(errors="replace"), "ok" if ok else "fail", flush=True)
            # handled=False: let aiosmtpd send its own 535 on failure.
            return AuthResult(success=ok, handled=False)

        async def main():
            loop = asyncio.get_running_loop()
            server = await loop.create_server(
                lambda: SMTP(Sink(), hostname="upstream.hatinh.gov.vn", authenticator=authenticator, auth_require_tls=False),
                host="127.0.0.1", port=0)
            print(server.sockets[0].getsockname()[1], flush=True)
            await server.serve_forever()

        asyncio.run(main())
        """;

    private Process? _server;
    private string _scriptPath = "";
    private int _port;
    private readonly ConcurrentQueue<string> _serverLog = new();

    [OneTimeSetUp]
    public async Task StartUpstream()
    {
        _scriptPath = Path.Combine(Path.GetTempPath(), $"access-upstream-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(_scriptPath, ServerScript);
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(_scriptPath);
        start.ArgumentList.Add(User);
        start.ArgumentList.Add(Password);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        _server = Process.Start(start)!;
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var first = await _server.StandardOutput.ReadLineAsync(timeout.Token);
        Assert.That(int.TryParse(first, out _port), Is.True, $"aiosmtpd did not start: {first}");
        _ = Task.Run(async () =>
        {
            while (await _server.StandardOutput.ReadLineAsync() is { } line)
                _serverLog.Enqueue(line);
        });
    }

    [OneTimeTearDown]
    public void StopUpstream()
    {
        if (_server is { HasExited: false })
            _server.Kill();
        _server?.Dispose();
        File.Delete(_scriptPath);
    }

    private UpstreamAuthenticator Authenticator(FakeClock clock) =>
        new(new UpstreamEndpoint("127.0.0.1", _port, SecureSocketOptions.None), new AuthOptions(), time: clock);

    private async Task<string[]> ServerSaysAsync(int expected)
    {
        // The server prints its line before answering, but reading stdout is asynchronous.
        for (var i = 0; i < 100 && _serverLog.Count < expected; i++)
            await Task.Delay(20);
        return _serverLog.ToArray();
    }

    [Test]
    public async Task Good_password_passes_and_is_cached_for_five_minutes()
    {
        _serverLog.Clear();
        var clock = new FakeClock();
        var upstream = Authenticator(clock);

        Assert.That((await upstream.AuthenticateAsync(User, Password, Client, default)).Status, Is.EqualTo(AuthStatus.Success));
        Assert.That((await ServerSaysAsync(1)).Single(), Does.StartWith("auth").And.EndWith($"{User} ok"));

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.That((await upstream.AuthenticateAsync(User, Password, Client, default)).IsSuccess, Is.True);
        Assert.That(upstream.UpstreamAttempts, Is.EqualTo(1), "served from the cache");

        // A wrong password is never answered from the cache.
        Assert.That((await upstream.AuthenticateAsync(User, "đoán bừa", Client, default)).Status, Is.EqualTo(AuthStatus.Failed));
        Assert.That(upstream.UpstreamAttempts, Is.EqualTo(2));
        Assert.That((await ServerSaysAsync(2)).Last(), Does.EndWith($"{User} fail"));

        // The failure dropped the cached success; and after the TTL upstream is asked again anyway.
        Assert.That((await upstream.AuthenticateAsync(User, Password, Client, default)).IsSuccess, Is.True);
        Assert.That(upstream.UpstreamAttempts, Is.EqualTo(3));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.That((await upstream.AuthenticateAsync(User, Password, Client, default)).IsSuccess, Is.True);
        Assert.That(upstream.UpstreamAttempts, Is.EqualTo(4));
    }

    [Test]
    public async Task Unknown_user_fails()
    {
        var upstream = Authenticator(new FakeClock());
        Assert.That((await upstream.AuthenticateAsync("tranthib@hatinh.gov.vn", Password, Client, default)).Status, Is.EqualTo(AuthStatus.Failed));
    }

    [Test]
    public async Task Upstream_down_is_unavailable_and_maps_to_454()
    {
        var closedPort = FreePortNobodyListensOn();
        var upstream = new UpstreamAuthenticator(new UpstreamEndpoint("127.0.0.1", closedPort, SecureSocketOptions.None), new AuthOptions());
        var outcome = await upstream.AuthenticateAsync(User, Password, Client, default);
        Assert.That(outcome.Status, Is.EqualTo(AuthStatus.Unavailable));
        Assert.That(outcome.ToReply().Code, Is.EqualTo(454));
    }

    [Test]
    public async Task Composite_tries_local_then_upstream_in_configured_order()
    {
        var dir = Path.Combine(Path.GetTempPath(), "access-composite-" + Guid.NewGuid().ToString("N"));
        try
        {
            var local = new LocalUserStore(Path.Combine(dir, "users.json"), hasher: p => PasswordHash.CreatePbkdf2(p, 1000));
            local.Add("service@hatinh.gov.vn", "local-only");
            var upstream = Authenticator(new FakeClock());
            var both = CompositeAuthenticator.FromConfiguration("local,upstream", local, upstream);

            Assert.That((await both.AuthenticateAsync("service@hatinh.gov.vn", "local-only", Client, default)).IsSuccess, Is.True);
            Assert.That(upstream.UpstreamAttempts, Is.EqualTo(0), "local success does not ask upstream");
            Assert.That((await both.AuthenticateAsync(User, Password, Client, default)).IsSuccess, Is.True, "staff keep their upstream password");
            Assert.That((await both.AuthenticateAsync(User, "wrong", Client, default)).Status, Is.EqualTo(AuthStatus.Failed));

            var upstreamOnly = CompositeAuthenticator.FromConfiguration("upstream", local, upstream);
            Assert.That((await upstreamOnly.AuthenticateAsync("service@hatinh.gov.vn", "local-only", Client, default)).Status, Is.EqualTo(AuthStatus.Failed));

            var down = new UpstreamAuthenticator(new UpstreamEndpoint("127.0.0.1", FreePortNobodyListensOn(), SecureSocketOptions.None), new AuthOptions());
            var withDown = CompositeAuthenticator.FromConfiguration(" Local , UPSTREAM ", local, down);
            Assert.That((await withDown.AuthenticateAsync("service@hatinh.gov.vn", "local-only", Client, default)).IsSuccess, Is.True);
            Assert.That((await withDown.AuthenticateAsync(User, Password, Client, default)).Status, Is.EqualTo(AuthStatus.Unavailable),
                "a temporary failure, not 'wrong password'");

            Assert.Throws<ArgumentException>(() => CompositeAuthenticator.FromConfiguration("ldap", local, upstream));
            Assert.Throws<ArgumentException>(() => CompositeAuthenticator.FromConfiguration("upstream", local, null));
            Assert.Throws<ArgumentException>(() => CompositeAuthenticator.FromConfiguration("", local, upstream));
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Endpoint_is_read_from_delivery_upstream_settings()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:Upstream:Host"] = "mail.hatinh.gov.vn",
            ["Delivery:Upstream:Port"] = "465",
            ["Delivery:Upstream:Security"] = "sslonconnect",
        }).Build();
        var endpoint = UpstreamEndpoint.FromConfiguration(config.GetSection("Delivery:Upstream"));
        Assert.That(endpoint, Is.EqualTo(new UpstreamEndpoint("mail.hatinh.gov.vn", 465, SecureSocketOptions.SslOnConnect)));

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:Upstream:Host"] = "mail.hatinh.gov.vn",
            ["Delivery:Upstream:Security"] = "tls-please",
        }).Build();
        var ex = Assert.Throws<ArgumentException>(() => UpstreamEndpoint.FromConfiguration(bad.GetSection("Delivery:Upstream")));
        Assert.That(ex!.Message, Does.Contain("Delivery:Upstream:Security"));
    }

    private static int FreePortNobodyListensOn()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
