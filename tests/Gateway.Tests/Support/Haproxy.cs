using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Support;

/// <summary>
/// Debian's HAProxy in front of gateway nodes, as deploy/cluster/haproxy.cfg sets it up: TCP mode, round robin,
/// send-proxy-v2 to every node, SMTP health checks (which HAProxy opens with a PROXY v2 LOCAL header).
/// Runs in the foreground of its own process with its configuration and stats socket in a temporary folder.
/// </summary>
public sealed class Haproxy : IAsyncDisposable
{
    private readonly string _dir;
    private Process? _process;
    private readonly StringBuilder _output = new();

    private Haproxy(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    /// <summary>The frontend's port on 127.0.0.1, where clients connect.</summary>
    public int Port { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }
    private string Socket => Path.Combine(_dir, "stats.sock");

    public static async Task<Haproxy> StartAsync(IReadOnlyList<(string Name, int Port)> nodes)
    {
        var haproxy = new Haproxy(TempFolders.Create("haproxy"), Ports.Free());
        var servers = string.Join("\n", nodes.Select(n => $"    server {n.Name} 127.0.0.1:{n.Port} send-proxy-v2 check inter 500ms fall 3 rise 1"));
        var config = $"""
            global
                stats socket {haproxy.Socket} level admin
            defaults
                mode tcp
                timeout connect 2s
                timeout client 2m
                timeout server 2m
                # A node's first sessions after start are slow on a loaded machine (JIT): do not call it down for that.
                timeout check 5s
                retries 3
                option redispatch
            frontend smtp
                bind 127.0.0.1:{haproxy.Port}
                default_backend gateways
            backend gateways
                balance roundrobin
                option smtpchk EHLO haproxy.test.gov.vn
            {servers}

            """;
        var file = Path.Combine(haproxy._dir, "haproxy.cfg");
        await File.WriteAllTextAsync(file, config);
        var psi = new ProcessStartInfo("haproxy") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-f", file, "-db" }) psi.ArgumentList.Add(a);
        haproxy._process = Process.Start(psi)!;
        haproxy._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (haproxy._output) haproxy._output.AppendLine(e.Data); };
        haproxy._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (haproxy._output) haproxy._output.AppendLine(e.Data); };
        haproxy._process.BeginOutputReadLine();
        haproxy._process.BeginErrorReadLine();
        try { await Ports.WaitUntilListeningAsync(haproxy.Port, TimeSpan.FromSeconds(20)); }
        catch (Exception) when (haproxy._process.HasExited) { throw new InvalidOperationException("haproxy exited at start: " + haproxy.Output); }
        return haproxy;
    }

    /// <summary>
    /// Each server's status and last health check as HAProxy sees them ("UP L7OK", "DOWN L4CON", ...), from "show stat"
    /// on the stats socket. A server is UP before its first check: L7OK is what says a check was answered.
    /// </summary>
    public async Task<Dictionary<string, string>> ServerStatusAsync()
    {
        using var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Socket));
        await socket.SendAsync("show stat\n"u8.ToArray());
        var all = new MemoryStream();
        var buffer = new byte[65536];
        int n;
        while ((n = await socket.ReceiveAsync(buffer)) > 0) all.Write(buffer, 0, n);
        var lines = Encoding.UTF8.GetString(all.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        int name = Array.IndexOf(header, "svname"), status = Array.IndexOf(header, "status"), check = Array.IndexOf(header, "check_status");
        return lines.Skip(1).Select(l => l.Split(',')).Where(f => f.Length > check && f[name] is not ("FRONTEND" or "BACKEND"))
            .ToDictionary(f => f[name], f => $"{f[status]} {f[check]}");
    }

    /// <summary>Waits until HAProxy says each of <paramref name="servers"/> is <paramref name="status"/> (e.g. "UP L7OK": up, its last check answered).</summary>
    public async Task WaitForStatusAsync(string status, TimeSpan timeout, params string[] servers)
    {
        var deadline = DateTime.UtcNow + timeout;
        Dictionary<string, string> seen = [];
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                seen = await ServerStatusAsync();
            }
            catch (SocketException) when (_process is { HasExited: false } && DateTime.UtcNow < deadline)
            {
                // The stats socket can appear a moment after the frontend's port, which is all StartAsync waits for.
                await Task.Delay(200);
                continue;
            }
            if (servers.All(s => seen.TryGetValue(s, out var st) && st.StartsWith(status, StringComparison.Ordinal))) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"HAProxy's servers did not become {status}: {string.Join(", ", seen.Select(kv => kv.Key + "=" + kv.Value))}\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            try { _process.Kill(); await _process.WaitForExitAsync(); } catch (InvalidOperationException) { /* exited */ }
            _process.Dispose();
            _process = null;
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
