using System.Net;
using GovGateway.Access;
using NUnit.Framework;
using GovGateway.Access.Auth;

namespace Gateway.Tests.Access;

public class LoginGuardTests
{
    private static readonly IPAddress Office = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Elsewhere = IPAddress.Parse("198.51.100.20");

    /// <summary>Knows one password per user and counts how often it is asked.</summary>
    private sealed class CountingAuthenticator(string password) : IAuthenticator
    {
        public int Calls;
        public AuthStatus? Forced;

        public ValueTask<AuthOutcome> AuthenticateAsync(string user, string pw, IPAddress client, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            if (Forced is { } forced)
                return ValueTask.FromResult(new AuthOutcome(forced));
            return ValueTask.FromResult(pw == password ? AuthOutcome.Success : AuthOutcome.Failed);
        }
    }

    [Test]
    public async Task Twelve_failures_lock_the_user_from_that_address_for_fifteen_minutes_without_checking_the_password()
    {
        var clock = new FakeClock();
        var inner = new CountingAuthenticator("right");
        var guard = new LoginGuard(inner, new AuthOptions(), clock);

        for (var i = 0; i < 12; i++)
        {
            var outcome = await guard.AuthenticateAsync("nguyenvana@hatinh.gov.vn", "wrong" + i, Office, default);
            Assert.That(outcome.Status, Is.EqualTo(AuthStatus.Failed), $"attempt {i + 1}");
            clock.Advance(TimeSpan.FromSeconds(10));
        }
        var callsBefore = inner.Calls;
        var locked = await guard.AuthenticateAsync("NguyenVanA@hatinh.gov.vn", "right", Office, default);
        Assert.That(locked.Status, Is.EqualTo(AuthStatus.LockedOut), "the right password does not help from that address");
        Assert.That(inner.Calls, Is.EqualTo(callsBefore), "password not checked while locked");
        var expectedUntil = new FakeClock().GetUtcNow() + TimeSpan.FromSeconds(110) + TimeSpan.FromMinutes(15);
        Assert.That(locked.LockedUntil, Is.EqualTo(expectedUntil));
        Assert.That((locked.ToReply().Code, locked.ToReply().EnhancedCode), Is.EqualTo((535, "5.7.8")));
        Assert.That(locked.ToReply().Text, Does.Contain("tạm khóa").And.Contain("locked until"));

        Assert.That((await guard.AuthenticateAsync("tranthib@hatinh.gov.vn", "right", Office, default)).IsSuccess, Is.True,
            "other users from the same office are not affected");
        Assert.That((await guard.AuthenticateAsync("nguyenvana@hatinh.gov.vn", "right", Elsewhere, default)).IsSuccess, Is.True,
            "twelve guesses from one address do not lock the official out from everywhere");

        clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1) - TimeSpan.FromSeconds(10));
        Assert.That((await guard.AuthenticateAsync("nguyenvana@hatinh.gov.vn", "right", Office, default)).Status, Is.EqualTo(AuthStatus.LockedOut));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await guard.AuthenticateAsync("nguyenvana@hatinh.gov.vn", "right", Office, default)).IsSuccess, Is.True, "unlocked after the duration");
    }

    [Test]
    public async Task Failures_outside_the_window_do_not_add_up_and_success_resets()
    {
        var clock = new FakeClock();
        var guard = new LoginGuard(new CountingAuthenticator("right"), new AuthOptions { LockoutThreshold = 3 }, clock);
        await guard.AuthenticateAsync("u@x.gov.vn", "bad", Office, default);
        await guard.AuthenticateAsync("u@x.gov.vn", "bad", Office, default);
        clock.Advance(TimeSpan.FromMinutes(15));
        await guard.AuthenticateAsync("u@x.gov.vn", "bad", Office, default);
        Assert.That(guard.LockedUntil("u@x.gov.vn", Office), Is.Null, "the first two left the window");

        await guard.AuthenticateAsync("u@x.gov.vn", "right", Office, default);
        await guard.AuthenticateAsync("u@x.gov.vn", "bad", Office, default);
        await guard.AuthenticateAsync("u@x.gov.vn", "bad", Office, default);
        Assert.That(guard.LockedUntil("u@x.gov.vn", Office), Is.Null, "the success cleared the count");
        await guard.AuthenticateAsync("u@x.gov.vn", "bad", Office, default);
        Assert.That(guard.LockedUntil("u@x.gov.vn", Office), Is.Not.Null);
    }

    [Test]
    public async Task A_client_address_guessing_many_users_is_locked()
    {
        var clock = new FakeClock();
        var inner = new CountingAuthenticator("right");
        var guard = new LoginGuard(inner, new AuthOptions { IpLockoutThreshold = 5 }, clock);
        for (var i = 0; i < 5; i++)
            await guard.AuthenticateAsync($"user{i}@x.gov.vn", "guess", Office, default);
        var outcome = await guard.AuthenticateAsync("victim@x.gov.vn", "right", Office, default);
        Assert.That(outcome.Status, Is.EqualTo(AuthStatus.LockedOut));
        Assert.That(inner.Calls, Is.EqualTo(5));
        Assert.That((await guard.AuthenticateAsync("victim@x.gov.vn", "right", Elsewhere, default)).IsSuccess, Is.True);
        // IPv4-mapped IPv6 is the same client.
        Assert.That((await guard.AuthenticateAsync("victim@x.gov.vn", "right", Office.MapToIPv6(), default)).Status, Is.EqualTo(AuthStatus.LockedOut));
    }

    [Test]
    public async Task Upstream_being_down_is_not_counted_as_a_failure()
    {
        var inner = new CountingAuthenticator("right") { Forced = AuthStatus.Unavailable };
        var guard = new LoginGuard(inner, new AuthOptions { LockoutThreshold = 2 }, new FakeClock());
        for (var i = 0; i < 5; i++)
            Assert.That((await guard.AuthenticateAsync("u@x.gov.vn", "right", Office, default)).Status, Is.EqualTo(AuthStatus.Unavailable));
        Assert.That(guard.LockedUntil("u@x.gov.vn", Office), Is.Null);
        var reply = AuthOutcome.Unavailable("down").ToReply();
        Assert.That((reply.Code, reply.EnhancedCode), Is.EqualTo((454, "4.7.0")));
    }

    [Test]
    public async Task Guard_over_the_real_users_file_locks_and_unlocks()
    {
        var path = Path.Combine(Path.GetTempPath(), "access-guard-" + Guid.NewGuid().ToString("N"), "users.json");
        try
        {
            var store = new LocalUserStore(path);
            store.Add("nguyenvana@hatinh.gov.vn", "đúng rồi");
            var clock = new FakeClock();
            var guard = new LoginGuard(store, new AuthOptions { LockoutThreshold = 3, LockoutDuration = TimeSpan.FromMinutes(5) }, clock);
            for (var i = 0; i < 3; i++)
                Assert.That((await guard.AuthenticateAsync("nguyenvana@hatinh.gov.vn", "sai", Office, default)).Status, Is.EqualTo(AuthStatus.Failed));
            Assert.That((await guard.AuthenticateAsync("nguyenvana@hatinh.gov.vn", "đúng rồi", Office, default)).Status, Is.EqualTo(AuthStatus.LockedOut));
            clock.Advance(TimeSpan.FromMinutes(5));
            Assert.That((await guard.AuthenticateAsync("nguyenvana@hatinh.gov.vn", "đúng rồi", Office, default)).Status, Is.EqualTo(AuthStatus.Success));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Test]
    public async Task Guessing_from_many_addresses_meets_a_slower_account_wide_limit_that_spares_the_officials_own_addresses()
    {
        var clock = new FakeClock();
        var inner = new CountingAuthenticator("right");
        var guard = new LoginGuard(inner, new AuthOptions { LockoutThreshold = 3, AccountLockoutThreshold = 8 }, clock);
        const string official = "chutich@hatinh.gov.vn";
        Assert.That((await guard.AuthenticateAsync(official, "right", Office, default)).IsSuccess, Is.True, "the official works from the office");

        // Four outside addresses, two guesses each: none reaches its own limit of 3, together they reach 8.
        for (var host = 1; host <= 4; host++)
            for (var i = 0; i < 2; i++)
                Assert.That((await guard.AuthenticateAsync(official, "guess", IPAddress.Parse($"203.0.113.{host}"), default)).Status, Is.EqualTo(AuthStatus.Failed));

        var fresh = IPAddress.Parse("203.0.113.99");
        var callsBefore = inner.Calls;
        Assert.That((await guard.AuthenticateAsync(official, "right", fresh, default)).Status, Is.EqualTo(AuthStatus.LockedOut),
            "from an address the account never logged in from, even the right password waits");
        Assert.That(inner.Calls, Is.EqualTo(callsBefore), "the password was not checked");
        Assert.That((await guard.AuthenticateAsync(official, "right", Office, default)).IsSuccess, Is.True,
            "the outsider cannot lock the official out of the office");
        Assert.That((await guard.AuthenticateAsync("other@hatinh.gov.vn", "right", fresh, default)).IsSuccess, Is.True, "other accounts unaffected");

        clock.Advance(new AuthOptions().LockoutDuration);
        Assert.That((await guard.AuthenticateAsync(official, "right", fresh, default)).IsSuccess, Is.True, "not for ever");
    }

    [Test]
    public async Task Ipv6_clients_are_counted_per_64()
    {
        var guard = new LoginGuard(new CountingAuthenticator("right"), new AuthOptions { LockoutThreshold = 3 }, new FakeClock());
        for (var i = 1; i <= 3; i++)
            await guard.AuthenticateAsync("u@x.gov.vn", "bad", IPAddress.Parse($"2001:db8:1:2::{i:x}"), default);
        Assert.That((await guard.AuthenticateAsync("u@x.gov.vn", "right", IPAddress.Parse("2001:db8:1:2:ffff::99"), default)).Status,
            Is.EqualTo(AuthStatus.LockedOut), "a new address in the same /64 is the same client");
        Assert.That((await guard.AuthenticateAsync("u@x.gov.vn", "right", IPAddress.Parse("2001:db8:1:3::1"), default)).IsSuccess, Is.True,
            "the next /64 is another client");
    }

    [Test]
    public async Task Wrong_local_passwords_count_while_the_upstream_is_unreachable()
    {
        // Access:Auth:Backend=local,upstream with the upstream down: the users file refuses, the upstream cannot answer.
        var local = new CountingAuthenticator("right");
        var upstreamDown = new CountingAuthenticator("unused") { Forced = AuthStatus.Unavailable };
        var guard = new LoginGuard(new CompositeAuthenticator([local, upstreamDown]), new AuthOptions(), new FakeClock());
        for (var i = 0; i < 12; i++)
        {
            var outcome = await guard.AuthenticateAsync("u@x.gov.vn", "guess" + i, Office, default);
            Assert.That(outcome.ToReply().Code, Is.EqualTo(454), "the user is not told the password is wrong: the upstream might know it");
        }
        Assert.That((await guard.AuthenticateAsync("u@x.gov.vn", "right", Office, default)).Status, Is.EqualTo(AuthStatus.LockedOut),
            "twelve guesses during an outage lock like twelve wrong passwords (before: 39 guesses, then the right one passed)");
    }
}
