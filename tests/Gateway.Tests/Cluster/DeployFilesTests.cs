using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;
using GovGateway.Hosting;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;
using GovGateway.Listeners;

namespace Gateway.Tests.Cluster;

/// <summary>
/// deploy/cluster as an administrator copies it: HAProxy accepts its configuration, each node's settings start
/// (no unknown key, proxies that parse), and the balancer sends each node's traffic where that node listens.
/// </summary>
[TestFixture]
public sealed class DeployFilesTests
{
    private static string Deploy(params string[] parts) => Path.Combine([RepoPaths.Root, "deploy", "cluster", .. parts]);

    [Test]
    public async Task HAProxy_accepts_the_shipped_configuration()
    {
        var check = await ToolRunner.RunAsync("haproxy", ["-c", "-f", Deploy("haproxy.cfg")]);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.All);
        Assert.That(check.All, Does.Contain("Configuration file is valid"));
    }

    [TestCase("gw1")]
    [TestCase("gw2")]
    public void Each_nodes_settings_start_and_match_what_the_balancer_sends_it(string node)
    {
        // As the gateway reads them with DOTNET_ENVIRONMENT=<node> (the unit's drop-in): shipped settings, then the node's.
        Assert.That(File.ReadAllText(Deploy(node, "gateway.service.d", "node.conf")), Does.Contain($"Environment=DOTNET_ENVIRONMENT={node}"));
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.ShippedConfig, "appsettings.json"))
            .AddJsonFile(Deploy($"appsettings.{node}.json"))
            .Build();
        Assert.That(ConfigurationCheck.UnknownKeys(configuration), Is.Empty);
        Assert.That(NodeOptions.FromConfiguration(configuration).EffectiveName, Is.EqualTo(node));
        using var certificate = TestCertificates.Rsa("CN=mail.stttt.hatinh.gov.vn", TimeSpan.FromDays(1));
        var options = SmtpOptionsFactory.Create(SmtpSettings.FromConfiguration(configuration), "mail.stttt.hatinh.gov.vn", certificate);

        var haproxy = File.ReadAllText(Deploy("haproxy.cfg"));
        var balancer = IPAddress.Parse(Regex.Match(haproxy, @"balancer (\d+\.\d+\.\d+\.\d+)").Groups[1].Value);
        var servers = Regex.Matches(haproxy, $@"^\s*server {node} (\S+):(\d+)", RegexOptions.Multiline).Select(m => $"{m.Groups[1].Value}:{m.Groups[2].Value}").ToList();
        Assert.That(servers, Has.Count.EqualTo(3), "one server line per backend");
        Assert.That(options.Listeners.Select(l => l.EndPoint.ToString()), Is.EquivalentTo(servers), "the balancer sends to where the node listens");
        foreach (var listener in options.Listeners)
        {
            Assert.That(listener.ProxyProtocol, Is.True, listener.Name);
            Assert.That(listener.IsTrustedProxy(balancer), Is.True, $"{listener.Name} trusts the balancer");
            Assert.That(listener.IsTrustedProxy(IPAddress.Parse("10.0.0.99")), Is.False, $"{listener.Name} trusts no one else");
        }
        Assert.That(Regex.Matches(haproxy, @"default-server send-proxy-v2 check"), Has.Count.EqualTo(3), "every backend speaks PROXY v2 and is health-checked");
    }
}
