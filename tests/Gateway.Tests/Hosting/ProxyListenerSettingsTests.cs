using System.Net;
using System.Security.Cryptography.X509Certificates;
using GovGateway.Hosting;
using GovGateway.Listeners;
using GovGateway.Spool;
using Gateway.Tests.Support;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Gateway.Tests.Hosting;

/// <summary>Smtp:Listeners:&lt;name&gt;:ProxyProtocol and TrustedProxies as an administrator writes them, and the node's queue-id tag.</summary>
[TestFixture]
public sealed class ProxyListenerSettingsTests
{
    private static X509Certificate2 Certificate() => TestCertificates.Rsa("CN=gw.test.gov.vn", TimeSpan.FromDays(1));

    private static GovGateway.Smtp.SmtpServerOptions Create(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        Assert.That(ConfigurationCheck.UnknownKeys(configuration), Is.Empty);
        var smtp = SmtpSettings.FromConfiguration(configuration);
        return SmtpOptionsFactory.Create(smtp, "gw.test.gov.vn", Certificate());
    }

    [Test]
    public void Addresses_and_networks_of_both_families_are_read()
    {
        var options = Create(("Smtp:Listeners:Relay:ProxyProtocol", "true"),
            ("Smtp:Listeners:Relay:TrustedProxies:0", "10.0.0.5"), ("Smtp:Listeners:Relay:TrustedProxies:1", "192.168.10.0/29"),
            ("Smtp:Listeners:Relay:TrustedProxies:2", "fd00::/64"), ("Smtp:Listeners:Relay:TrustedProxies:3", "2001:db8::7"),
            ("Smtp:ProxyHeaderTimeout", "00:00:03"));
        var relay = options.Listeners.Single(l => l.Name == "relay");
        Assert.That(relay.ProxyProtocol, Is.True);
        Assert.That(options.ProxyHeaderTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.Multiple(() =>
        {
            Assert.That(relay.IsTrustedProxy(IPAddress.Parse("10.0.0.5")), Is.True);
            Assert.That(relay.IsTrustedProxy(IPAddress.Parse("10.0.0.6")), Is.False, "a single address is that address only");
            Assert.That(relay.IsTrustedProxy(IPAddress.Parse("192.168.10.7")), Is.True);
            Assert.That(relay.IsTrustedProxy(IPAddress.Parse("192.168.10.8")), Is.False);
            Assert.That(relay.IsTrustedProxy(IPAddress.Parse("::ffff:10.0.0.5")), Is.True, "a dual-stack socket's mapped address");
            Assert.That(relay.IsTrustedProxy(IPAddress.Parse("fd00::1234")), Is.True);
            Assert.That(relay.IsTrustedProxy(IPAddress.Parse("2001:db8::8")), Is.False);
        });
        Assert.That(options.Listeners.Where(l => l.Name != "relay").Select(l => l.ProxyProtocol), Has.All.False, "each listener decides for itself");
    }

    [TestCase("10", "neither an address nor a network")]
    [TestCase("10.0.0.1/8", "neither an address nor a network")]
    [TestCase("10.0.0.0/33", "neither an address nor a network")]
    [TestCase("proxy.example", "neither an address nor a network")]
    public void A_mistyped_proxy_is_a_start_up_error_naming_the_key(string entry, string reason)
    {
        Assert.That(() => Create(("Smtp:Listeners:Relay:ProxyProtocol", "true"), ("Smtp:Listeners:Relay:TrustedProxies:0", entry)),
            Throws.InvalidOperationException.With.Message.Contains("Smtp:Listeners:Relay:TrustedProxies").And.Message.Contains(reason).And.Message.Contains(entry));
    }

    [Test]
    public void Proxy_protocol_without_trusted_proxies_and_proxies_without_the_protocol_are_errors()
    {
        Assert.That(() => Create(("Smtp:Listeners:Submission:ProxyProtocol", "true")),
            Throws.InvalidOperationException.With.Message.Contains("Smtp:Listeners:Submission:ProxyProtocol is true but Smtp:Listeners:Submission:TrustedProxies is empty"));
        Assert.That(() => Create(("Smtp:Listeners:Relay:TrustedProxies:0", "10.0.0.5")),
            Throws.InvalidOperationException.With.Message.Contains("ProxyProtocol is not true"));
    }

    [Test]
    public void A_misspelt_key_is_named_with_the_nearest_one()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Smtp:Listeners:Relay:TrustedProxy:0", "10.0.0.5")]).Build();
        Assert.That(ConfigurationCheck.UnknownKeys(configuration), Has.One.Contains("TrustedProxies"));
    }

    [Test]
    public void Queue_ids_carry_the_nodes_tag_so_two_nodes_never_make_the_same_id_in_the_same_millisecond()
    {
        var now = DateTimeOffset.UtcNow;
        string a = QueueId.NodeTag("gw-a"), b = QueueId.NodeTag("gw-b");
        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That(QueueId.NodeTag("GW-A"), Is.EqualTo(a), "host names ignore case");
        var fromA = Enumerable.Range(0, 1000).Select(_ => QueueId.New(now, a)).ToList();
        var fromB = Enumerable.Range(0, 1000).Select(_ => QueueId.New(now, b)).ToList();
        Assert.That(fromA.Concat(fromB).Distinct().Count(), Is.EqualTo(2000));
        Assert.That(fromA.Select(id => id.Substring(10, 2)), Has.All.EqualTo(a));
        Assert.That(fromA.Concat(fromB), Has.All.Matches<string>(QueueId.IsValid), "the id keeps its shape");
        Assert.That(string.CompareOrdinal(QueueId.New(now.AddMilliseconds(-1), b), fromA[0]), Is.LessThan(0), "ids still sort by time first");
        Assert.That(() => QueueId.New(now, "I1"), Throws.ArgumentException, "I is not in the alphabet");
        var spool = new GovGateway.Spool.Spool(TempFolders.Create("tag-spool"), nodeName: "gw-b");
        using var writer = spool.BeginMessage();
        Assert.That(writer.QueueId.Substring(10, 2), Is.EqualTo(b));
    }
}
