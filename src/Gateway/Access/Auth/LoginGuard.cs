using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using GovGateway.Access.Identity;

namespace GovGateway.Access.Auth;

/// <summary>
/// Lockout after repeated failed logins (provincial rule: 12 failures lock the account), counted
/// three ways, each within <see cref="AuthOptions.LockoutWindow"/>:
/// <list type="bullet">
/// <item>per account and client address (IPv6 per /64): <see cref="AuthOptions.LockoutThreshold"/>
/// failures lock that account from that address;</item>
/// <item>per client address over all accounts: <see cref="AuthOptions.IpLockoutThreshold"/>;</item>
/// <item>per account over all addresses, a slower limit (<see cref="AuthOptions.AccountLockoutThreshold"/>)
/// against guessing from many addresses. It does not lock the account out from the addresses it
/// logged in from successfully recently, so an outsider cannot lock a named official out from
/// everywhere, and the lock ends after <see cref="AuthOptions.LockoutDuration"/>.</item>
/// </list>
/// While locked, AUTH fails without the password being checked, so guessing stops costing the
/// backend anything. An answer of "unavailable" after another backend refused the password (the
/// users file said no, the upstream was down) counts as a failure too: an outage is no window for
/// unlimited guessing. Wraps any authenticator.
/// </summary>
internal sealed class LoginGuard : IAuthenticator
{
    private const int TrustedAddressesPerAccount = 16;

    private readonly IAuthenticator _inner;
    private readonly AuthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, FailureLog> _accountAtAddress = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FailureLog> _addresses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FailureLog> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TrustedAddresses> _trusted = new(StringComparer.Ordinal);
    private int _callsSinceSweep;

    public LoginGuard(IAuthenticator inner, AuthOptions options, TimeProvider? time = null, ILogger<LoginGuard>? logger = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.LockoutThreshold < 1 || options.IpLockoutThreshold < 1 || options.AccountLockoutThreshold < 1)
            throw new ArgumentException("Access:Auth lockout thresholds must be at least 1.", nameof(options));
        if (options.LockoutWindow <= TimeSpan.Zero || options.LockoutDuration <= TimeSpan.Zero || options.TrustedAddressMemory <= TimeSpan.Zero)
            throw new ArgumentException("Access:Auth LockoutWindow, LockoutDuration and TrustedAddressMemory must be positive.", nameof(options));
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<LoginGuard>.Instance;
    }

    public async ValueTask<AuthOutcome> AuthenticateAsync(string user, string password, IPAddress client, CancellationToken ct)
    {
        var userKey = UserNames.Key(user);
        var addressKey = ClientAddress.Key(client);
        var pairKey = userKey + "\n" + addressKey;
        var now = _time.GetUtcNow();
        SweepNowAndThen(now);

        if (LockedUntil(userKey, addressKey, pairKey, now) is { } until)
        {
            _logger.LogWarning("AUTH refused without checking: {User} from {Client} locked until {Until}", userKey, addressKey, until);
            return AuthOutcome.LockedOut(until);
        }

        var outcome = await _inner.AuthenticateAsync(user, password, client, ct).ConfigureAwait(false);
        now = _time.GetUtcNow();
        switch (outcome.Status)
        {
            case AuthStatus.Success:
                // A good login clears this account's count from this address and makes the address
                // one the account-wide lock spares; the address keeps its own count, so one valid
                // account cannot be used to reset guessing at others from the same place.
                _accountAtAddress.TryRemove(pairKey, out _);
                _trusted.GetOrAdd(userKey, _ => new TrustedAddresses()).Add(addressKey, now, TrustedAddressesPerAccount);
                break;
            case AuthStatus.Failed:
            case AuthStatus.Unavailable when outcome.RefusedByABackend:
                if (Record(_accountAtAddress, pairKey, _options.LockoutThreshold, now) is { } pairLock)
                    _logger.LogWarning("User {User} locked from {Client} until {Until} after {Count} failed logins", userKey, addressKey, pairLock, _options.LockoutThreshold);
                if (Record(_addresses, addressKey, _options.IpLockoutThreshold, now) is { } addressLock)
                    _logger.LogWarning("Client {Client} locked until {Until} after {Count} failed logins", addressKey, addressLock, _options.IpLockoutThreshold);
                if (Record(_accounts, userKey, _options.AccountLockoutThreshold, now) is { } accountLock)
                    _logger.LogWarning("User {User} locked from addresses it has not logged in from until {Until} after {Count} failed logins from anywhere",
                        userKey, accountLock, _options.AccountLockoutThreshold);
                break;
        }
        return outcome;
    }

    /// <summary>When the user is locked from this client address, until when; otherwise null.</summary>
    public DateTimeOffset? LockedUntil(string user, IPAddress client)
    {
        var userKey = UserNames.Key(user);
        var addressKey = ClientAddress.Key(client);
        return LockedUntil(userKey, addressKey, userKey + "\n" + addressKey, _time.GetUtcNow());
    }

    private DateTimeOffset? LockedUntil(string userKey, string addressKey, string pairKey, DateTimeOffset now)
    {
        var until = Max(LockedUntil(_accountAtAddress, pairKey, now), LockedUntil(_addresses, addressKey, now));
        if (LockedUntil(_accounts, userKey, now) is { } accountWide
            && !(_trusted.TryGetValue(userKey, out var trusted) && trusted.Contains(addressKey, now - _options.TrustedAddressMemory)))
            until = Max(until, accountWide);
        return until;
    }

    private static DateTimeOffset? LockedUntil(ConcurrentDictionary<string, FailureLog> logs, string key, DateTimeOffset now) =>
        logs.TryGetValue(key, out var log) ? log.LockedUntil(now) : null;

    private DateTimeOffset? Record(ConcurrentDictionary<string, FailureLog> logs, string key, int threshold, DateTimeOffset now) =>
        logs.GetOrAdd(key, _ => new FailureLog()).Fail(now, threshold, _options.LockoutWindow, _options.LockoutDuration);

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;

    // Forget idle entries from time to time so random user names do not grow memory without end.
    private void SweepNowAndThen(DateTimeOffset now)
    {
        if (Interlocked.Increment(ref _callsSinceSweep) % 512 != 0)
            return;
        foreach (var logs in new[] { _accountAtAddress, _addresses, _accounts })
        {
            foreach (var (key, log) in logs)
            {
                if (log.IsIdle(now, _options.LockoutWindow))
                    logs.TryRemove(key, out _);
            }
        }
        foreach (var (key, trusted) in _trusted)
        {
            if (trusted.IsEmptyAfterForgetting(now - _options.TrustedAddressMemory))
                _trusted.TryRemove(key, out _);
        }
    }

    /// <summary>Client addresses (keys) an account logged in from, and when last.</summary>
    private sealed class TrustedAddresses
    {
        private readonly Dictionary<string, DateTimeOffset> _lastSuccess = new(StringComparer.Ordinal);

        public void Add(string address, DateTimeOffset now, int max)
        {
            lock (_lastSuccess)
            {
                _lastSuccess[address] = now;
                if (_lastSuccess.Count > max)
                    _lastSuccess.Remove(_lastSuccess.MinBy(kv => kv.Value).Key);
            }
        }

        public bool Contains(string address, DateTimeOffset since)
        {
            lock (_lastSuccess)
                return _lastSuccess.TryGetValue(address, out var last) && last > since;
        }

        public bool IsEmptyAfterForgetting(DateTimeOffset since)
        {
            lock (_lastSuccess)
            {
                foreach (var (address, last) in _lastSuccess.ToList())
                {
                    if (last <= since)
                        _lastSuccess.Remove(address);
                }
                return _lastSuccess.Count == 0;
            }
        }
    }

    /// <summary>Failure times within the window, and the lock they caused.</summary>
    private sealed class FailureLog
    {
        private readonly Queue<DateTimeOffset> _failures = new();
        private DateTimeOffset _lockedUntil = DateTimeOffset.MinValue;

        public DateTimeOffset? LockedUntil(DateTimeOffset now)
        {
            lock (_failures)
                return _lockedUntil > now ? _lockedUntil : null;
        }

        /// <summary>Counts a failure; returns the lock end when this failure reached the threshold.</summary>
        public DateTimeOffset? Fail(DateTimeOffset now, int threshold, TimeSpan window, TimeSpan duration)
        {
            lock (_failures)
            {
                Prune(now, window);
                _failures.Enqueue(now);
                if (_failures.Count < threshold)
                    return null;
                _lockedUntil = now + duration;
                // The lock is the punishment; after it the count starts again from zero.
                _failures.Clear();
                return _lockedUntil;
            }
        }

        public bool IsIdle(DateTimeOffset now, TimeSpan window)
        {
            lock (_failures)
            {
                Prune(now, window);
                return _failures.Count == 0 && _lockedUntil <= now;
            }
        }

        private void Prune(DateTimeOffset now, TimeSpan window)
        {
            while (_failures.Count > 0 && _failures.Peek() <= now - window)
                _failures.Dequeue();
        }
    }
}
