using NUnit.Framework;
using GovGateway.Access;
using GovGateway.Access.Identity;

namespace Gateway.Tests.Access;

public class SenderIdentityTests
{
    private static SenderIdentity Identity(IAliasSource? source = null) => new(new AccessOptions
    {
        Aliases = new(StringComparer.OrdinalIgnoreCase)
        {
            ["nguyenvana@hatinh.gov.vn"] = ["vanthu@hatinh.gov.vn", "vanthu@bộ.gov.vn"],
            ["svc-scan"] = ["scan@hatinh.gov.vn"],
        },
    }, source);

    [TestCase("nguyenvana@hatinh.gov.vn")]
    [TestCase("NguyenVanA@HATINH.gov.vn")]
    [TestCase("<nguyenvana@hatinh.gov.vn>")]
    [TestCase("vanthu@hatinh.gov.vn")]
    [TestCase("VANTHU@hatinh.gov.vn")]
    [TestCase("vanthu@xn--b-8xm.gov.vn")]
    public void Own_address_and_granted_aliases_are_allowed(string address) =>
        Assert.That(Identity().MayUse("nguyenvana@hatinh.gov.vn", address), Is.True, address);

    [TestCase("tranthib@hatinh.gov.vn")]
    [TestCase("nguyenvana@bacninh.gov.vn")]
    [TestCase("nguyenvana@hatinh.gov.vn.example.com")]
    [TestCase("nguyenvana%hatinh.gov.vn@external.example")]
    [TestCase("\"nguyenvana@hatinh.gov.vn\"@external.example")]
    [TestCase("")]
    [TestCase("scan@hatinh.gov.vn")]
    public void Other_addresses_are_refused(string address) =>
        Assert.That(Identity().MayUse("nguyenvana@hatinh.gov.vn", address), Is.False, address);

    [Test]
    public void Login_that_is_not_an_address_may_use_only_its_aliases()
    {
        var identity = Identity();
        Assert.That(identity.MayUse("SVC-SCAN", "scan@hatinh.gov.vn"), Is.True);
        Assert.That(identity.MayUse("svc-scan", "svc-scan@hatinh.gov.vn"), Is.False);
    }

    [Test]
    public void Aliases_from_the_users_file_are_honoured()
    {
        var identity = Identity(new StaticAliases(new() { ["tranthib@hatinh.gov.vn"] = ["phongtchc@hatinh.gov.vn"] }));
        Assert.That(identity.MayUse("TranThiB@hatinh.gov.vn", "phongtchc@hatinh.gov.vn"), Is.True);
        Assert.That(identity.MayUse("nguyenvana@hatinh.gov.vn", "phongtchc@hatinh.gov.vn"), Is.False);
    }

    [Test]
    public void Empty_login_may_use_nothing() => Assert.That(Identity().MayUse("", "vanthu@hatinh.gov.vn"), Is.False);

    private sealed class StaticAliases(Dictionary<string, string[]> map) : IAliasSource
    {
        public IReadOnlyList<string> AliasesOf(string user) =>
            map.TryGetValue(UserNames.Key(user), out var a) ? a : [];
    }
}
