using NUnit.Framework;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Support;
using GovGateway.Tls;

namespace Gateway.Tests.WebConsole;

/// <summary>The console's listener: HTTPS only, the gateway's certificate, and the renewed one after a reload.</summary>
public class ConsoleHostTests
{
    [Test]
    public async Task ServesTheGatewaysCertificateAndFollowsAReload()
    {
        var config = TempFolders.Create("console-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        var pfx = Path.Combine(config, "console.pfx");
        using (var first = CertificateProvider.CreateSelfSigned("first.test.gov.vn"))
            await File.WriteAllBytesAsync(pfx, first.Export(X509ContentType.Pkcs12));
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Smtp:Tls:CertificatePath"] = pfx }, configDir: config);
        var endPoint = gateway.Runtime.ConsoleEndPoint!;

        Assert.That((await ServedCertificateAsync(endPoint)).Subject, Is.EqualTo("CN=first.test.gov.vn"));

        using (var second = CertificateProvider.CreateSelfSigned("second.test.gov.vn"))
            await File.WriteAllBytesAsync(pfx, second.Export(X509ContentType.Pkcs12));
        Assert.That(gateway.Runtime.Certificates!.Reload("test"), Is.True);
        Assert.That((await ServedCertificateAsync(endPoint)).Subject, Is.EqualTo("CN=second.test.gov.vn"),
            "a renewed certificate is served by the console without a restart");
    }

    [Test]
    public async Task PlainHttpIsNotServed()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var endPoint = gateway.Runtime.ConsoleEndPoint!;
        Assert.That(async () => await http.GetAsync($"http://{endPoint}/"), Throws.InstanceOf<HttpRequestException>());
    }

    [Test]
    public async Task ConsoleDisabledOpensNoListener()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Console:Enabled"] = "false" });
        Assert.That(gateway.Runtime.ConsoleEndPoint, Is.Null);
    }

    private static async Task<X509Certificate2> ServedCertificateAsync(System.Net.IPEndPoint endPoint)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endPoint);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        return new X509Certificate2(tls.RemoteCertificate!);
    }
}
