using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Access;
using Gateway.Tests.Support;
using GovGateway.Hosting;
using GovGateway.Tls;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Gateway.Tests.Tls;

/// <summary>What the listeners offer in TLS, checked with openssl s_client, and certificate renewal.</summary>
public class TlsTests
{
    /// <summary>
    /// An OpenSSL configuration that would let anything through (TLS 1.0 up, security level 0), given
    /// to the gateway process: the refusals below must then come from the gateway's own code.
    /// </summary>
    private const string PermissiveOpenSslConf = """
        openssl_conf = default_conf
        [default_conf]
        ssl_conf = ssl_sect
        [ssl_sect]
        system_default = system_default_sect
        [system_default_sect]
        MinProtocol = TLSv1
        CipherString = ALL:@SECLEVEL=0
        """;

    [Test]
    public async Task Tls_1_1_and_cbc_suites_are_refused_tls_1_2_with_aead_is_accepted_even_when_the_system_allows_more()
    {
        var config = TempFolders.Create("tls-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        var data = TempFolders.Create("tls-data");
        var conf = Path.Combine(config, "permissive-openssl.cnf");
        await File.WriteAllTextAsync(conf, PermissiveOpenSslConf);
        await using var gateway = new GatewayProcess(config, data, new Dictionary<string, string>(),
            new Dictionary<string, string> { ["OPENSSL_CONF"] = conf });
        await gateway.StartAsync();
        var port = gateway.RelayPort.ToString();

        // The client side must be willing to speak TLS 1.1 and CBC, or the test would prove nothing.
        var tls11 = await SClient(port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0");
        Assert.That(tls11.Handshook, Is.False, "TLS 1.1 refused: " + tls11.Output);

        var cbc = await SClient(port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:AES128-SHA:@SECLEVEL=0");
        Assert.That(cbc.Handshook, Is.False, "CBC suites refused: " + cbc.Output);

        var tls12 = await SClient(port, "-tls1_2");
        Assert.That(tls12.Handshook, Is.True, tls12.Output);
        Assert.That(tls12.Output, Does.Contain("Protocol  : TLSv1.2").And.Match(@"Cipher\s+: ECDHE-RSA-(AES\d+-GCM|CHACHA20)"));

        var tls13 = await SClient(port, "-tls1_3");
        Assert.That(tls13.Handshook, Is.True, tls13.Output);
    }

    [Test]
    public async Task A_renewed_certificate_is_served_without_restart_and_a_broken_one_keeps_the_old()
    {
        var config = TempFolders.Create("tls-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        var certPath = Path.Combine(config, "mail.crt");
        var keyPath = Path.Combine(config, "mail.key");
        WritePem(certPath, keyPath, "CN=old.gw.test.gov.vn", TimeSpan.FromDays(365));
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Smtp:Tls:CertificatePath"] = certPath,
            ["Smtp:Tls:KeyPath"] = keyPath,
        }, configDir: config);
        var port = gateway.Relay.Port.ToString();
        Assert.That((await SClient(port, "-tls1_2")).Output, Does.Contain("CN = old.gw.test.gov.vn").Or.Contain("CN=old.gw.test.gov.vn"));

        // A renewal as certbot does it: new files renamed into place.
        WritePem(certPath + ".new", keyPath + ".new", "CN=new.gw.test.gov.vn", TimeSpan.FromDays(365));
        File.Move(keyPath + ".new", keyPath, overwrite: true);
        File.Move(certPath + ".new", certPath, overwrite: true);
        await Eventually.UntilAsync(() => gateway.Runtime.Certificates!.Current.Subject == "CN=new.gw.test.gov.vn", TimeSpan.FromSeconds(10), "the renewed certificate in use");
        Assert.That((await SClient(port, "-tls1_2")).Output, Does.Contain("new.gw.test.gov.vn"));

        // A half-written file is not a reason to stop serving TLS.
        await File.WriteAllTextAsync(certPath, "-----BEGIN CERTIFICATE-----\nbroken\n");
        Assert.That(gateway.Runtime.Certificates!.Reload("SIGHUP"), Is.False);
        var after = await SClient(port, "-tls1_2");
        Assert.That(after.Handshook, Is.True, after.Output);
        Assert.That(after.Output, Does.Contain("new.gw.test.gov.vn"));
    }

    [Test]
    public async Task A_pkcs12_password_is_read_from_a_file()
    {
        var config = TempFolders.Create("tls-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        using (var cert = TestCertificates.Rsa("CN=pfx.gw.test.gov.vn", TimeSpan.FromDays(365)))
            await File.WriteAllBytesAsync(Path.Combine(config, "mail.pfx"), cert.Export(X509ContentType.Pkcs12, "mật khẩu pfx"));
        await File.WriteAllTextAsync(Path.Combine(config, "pfx.pw"), "mật khẩu pfx\n");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Smtp:Tls:CertificatePath"] = "mail.pfx",
            ["Smtp:Tls:CertificatePasswordFile"] = Path.Combine(config, "pfx.pw"),
        }, configDir: config);
        Assert.That((await SClient(gateway.Relay.Port.ToString(), "-tls1_2")).Output, Does.Contain("pfx.gw.test.gov.vn"));
    }

    [Test]
    public void A_certificate_expiring_within_the_warning_days_is_warned_about_at_start_and_daily()
    {
        var clock = new FakeClock(DateTimeOffset.UtcNow);
        using var cert = TestCertificates.Rsa("CN=soon.gw.test.gov.vn", TimeSpan.FromDays(20));
        var logger = new ListLogger();
        using var watcher = new CertificateWatcher(cert, () => cert, _ => { }, new TlsSettings { ExpiryWarningDays = 30 }, [], logger, clock);
        Assert.That(logger.Lines, Has.Some.Contains("expires on").And.Some.Contains("soon.gw.test.gov.vn"), "warned at start");

        var quiet = new ListLogger();
        using var far = new CertificateWatcher(cert, () => cert, _ => { }, new TlsSettings { ExpiryWarningDays = 10 }, [], quiet, clock);
        Assert.That(quiet.Lines, Is.Empty, "20 days left, 10 days' warning: nothing yet");
        clock.Advance(TimeSpan.FromDays(11));
        Assert.That(far.WarnIfExpiring(), Is.True);
        Assert.That(quiet.Lines, Has.Some.Contains("expires on"));
        clock.Advance(TimeSpan.FromDays(10));
        far.WarnIfExpiring();
        Assert.That(quiet.Lines, Has.Some.Contains("EXPIRED"));
    }

    private sealed record SClientResult(bool Handshook, string Output);

    private static async Task<SClientResult> SClient(string port, params string[] extra)
    {
        var result = await ToolRunner.RunAsync("openssl",
            ["s_client", "-connect", "127.0.0.1:" + port, "-starttls", "smtp", "-servername", "localhost", .. extra],
            stdin: "QUIT\r\n", timeout: TimeSpan.FromSeconds(20));
        // "Cipher is (NONE)" / "no peer certificate available" mean no session was set up.
        var handshook = result.ExitCode == 0 && !result.All.Contains("Cipher is (NONE)") && result.All.Contains("Server certificate");
        return new SClientResult(handshook, result.All);
    }

    private static void WritePem(string certPath, string keyPath, string subject, TimeSpan validFor)
    {
        using var cert = TestCertificates.Rsa(subject, validFor);
        TestCertificates.WritePem(cert, certPath, keyPath);
    }

    /// <summary>Collects formatted log lines.</summary>
    internal sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add(formatter(state, exception));
        }
    }
}
