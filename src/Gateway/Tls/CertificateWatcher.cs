using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace GovGateway.Tls;

/// <summary>
/// Keeps the served certificate current: reloads it when the certificate or key file changes (a
/// renewal by certbot or the agency's CA tooling writes new files) and on SIGHUP, and warns
/// <see cref="TlsSettings.ExpiryWarningDays"/> days before it expires, at start and once a day.
/// A reload that fails (half-written file, wrong key) is logged and the certificate in use stays.
/// </summary>
internal sealed class CertificateWatcher : IDisposable
{
    // A renewal writes the certificate and the key one after the other; wait until both are there.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private readonly Func<X509Certificate2> _load;
    private readonly Action<X509Certificate2> _apply;
    private readonly TlsSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly List<FileSystemWatcher> _watchers = new();
    private readonly ITimer _settleTimer;
    private readonly ITimer _dailyCheck;
    private readonly object _gate = new();

    public CertificateWatcher(X509Certificate2 current, Func<X509Certificate2> load, Action<X509Certificate2> apply,
        TlsSettings settings, IEnumerable<string> watchedFiles, ILogger logger, TimeProvider? time = null)
    {
        _load = load;
        _apply = apply;
        _settings = settings;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        Current = current;
        _settleTimer = _time.CreateTimer(_ => Reload("file change"), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _dailyCheck = _time.CreateTimer(_ => WarnIfExpiring(), null, TimeSpan.FromDays(1), TimeSpan.FromDays(1));
        foreach (var group in watchedFiles.Select(Path.GetFullPath).GroupBy(f => Path.GetDirectoryName(f)!))
        {
            if (!Directory.Exists(group.Key))
                continue;
            var names = group.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            // The folder, not the file: renewals usually replace files by rename (and Kubernetes secrets swap a symlink).
            var watcher = new FileSystemWatcher(group.Key) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime };
            FileSystemEventHandler changed = (_, e) => { if (e.Name is null || names.Contains(e.Name) || names.Contains(Path.GetFileName(e.FullPath))) Soon(); };
            watcher.Changed += changed;
            watcher.Created += changed;
            watcher.Renamed += (_, e) => { if (names.Contains(e.Name ?? "") || names.Contains(e.OldName ?? "")) Soon(); };
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        WarnIfExpiring();
    }

    /// <summary>The certificate being served.</summary>
    public X509Certificate2 Current { get; private set; }

    /// <summary>How many reloads have put a new certificate in service.</summary>
    public int Reloads { get; private set; }

    /// <summary>Loads the certificate again and serves it if it loads; <paramref name="reason"/> is logged.</summary>
    public bool Reload(string reason)
    {
        lock (_gate)
        {
            X509Certificate2 fresh;
            try
            {
                fresh = _load();
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException
                                           or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                _logger.LogError("TLS certificate reload ({Reason}) failed, still serving {Subject} (expires {NotAfter:u}): {Error}",
                    reason, Current.Subject, Current.NotAfter.ToUniversalTime(), ex.Message);
                return false;
            }
            if (fresh.Thumbprint == Current.Thumbprint)
            {
                fresh.Dispose();
                return false;
            }
            _apply(fresh);
            Current = fresh;
            Reloads++;
            _logger.LogWarning("TLS certificate reloaded ({Reason}): now serving {Subject} (expires {NotAfter:u})",
                reason, fresh.Subject, fresh.NotAfter.ToUniversalTime());
            WarnIfExpiring();
            return true;
        }
    }

    /// <summary>Logs a warning when the served certificate expires within the configured days; true if it did.</summary>
    public bool WarnIfExpiring()
    {
        var current = Current;
        var left = new DateTimeOffset(current.NotAfter.ToUniversalTime(), TimeSpan.Zero) - _time.GetUtcNow();
        if (left > TimeSpan.FromDays(_settings.ExpiryWarningDays))
            return false;
        if (left <= TimeSpan.Zero)
            _logger.LogError("TLS certificate {Subject} EXPIRED on {NotAfter:u}: clients refuse it. Renew it; the gateway reloads the files when they change.",
                current.Subject, current.NotAfter.ToUniversalTime());
        else
            _logger.LogWarning("TLS certificate {Subject} expires on {NotAfter:u}, in {Days:F0} days: renew it (Smtp:Tls:ExpiryWarningDays = {Warn}).",
                current.Subject, current.NotAfter.ToUniversalTime(), left.TotalDays, _settings.ExpiryWarningDays);
        return true;
    }

    private void Soon() => _settleTimer.Change(Settle, Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        foreach (var watcher in _watchers)
            watcher.Dispose();
        _settleTimer.Dispose();
        _dailyCheck.Dispose();
    }
}
