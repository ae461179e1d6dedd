using GovGateway.Access.Auth;
using GovGateway.Delivery;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using GovGateway.Access;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Gateway.Tests.Access;

/// <summary>
/// Pass-through AUTH against a real SMTP server nobody here wrote: Python's aiosmtpd with an
/// authenticator and STARTTLS (a self-signed certificate the tests trust), on 127.0.0.1.
/// </summary>
[NonParallelizable]
public class UpstreamAuthenticatorTests
{
    private const string User = "nguyenvana@hatinh.gov.vn";
    private const string Password = "Mật khẩu cũ 123";
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");

    private Upstream _server = null!;
    private int _port;
    private string _certDir = null!;

    [OneTimeSetUp]
    public async Task StartUpstream()
    {
        _certDir = TempFolders.Create("access-upstream-tls");
        using var certificate = UpstreamCertificate();
        _server = new Upstream { Login = (User, Password), Tls = TestCertificates.WritePem(certificate, Path.Combine(_certDir, "cert.pem"), Path.Combine(_certDir, "key.pem")) };
        await _server.StartAsync();
        _port = _server.Port;
    }

    [OneTimeTearDown]
    public async Task StopUpstream()
    {
        await _server.DisposeAsync();
        TempFolders.Delete(_certDir);
    }

    private UpstreamAuthenticator Authenticator(FakeClock clock) =>
        new(new UpstreamEndpoint("127.0.0.1", _port, SecureSocketOptions.StartTls) { CertificateValidation = (_, _, _, _) => true },
            new AuthOptions(), time: clock);

    private static X509Certificate2 UpstreamCertificate() => TestCertificates.Rsa("CN=upstream.hatinh.gov.vn", TimeSpan.FromDays(30), "127.0.0.1");

    [Test]
    public async Task No_password_is_sent_to_an_upstream_that_gives_no_tls()
    {
        // An upstream that offers AUTH in clear and no STARTTLS (or one whose STARTTLS an attacker stripped).
        await using var plain = new Upstream { Login = (User, Password) };
        await plain.StartAsync();
        foreach (var security in new[] { SecureSocketOptions.StartTlsWhenAvailable, SecureSocketOptions.None, SecureSocketOptions.Auto })
        {
            var upstream = new UpstreamAuthenticator(new UpstreamEndpoint("127.0.0.1", plain.Port, security), new AuthOptions());
            var outcome = await upstream.AuthenticateAsync(User, Password, Client, default);
            Assert.That(outcome.Status, Is.EqualTo(AuthStatus.Unavailable), security.ToString());
            Assert.That(outcome.Detail, Does.Contain("not encrypted"));
        }
        Assert.That(await plain.AuthLogAsync(1), Is.Empty, "the upstream never saw an AUTH");

        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:Upstream:Host"] = "mail.hatinh.gov.vn",
            ["Delivery:Upstream:Security"] = "None",
        }).Build();
        var ex = Assert.Throws<ArgumentException>(() => UpstreamEndpoint.ForPassThroughAuth(DeliveryOptions.FromConfiguration(config).Upstream));
        Assert.That(ex!.Message, Does.Contain("Delivery:Upstream:Security").And.Contain("in clear"));
    }

    [Test]
    public async Task Good_password_passes_and_is_cached_for_five_minutes()
    {
        _server.ClearAuthLog();
        var clock = new FakeClock();
        var upstream = Authenticator(clock);

        Assert.That((await upstream.AuthenticateAsync(User, Password, Client, default)).Status, Is.EqualTo(AuthStatus.Success));
        Assert.That((await _server.AuthLogAsync(1)).Single(), Does.StartWith("auth").And.EndWith($"{User} ok"));

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.That((await upstream.AuthenticateAsync(User, Password, Client, default)).IsSuccess, Is.True);
        Assert.That(upstream.UpstreamAttempts, Is.EqualTo(1), "served from the cache");

        // A wrong password is never answered from the cache.
        Assert.That((await upstream.AuthenticateAsync(User, "đoán bừa", Client, default)).Status, Is.EqualTo(AuthStatus.Failed));
        Assert.That(upstream.UpstreamAttempts, Is.EqualTo(2));
        var log = await _server.AuthLogAsync(2);
        Assert.That(log, Has.Length.EqualTo(2), "one wrong password is one failure upstream, not one per mechanism");
        Assert.That(log.Last(), Does.EndWith($"{User} fail"));

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
        var closedPort = Ports.Free();
        var upstream = new UpstreamAuthenticator(new UpstreamEndpoint("127.0.0.1", closedPort, SecureSocketOptions.StartTls), new AuthOptions());
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

            var down = new UpstreamAuthenticator(new UpstreamEndpoint("127.0.0.1", Ports.Free(), SecureSocketOptions.StartTls), new AuthOptions());
            var withDown = CompositeAuthenticator.FromConfiguration(" Local , UPSTREAM ", local, down);
            Assert.That((await withDown.AuthenticateAsync("service@hatinh.gov.vn", "local-only", Client, default)).IsSuccess, Is.True);
            var downOutcome = await withDown.AuthenticateAsync(User, Password, Client, default);
            Assert.That(downOutcome.Status, Is.EqualTo(AuthStatus.Unavailable), "a temporary failure, not 'wrong password'");
            Assert.That(downOutcome.RefusedByABackend, Is.True, "the users file did refuse it, so it counts towards lockouts");

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
    public void Endpoint_is_the_one_bound_delivery_upstream()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:Upstream:Host"] = "mail.hatinh.gov.vn",
            ["Delivery:Upstream:Port"] = "465",
            ["Delivery:Upstream:Security"] = "sslonconnect",
        }).Build();
        var endpoint = UpstreamEndpoint.ForPassThroughAuth(DeliveryOptions.FromConfiguration(config).Upstream);
        Assert.That(endpoint, Is.EqualTo(new UpstreamEndpoint("mail.hatinh.gov.vn", 465, SecureSocketOptions.SslOnConnect)));

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:Upstream:Host"] = "mail.hatinh.gov.vn",
            ["Delivery:Upstream:Security"] = "tls-please",
        }).Build();
        var ex = Assert.Throws<ArgumentException>(() => UpstreamEndpoint.ForPassThroughAuth(DeliveryOptions.FromConfiguration(bad).Upstream));
        Assert.That(ex!.Message, Does.Contain("Delivery:Upstream:Security"));
    }

    [Test]
    public async Task Starttls_upstream_is_used_with_its_certificate_checked()
    {
        using var certificate = UpstreamCertificate();
        var dir = TempFolders.Create("access-tls");
        try
        {
            await using var tlsServer = new Upstream { Login = (User, Password), Tls = TestCertificates.WritePem(certificate, Path.Combine(dir, "cert.pem"), Path.Combine(dir, "key.pem")) };
            await tlsServer.StartAsync();

            // Pinned: the administrator's callback trusts exactly this certificate.
            var pinned = new UpstreamEndpoint("127.0.0.1", tlsServer.Port, SecureSocketOptions.StartTls)
            {
                CertificateValidation = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == certificate.GetCertHashString(),
            };
            var upstream = new UpstreamAuthenticator(pinned, new AuthOptions());
            Assert.That((await upstream.AuthenticateAsync(User, Password, Client, default)).Status, Is.EqualTo(AuthStatus.Success));
            Assert.That((await upstream.AuthenticateAsync(User, "sai", Client, default)).Status, Is.EqualTo(AuthStatus.Failed));
            Assert.That((await tlsServer.AuthLogAsync(2)), Has.Length.EqualTo(2));

            // Default validation does not trust a self-signed certificate: no password is sent.
            var systemTrust = new UpstreamAuthenticator(new UpstreamEndpoint("127.0.0.1", tlsServer.Port, SecureSocketOptions.StartTls), new AuthOptions());
            Assert.That((await systemTrust.AuthenticateAsync(User, Password, Client, default)).Status, Is.EqualTo(AuthStatus.Unavailable));

            // Plain text against a server that wants STARTTLS first: AUTH is not offered, so unavailable.
            var plain = new UpstreamAuthenticator(new UpstreamEndpoint("127.0.0.1", tlsServer.Port, SecureSocketOptions.None), new AuthOptions());
            Assert.That((await plain.AuthenticateAsync(User, Password, Client, default)).Status, Is.EqualTo(AuthStatus.Unavailable));
            Assert.That((await tlsServer.AuthLogAsync(3)), Has.Length.EqualTo(2), "the password never reached the server outside TLS");
        }
        finally
        {
            TempFolders.Delete(dir);
        }
    }

}
