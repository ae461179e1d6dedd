using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovGateway.Access;

/// <summary>
/// Lockout after repeated failed logins, per user and per client address (provincial rule:
/// 12 failures lock the account). While a user or address is locked, AUTH fails without the
/// password being checked, so guessing stops costing the backend anything. Wraps any authenticator.
/// </summary>
public sealed class LoginGuard : IAuthenticator
{
    private readonly IAuthenticator _inner;
    private readonly AuthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, FailureLog> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FailureLog> _addresses = new(StringComparer.Ordinal);
    private int _callsSinceSweep;

    public LoginGuard(IAuthenticator inner, AuthOptions options, TimeProvider? time = null, ILogger<LoginGuard>? logger = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.LockoutThreshold < 1 || options.IpLockoutThreshold < 1)
            throw new ArgumentException("Access:Auth lockout thresholds must be at least 1.", nameof(options));
        if (options.LockoutWindow <= TimeSpan.Zero || options.LockoutDuration <= TimeSpan.Zero)
            throw new ArgumentException("Access:Auth LockoutWindow and LockoutDuration must be positive.", nameof(options));
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<LoginGuard>.Instance;
    }

    public async ValueTask<AuthOutcome> AuthenticateAsync(string user, string password, IPAddress client, CancellationToken ct)
    {
        var userKey = UserNames.Key(user);
        var addressKey = ClientAddress.Key(client);
        var now = _time.GetUtcNow();
        SweepNowAndThen(now);

        var lockedUntil = Max(LockedUntil(_users, userKey, now), LockedUntil(_addresses, addressKey, now));
        if (lockedUntil is { } until)
        {
            _logger.LogWarning("AUTH refused without checking: {User} from {Client} locked until {Until}", userKey, addressKey, until);
            return AuthOutcome.LockedOut(until);
        }

        var outcome = await _inner.AuthenticateAsync(user, password, client, ct).ConfigureAwait(false);
        now = _time.GetUtcNow();
        switch (outcome.Status)
        {
            case AuthStatus.Success:
                // A good login clears the user's record; the address keeps its count, so one valid
                // account cannot be used to reset guessing at others from the same place.
                _users.TryRemove(userKey, out _);
                break;
            case AuthStatus.Failed:
                if (Record(_users, userKey, _options.LockoutThreshold, now) is { } userLock)
                    _logger.LogWarning("User {User} locked until {Until} after {Count} failed logins", userKey, userLock, _options.LockoutThreshold);
                if (Record(_addresses, addressKey, _options.IpLockoutThreshold, now) is { } addressLock)
                    _logger.LogWarning("Client {Client} locked until {Until} after {Count} failed logins", addressKey, addressLock, _options.IpLockoutThreshold);
                break;
        }
        return outcome;
    }

    /// <summary>When the user or the address is locked, until when; otherwise null.</summary>
    public DateTimeOffset? LockedUntil(string user, IPAddress client)
    {
        var now = _time.GetUtcNow();
        return Max(LockedUntil(_users, UserNames.Key(user), now), LockedUntil(_addresses, ClientAddress.Key(client), now));
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
        foreach (var logs in new[] { _users, _addresses })
        {
            foreach (var (key, log) in logs)
            {
                if (log.IsIdle(now, _options.LockoutWindow))
                    logs.TryRemove(key, out _);
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
