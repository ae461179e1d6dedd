using System.Globalization;
using Microsoft.Extensions.Logging;

namespace GovGateway.Audit;

/// <summary>
/// What the audit writer tells the operator while its store cannot take records. PostgreSQL being away is an outage,
/// not a bug: one warning when it starts, with the reason and no stack trace; a reminder at most every
/// <see cref="RepeatEvery"/> with the backlog; one information line once the records that waited are stored, saying
/// how long the store was away and how many records it then took. The embedded store failing is a fault of this
/// machine (disk full, I/O error), so its first failure is an error with the exception. Every failure is also logged
/// at Debug level with its exception, for whoever needs the stack.
/// </summary>
internal sealed class StoreOutageLog(ILogger logger, string store, bool shared, TimeProvider? time = null)
{
    /// <summary>The longest the log stays silent about an outage that goes on.</summary>
    public static readonly TimeSpan RepeatEvery = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private DateTimeOffset? _since;
    private DateTimeOffset _lastWarning;
    private TimeSpan? _away;
    private long _appliedAtStart;
    private long? _drainTarget;

    /// <summary>A batch could not be stored. <paramref name="applied"/>: the last entry the store holds.</summary>
    public void Failed(Exception ex, long backlog, long applied)
    {
        var now = _time.GetUtcNow();
        logger.LogDebug(ex, "Audit store {Store} failed to take a batch", store);
        _drainTarget = null;
        _away = null;
        if (_since is not { } since)
        {
            _since = now;
            _lastWarning = now;
            _appliedAtStart = applied;
            if (shared)
                logger.LogWarning("Audit store {Store} is unreachable: {Reason}. Mail is still accepted: records wait in the journal ({Backlog} now) and are stored when it answers again",
                    store, Reason(ex), backlog);
            else
                logger.LogError(ex, "Audit store {Store} failed to store records: {Reason}; retrying; {Backlog} records wait in the journal", store, Reason(ex), backlog);
            return;
        }
        if (now - _lastWarning < RepeatEvery) return;
        _lastWarning = now;
        logger.LogWarning("Audit store {Store} still unreachable after {Duration}: {Reason}; {Backlog} records wait in the journal",
            store, Duration(now - since), Reason(ex), backlog);
    }

    /// <summary>A batch was stored up to <paramref name="applied"/>; <paramref name="journaled"/> is the last entry the journal holds now.</summary>
    public void Stored(long applied, long journaled)
    {
        if (_since is not { } since) return;
        _away ??= _time.GetUtcNow() - since;
        // What the journal held when the store answered again is the backlog of the outage: once it is stored, say so.
        _drainTarget ??= journaled;
        if (applied < _drainTarget) return;
        logger.LogInformation(shared
                ? "Audit store {Store} is reachable again after {Duration}; {Shipped} records that waited in the journal are stored"
                : "Audit store {Store} takes records again after {Duration}; {Shipped} records that waited in the journal are stored",
            store, Duration(_away.Value), applied - _appliedAtStart);
        _since = null;
        _away = null;
        _drainTarget = null;
    }

    /// <summary>The messages of the exception and its causes, once each ("Failed to connect to 10.0.0.20:5432: Connection refused").</summary>
    public static string Reason(Exception ex)
    {
        var parts = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            var message = e.Message.Trim().TrimEnd('.');
            if (message.Length > 0 && !parts.Any(p => p.Contains(message, StringComparison.Ordinal))) parts.Add(message);
        }
        return parts.Count == 0 ? ex.GetType().Name : string.Join(": ", parts);
    }

    private static string Duration(TimeSpan d) => d.TotalSeconds < 60
        ? d.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s"
        : d.TotalMinutes < 60
            ? $"{(int)d.TotalMinutes} min {d.Seconds} s"
            : $"{(int)d.TotalHours} h {d.Minutes} min";
}
