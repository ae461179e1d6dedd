using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using GovGateway.Audit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovGateway.AuditQueries.Server;

/// <summary>
/// Serves audit queries from the running gateway, which owns the LiteDB file, over a Unix domain socket at
/// DATA/run/audit.sock. The run folder is created 0700 and the socket chmod 600: only the gateway's user may ask.
/// </summary>
internal sealed class AuditQueryServer : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    // Longest an answer waits for records still on their way into LiteDB; past it, the answer shows what is stored.
    private static readonly TimeSpan CatchUpLimit = TimeSpan.FromSeconds(5);
    private const int MaxConnections = 32;

    private readonly IAuditLog _log;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections);
    private CancellationTokenSource? _stop;
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    public AuditQueryServer(string dataDir, IAuditLog log, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _logger = logger ?? NullLogger.Instance;
        SocketPath = AuditProtocol.SocketPath(dataDir);
    }

    /// <summary>DATA/run/audit.sock.</summary>
    public string SocketPath { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_listener is not null) throw new InvalidOperationException("The audit query server is already started.");
        if (System.Text.Encoding.UTF8.GetByteCount(SocketPath) > 107)
            throw new InvalidOperationException($"Socket path '{SocketPath}' is longer than a Unix socket allows (107 bytes); use a shorter --data path.");

        string runDir = Path.GetDirectoryName(SocketPath)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(runDir);
        else Directory.CreateDirectory(runDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        if (File.Exists(SocketPath))
        {
            if (await new AuditClient(Path.GetDirectoryName(runDir)!, TimeSpan.FromSeconds(2)).PingAsync(cancellationToken).ConfigureAwait(false))
                throw new InvalidOperationException($"Another process already serves audit queries on {SocketPath}.");
            File.Delete(SocketPath); // left by a process that died
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(SocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        _stop = new CancellationTokenSource();
        _acceptLoop = Task.Run(() => AcceptLoopAsync(_stop.Token), CancellationToken.None);
        _logger.LogInformation("Audit query server listening on {Socket}", SocketPath);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is null || _stop is null) return;
        _stop.Cancel();
        _listener.Dispose();
        try { await _acceptLoop.WaitAsync(cancellationToken).ConfigureAwait(false); } catch (OperationCanceledException) { }
        try { await Task.WhenAll(_connections.Keys).WaitAsync(cancellationToken).ConfigureAwait(false); } catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException) { }
        try { File.Delete(SocketPath); } catch (IOException ex) { _logger.LogWarning(ex, "Could not remove {Socket}", SocketPath); }
        _listener = null;
        _stop.Dispose();
        _stop = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _slots.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                await _slots.WaitAsync(ct).ConfigureAwait(false);
                client = await _listener!.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (ct.IsCancellationRequested) return;
                _logger.LogWarning(ex, "Audit query server accept failed");
                _slots.Release();
                continue;
            }
            var task = HandleAsync(client, ct);
            _connections.TryAdd(task, 0);
            _ = task.ContinueWith(t => { _connections.TryRemove(t, out _); _slots.Release(); }, TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(Socket client, CancellationToken stopping)
    {
        // The timeout bounds a slow or silent client, not the work: verifying a large log may take minutes.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(RequestTimeout);
        await using var stream = new NetworkStream(client, ownsSocket: true);
        AuditResponse response;
        try
        {
            var line = await AuditProtocol.ReadLineAsync(stream, AuditProtocol.MaxRequestBytes, timeout.Token).ConfigureAwait(false);
            if (line is null) return;
            var request = JsonSerializer.Deserialize<AuditRequest>(line, AuditJson.Options)
                ?? throw new InvalidDataException("Empty request.");
            if (request.Op is "query" or "stats" or "verify") await CatchUpAsync(stopping).ConfigureAwait(false);
            if (request.Op == "admin")
            {
                // Who asked is what the kernel says of the socket's peer, not only what the client claims.
                await _log.RecordAdminAsync(request.Admin ?? throw new InvalidDataException("An admin request needs \"admin\"."), PeerUid(client), timeout.Token).ConfigureAwait(false);
                response = new AuditResponse { Ok = true, Recorded = true };
            }
            // LiteDB calls are synchronous; keep them off the accept loop.
            else response = await Task.Run(() => Execute(request), stopping).ConfigureAwait(false);
            timeout.CancelAfter(RequestTimeout);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or ArgumentException or NotSupportedException)
        {
            response = new AuditResponse { Ok = false, Error = ex.Message };
        }
        catch (AuditLogUnavailableException ex)
        {
            response = new AuditResponse { Ok = false, Error = "the audit log cannot record now: " + ex.Message };
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Audit query failed");
            response = new AuditResponse { Ok = false, Error = "audit query failed: " + ex.Message };
        }

        try
        {
            await AuditProtocol.WriteLineAsync(stream, response, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            _logger.LogDebug(ex, "Audit query client went away before the answer");
        }
    }

    /// <summary>
    /// Waits until every record journaled before the request is in LiteDB, so an auditor sees the message that was just
    /// answered (without this, records reach LiteDB up to Audit:CommitDelay + Audit:FlushInterval after their reply).
    /// </summary>
    private async Task CatchUpAsync(CancellationToken stopping)
    {
        try
        {
            await _log.FlushAsync(stopping).WaitAsync(CatchUpLimit, stopping).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Audit query answered from what LiteDB holds: the writer did not catch up within {Limit}", CatchUpLimit);
        }
        catch (ObjectDisposedException)
        {
            // The log is closing; what it stored is the answer.
        }
    }

    /// <summary>The connecting process's user id (SO_PEERCRED on Linux), or null where it cannot be had.</summary>
    private static uint? PeerUid(Socket client)
    {
        if (!OperatingSystem.IsLinux()) return null;
        Span<byte> cred = stackalloc byte[12]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        try
        {
            const int SolSocket = 1, SoPeerCred = 17;
            return client.GetRawSocketOption(SolSocket, SoPeerCred, cred) == 12 ? BitConverter.ToUInt32(cred[4..8]) : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private AuditResponse Execute(AuditRequest request) => request.Op switch
    {
        "ping" => new AuditResponse { Ok = true },
        "query" => new AuditResponse { Ok = true, Query = _log.Query(request.Query ?? new AuditQuery()) },
        "stats" => new AuditResponse { Ok = true, Stats = _log.Stats(request.Since, request.Until, TimeSpan.FromMinutes(request.DayOffsetMinutes ?? 0)) },
        "verify" => new AuditResponse { Ok = true, Verify = _log.Verify() },
        "rebuild-lookup" => new AuditResponse { Ok = true, Rebuilt = _log.RebuildLookup() },
        _ => new AuditResponse { Ok = false, Error = $"unknown op '{request.Op}' (expected query, stats, verify, rebuild-lookup, admin or ping)" },
    };
}
