using GovGateway.Policies;
using Microsoft.Extensions.Logging;

namespace GovGateway.Pipeline;

/// <summary>
/// The policy in force. The policy file and trust folder are watched; an edit that loads cleanly
/// replaces the policy, a bad edit is logged with its errors and the last good policy stays.
/// </summary>
internal sealed class PolicyHolder : IDisposable
{
    private readonly string _configDir;
    private readonly ICrlFetcher? _crlFetcher;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _debounce;
    private readonly Lock _reloadLock = new();
    private volatile Policy _current;
    // Set by a reload that failed, so the next good one says the policy is good again.
    private bool _lastReloadFailed;

    private PolicyHolder(string configDir, Policy initial, ILogger logger, bool watch, ICrlFetcher? crlFetcher)
    {
        _configDir = configDir;
        _crlFetcher = crlFetcher;
        _current = initial;
        _logger = logger;
        // Editors write a file in several steps; wait for the burst to end before reloading.
        _debounce = new Timer(_ => TryReload(), null, Timeout.Infinite, Timeout.Infinite);
        if (watch && Directory.Exists(configDir))
        {
            _watcher = new FileSystemWatcher(configDir)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName,
            };
            _watcher.Changed += OnChanged;
            _watcher.Created += OnChanged;
            _watcher.Deleted += OnChanged;
            _watcher.Renamed += OnChanged;
            _watcher.EnableRaisingEvents = true;
        }
    }

    public Policy Current => _current;

    /// <summary>When the policy in force was loaded (UTC).</summary>
    public DateTime LoadedUtc { get; private set; } = DateTime.UtcNow;

    /// <summary>The errors of the last reload that failed, and when; empty once a later reload succeeds.</summary>
    public (IReadOnlyList<PolicyError> Errors, DateTime TimeUtc) LastReloadFailure { get; private set; } = ([], default);

    /// <summary>Raised after a reload attempt: the errors, empty when the new policy took effect.</summary>
    public event Action<IReadOnlyList<PolicyError>>? Reloaded;

    /// <summary>Loads the policy; a policy with errors never takes effect, so start-up fails with them.</summary>
    /// <param name="crlFetcher">Fetches CRLs the trust folder and the documents lack (CrlFetch:Enabled); null keeps the gateway offline.</param>
    public static PolicyHolder Open(string configDir, ILogger logger, bool watch = true, ICrlFetcher? crlFetcher = null)
    {
        var result = PolicyLoader.Load(configDir, TimeProvider.System, crlFetcher);
        if (result.Policy is null || result.Errors.Count > 0)
            throw new PolicyLoadException(result.Errors);
        logger.LogInformation("Policy {Version} loaded from {ConfigDir}", result.Policy.Version, configDir);
        return new PolicyHolder(configDir, result.Policy, logger, watch, crlFetcher);
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        if (e.Name is null || e.Name.EndsWith("appsettings.json", StringComparison.OrdinalIgnoreCase)) return;
        _debounce.Change(TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
    }

    // A timer callback that throws ends the process: whatever goes wrong, the last good policy stays.
    public void TryReload()
    {
        try
        {
            Reload();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Policy reload failed unexpectedly; the policy {Version} stays in force", _current.Version);
        }
    }

    /// <summary>Reloads now; also called on SIGHUP.</summary>
    public IReadOnlyList<PolicyError> Reload()
    {
        lock (_reloadLock)
        {
            PolicyLoadResult result;
            try
            {
                result = PolicyLoader.Load(_configDir, TimeProvider.System, _crlFetcher);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogError("Policy reload failed: {Error}; the policy {Version} stays in force", ex.Message, _current.Version);
                _lastReloadFailed = true;
                var error = new[] { new PolicyError(Path.Combine(_configDir, "policy.yaml"), 0, 0, ex.Message) };
                LastReloadFailure = (error, DateTime.UtcNow);
                Reloaded?.Invoke(error);
                return error;
            }
            if (result.Policy is null || result.Errors.Count > 0)
            {
                foreach (var error in result.Errors)
                    _logger.LogError("Policy error {Error}", error.ToString());
                _logger.LogError("The edited policy has {Count} error(s) and was not used; policy {Version} stays in force", result.Errors.Count, _current.Version);
                _lastReloadFailed = true;
                LastReloadFailure = (result.Errors, DateTime.UtcNow);
                Reloaded?.Invoke(result.Errors);
                return result.Errors;
            }
            if (_lastReloadFailed)
                _logger.LogWarning("Policy {File} is valid again; policy {Version} is in force", result.Policy.Source, result.Policy.Version);
            else if (result.Policy.Version != _current.Version)
                _logger.LogInformation("Policy reloaded: {Old} -> {New}", _current.Version, result.Policy.Version);
            _lastReloadFailed = false;
            LastReloadFailure = ([], default);
            if (result.Policy.Version != _current.Version) LoadedUtc = DateTime.UtcNow;
            _current = result.Policy;
            Reloaded?.Invoke([]);
            return [];
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce.Dispose();
    }
}

internal sealed class PolicyLoadException(IReadOnlyList<PolicyError> errors)
    : Exception("The policy has errors and was not used:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
{
    public IReadOnlyList<PolicyError> Errors { get; } = errors;
}
