using System.Net;
using GovGateway.Access;
using GovGateway.Access.Auth;
using GovGateway.Access.Relay;
using GovGateway.Smtp;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Gateway.Tests.Access;

public class AccessConfigurationTests
{
    private static IConfiguration Config(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Test]
    public void Defaults_follow_the_provincial_rules()
    {
        var options = AccessOptions.FromConfiguration(Config([]));
        Assert.Multiple(() =>
        {
            Assert.That(options.LocalDomains, Is.EqualTo(new[] { "gov.vn" }));
            Assert.That(options.Auth.Backend, Is.EqualTo("local"));
            Assert.That(options.Auth.UsersFile, Is.EqualTo("users.json"));
            Assert.That(options.Auth.LockoutThreshold, Is.EqualTo(12));
            Assert.That(options.Auth.LockoutWindow, Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(options.Auth.LockoutDuration, Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(options.Auth.UpstreamCacheTtl, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(options.RateLimits.Window, Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(options.RateLimits.MessagesPerUser, Is.EqualTo(250));
        });
    }

    [Test]
    public void Configured_values_bind_and_local_domains_replace_the_default()
    {
        var options = AccessOptions.FromConfiguration(Config(new()
        {
            ["Access:LocalDomains:0"] = "hatinh.gov.vn",
            ["Access:LocalDomains:1"] = "chinhphu.vn",
            ["Access:Aliases:nguyenvana@hatinh.gov.vn:0"] = "vanthu@hatinh.gov.vn",
            ["Access:Auth:Backend"] = "local,upstream",
            ["Access:Auth:LockoutThreshold"] = "5",
            ["Access:Auth:LockoutDuration"] = "00:30:00",
            ["Access:RateLimits:MessagesPerUser"] = "100",
        }));
        Assert.Multiple(() =>
        {
            Assert.That(options.LocalDomains, Is.EqualTo(new[] { "hatinh.gov.vn", "chinhphu.vn" }));
            Assert.That(options.Aliases["NguyenVanA@hatinh.gov.vn"], Is.EqualTo(new[] { "vanthu@hatinh.gov.vn" }));
            Assert.That(options.Auth.Backend, Is.EqualTo("local,upstream"));
            Assert.That(options.Auth.LockoutThreshold, Is.EqualTo(5));
            Assert.That(options.Auth.LockoutDuration, Is.EqualTo(TimeSpan.FromMinutes(30)));
            Assert.That(options.RateLimits.MessagesPerUser, Is.EqualTo(100));
        });
        var relay = new RelayPolicy(options);
        Assert.That(relay.CheckRecipient(ListenerRole.Relay, false, "u@bacninh.gov.vn").Code, Is.EqualTo(550), "gov.vn default replaced");
        Assert.That(relay.CheckRecipient(ListenerRole.Relay, false, "u@vpcp.chinhphu.vn").Code, Is.EqualTo(250));
    }

    [Test]
    public async Task Components_are_wired_from_options()
    {
        var dir = Path.Combine(Path.GetTempPath(), "access-components-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new AccessOptions { Auth = { LockoutThreshold = 2 } };
            var access = AccessComponents.Create(options, dir, upstream: null, time: new FakeClock());
            Assert.That(access.Users, Is.Not.Null);
            Assert.That(access.Users!.Path, Is.EqualTo(Path.Combine(dir, "users.json")));
            access.Users.Add("a@hatinh.gov.vn", "pw", ["vanthu@hatinh.gov.vn"]);

            var ip = IPAddress.Loopback;
            Assert.That((await access.Authenticator.AuthenticateAsync("a@hatinh.gov.vn", "pw", ip, default)).IsSuccess, Is.True);
            Assert.That(access.Senders.MayUse("a@hatinh.gov.vn", "vanthu@hatinh.gov.vn"), Is.True, "aliases from the users file");
            await access.Authenticator.AuthenticateAsync("a@hatinh.gov.vn", "x", ip, default);
            await access.Authenticator.AuthenticateAsync("a@hatinh.gov.vn", "x", ip, default);
            Assert.That((await access.Authenticator.AuthenticateAsync("a@hatinh.gov.vn", "pw", ip, default)).Status, Is.EqualTo(AuthStatus.LockedOut));

            Assert.Throws<ArgumentException>(() => AccessComponents.Create(new AccessOptions { Auth = { Backend = "upstream" } }, dir, upstream: null),
                "upstream backend without Delivery:Upstream is a configuration error");
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }
}
