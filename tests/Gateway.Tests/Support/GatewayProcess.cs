using System.Diagnostics;
using System.Text;

namespace Gateway.Tests.Support;

/// <summary>
/// The gateway as its own process (`gateway run`), for what only a real process shows:
/// SIGKILL in the middle of traffic, and a restart on the same data folder.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly string[] _args;
    private readonly IDictionary<string, string> _environment;
    private Process? _process;
    private readonly StringBuilder _output = new();

    /// <param name="relayPort">The relay listener's port; null: a free one (give the old one to restart a node a load balancer points at).</param>
    public GatewayProcess(string configDir, string dataDir, IDictionary<string, string> settings, IDictionary<string, string>? environment = null, int? relayPort = null)
    {
        _environment = environment ?? new Dictionary<string, string>();
        RelayPort = relayPort ?? Ports.Free();
        var all = new Dictionary<string, string>
        {
            ["Smtp:HostName"] = "gw.test.gov.vn",
            ["Smtp:Listeners:Relay:Port"] = RelayPort.ToString(),
            ["Smtp:Listeners:Submission:Enabled"] = "false",
            ["Smtp:Listeners:Smtps:Enabled"] = "false",
            ["Console:Port"] = "0",
            ["Delivery:Upstream:Security"] = "None",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings) all[k] = v;
        _args = ["run", "--config", configDir, "--data", dataDir, .. all.Select(kv => $"--{kv.Key}={kv.Value}")];
    }

    public int RelayPort { get; }
    /// <summary>When set (e.g. "000"), the process starts under this umask, as a careless service manager might start it.</summary>
    public string? Umask { get; init; }
    public string Output { get { lock (_output) return _output.ToString(); } }
    public int? Pid => _process?.Id;

    public async Task StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "gateway.dll");
        var psi = new ProcessStartInfo(Umask is null ? "dotnet" : "/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Umask is not null)
            foreach (var a in new[] { "-c", $"umask {Umask} && exec dotnet \"$@\"", "sh" }) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(dll);
        foreach (var (name, value) in _environment) psi.Environment[name] = value;
        foreach (var a in _args) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await Ports.WaitUntilListeningAsync(RelayPort, TimeSpan.FromSeconds(30));
        }
        catch (Exception) when (_process.HasExited)
        {
            throw new InvalidOperationException("gateway exited at start: " + Output);
        }
    }

    /// <summary>SIGKILL: no chance to flush or finish anything.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM, as systemd stops it; waits for the graceful exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (_process is null) return 0;
        if (Kill(_process.Id, SigTerm) != 0)
            throw new InvalidOperationException("kill(SIGTERM) failed");
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        var code = _process.ExitCode;
        _process.Dispose();
        _process = null;
        return code;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
