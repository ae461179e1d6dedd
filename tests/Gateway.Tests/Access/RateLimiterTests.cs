using NUnit.Framework;
using System.Net;
using GovGateway.Access;
using GovGateway.Access.RateLimiting;

namespace Gateway.Tests.Access;

public class RateLimiterTests
{
    private static readonly IPAddress Office = IPAddress.Parse("192.0.2.10");

    [Test]
    public void Defaults_allow_250_messages_per_user_in_ten_minutes_then_defer_with_exact_retry()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(new RateLimitOptions(), clock);
        for (var i = 0; i < 250; i++)
        {
            Assert.That(limiter.TryAcquireMessage("nguyenvana@hatinh.gov.vn", Office, 1).Allowed, Is.True, $"message {i + 1}");
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        // 250 sent at t=0..249 s; now t=250 s. The first leaves the window at t=600 s.
        var refused = limiter.TryAcquireMessage("NguyenVanA@hatinh.gov.vn", Office, 1);
        Assert.That(refused.Allowed, Is.False);
        Assert.That(refused.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(350)));
        Assert.That((refused.Reply.Code, refused.Reply.EnhancedCode), Is.EqualTo((450, "4.7.1")));
        Assert.That(refused.Reply.Text, Does.Contain("350").And.Contain(" / Message rate limit exceeded"));

        Assert.That(limiter.TryAcquireMessage("tranthib@hatinh.gov.vn", Office, 1).Allowed, Is.True, "another user from the same office");

        clock.Advance(TimeSpan.FromSeconds(349));
        Assert.That(limiter.Check("nguyenvana@hatinh.gov.vn", Office, 1).Allowed, Is.False);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(limiter.TryAcquireMessage("nguyenvana@hatinh.gov.vn", Office, 1).Allowed, Is.True);
        Assert.That(limiter.TryAcquireMessage("nguyenvana@hatinh.gov.vn", Office, 1).Allowed, Is.False, "only one slot opened");
    }

    [Test]
    public void Recipients_are_limited_with_452()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(new RateLimitOptions { RecipientsPerUser = 10, Window = TimeSpan.FromMinutes(1) }, clock);
        Assert.That(limiter.TryAcquireMessage("a@x.gov.vn", Office, 6).Allowed, Is.True);
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.That(limiter.TryAcquireMessage("a@x.gov.vn", Office, 3).Allowed, Is.True);
        var refused = limiter.TryAcquireMessage("a@x.gov.vn", Office, 2);
        Assert.That(refused.Allowed, Is.False);
        Assert.That((refused.Reply.Code, refused.Reply.EnhancedCode), Is.EqualTo((452, "4.7.1")));
        Assert.That(refused.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(40)), "after the 6-recipient message leaves");
        Assert.That(limiter.TryAcquireMessage("a@x.gov.vn", Office, 1).Allowed, Is.True, "one still fits");

        var tooMany = limiter.Check("b@x.gov.vn", Office, 11);
        Assert.That(tooMany.Allowed, Is.False, "more than the window allows at all");
    }

    [Test]
    public void Check_does_not_charge()
    {
        var limiter = new RateLimiter(new RateLimitOptions { MessagesPerUser = 1 }, new FakeClock());
        for (var i = 0; i < 5; i++)
            Assert.That(limiter.Check("a@x.gov.vn", Office, 1).Allowed, Is.True);
        Assert.That(limiter.TryAcquireMessage("a@x.gov.vn", Office, 1).Allowed, Is.True);
        Assert.That(limiter.Check("a@x.gov.vn", Office, 1).Allowed, Is.False);
    }

    [Test]
    public void Client_address_limit_applies_to_unauthenticated_relay_and_ipv6_counts_per_64()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(new RateLimitOptions { MessagesPerIp = 3 }, clock);
        for (var i = 0; i < 3; i++)
            Assert.That(limiter.TryAcquireMessage(null, IPAddress.Parse($"2001:db8:1:2::{i + 1}"), 1).Allowed, Is.True);
        var refused = limiter.TryAcquireMessage(null, IPAddress.Parse("2001:db8:1:2::99"), 1);
        Assert.That(refused.Allowed, Is.False);
        Assert.That(refused.Limit, Does.Contain("client address"));
        Assert.That(limiter.TryAcquireMessage(null, IPAddress.Parse("2001:db8:1:3::1"), 1).Allowed, Is.True, "another /64");

        var v4 = IPAddress.Parse("198.51.100.7");
        for (var i = 0; i < 3; i++)
            limiter.TryAcquireMessage("u@x.gov.vn", v4, 1);
        Assert.That(limiter.TryAcquireMessage(null, v4.MapToIPv6(), 1).Allowed, Is.False, "IPv4-mapped is the same client");
    }

    [Test]
    public void Zero_means_no_limit()
    {
        var limiter = new RateLimiter(new RateLimitOptions { MessagesPerUser = 0, MessagesPerIp = 0, RecipientsPerUser = 0, RecipientsPerIp = 0 }, new FakeClock());
        for (var i = 0; i < 2000; i++)
            Assert.That(limiter.TryAcquireMessage("a@x.gov.vn", Office, 50).Allowed, Is.True);
    }

    [Test]
    public void Bad_configuration_is_a_clear_error()
    {
        Assert.Throws<ArgumentException>(() => new RateLimiter(new RateLimitOptions { Window = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new RateLimiter(new RateLimitOptions { MessagesPerIp = -1 }));
    }
}
