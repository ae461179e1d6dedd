using System.Net;
using GovGateway.Access;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;
using GovGateway.Access.Relay;

namespace Gateway.Tests.Access;

public class SenderOriginTests
{
    private static AccessOptions Bind(Dictionary<string, string?> settings) =>
        AccessOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Test]
    public void Internal_networks_default_to_loopback_and_a_configured_list_replaces_the_default()
    {
        var byDefault = new SenderOrigin(new AccessOptions());
        Assert.That(byDefault.IsInternal(IPAddress.Parse("127.0.0.2")), Is.True);
        Assert.That(byDefault.IsInternal(IPAddress.IPv6Loopback), Is.True);
        Assert.That(byDefault.IsInternal(IPAddress.Parse("10.1.2.3")), Is.False);

        var options = Bind(new() { ["Access:InternalNetworks:0"] = "10.20.0.0/16", ["Access:InternalNetworks:1"] = "2001:db8:5::7" });
        Assert.That(options.InternalNetworks, Is.EqualTo(new[] { "10.20.0.0/16", "2001:db8:5::7" }), "not appended to loopback");
        var origin = new SenderOrigin(options);
        Assert.That(origin.IsInternal(IPAddress.Parse("10.20.9.9")), Is.True);
        Assert.That(origin.IsInternal(IPAddress.Parse("10.20.9.9").MapToIPv6()), Is.True);
        Assert.That(origin.IsInternal(IPAddress.Parse("2001:db8:5::7")), Is.True);
        Assert.That(origin.IsInternal(IPAddress.Loopback), Is.False);
        Assert.That(origin.MayBounce(null, "10.20.1.1"), Is.True);
        Assert.That(origin.MayBounce(null, "198.51.100.1"), Is.False);
        Assert.That(origin.MayBounce("u@x.gov.vn", "198.51.100.1"), Is.True);
        Assert.That(origin.MayBounce(null, null), Is.False, "unknown origin: not vouched for");
    }

    [Test]
    public void Own_domains_match_on_whole_labels()
    {
        var origin = new SenderOrigin(new AccessOptions { OwnDomains = ["hatinh.gov.vn"] });
        Assert.That(origin.ClaimsOwnDomain("chutich@hatinh.gov.vn"), Is.True);
        Assert.That(origin.ClaimsOwnDomain("vanthu@stttt.HATINH.gov.vn"), Is.True);
        Assert.That(origin.ClaimsOwnDomain("x@hatinh-gov.vn"), Is.False);
        Assert.That(origin.ClaimsOwnDomain("x@quangbinh.gov.vn"), Is.False);
    }

    [TestCase("10.0.0.0/33")]
    [TestCase("10.0.0.1/8")]
    [TestCase("intranet")]
    [TestCase("")]
    public void A_mistyped_network_is_an_error(string network)
    {
        var ex = Assert.Throws<ArgumentException>(() => new SenderOrigin(new AccessOptions { InternalNetworks = [network] }));
        Assert.That(ex!.Message, Does.Contain("Access:InternalNetworks"));
    }
}
