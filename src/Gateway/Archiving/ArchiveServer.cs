using GovGateway.AuditQueries.Server;
using System.Net.Sockets;
using System.Text.Json;
using GovGateway.Archive;
using GovGateway.Audit;
using Microsoft.Extensions.Logging;

namespace GovGateway.Archiving;

/// <summary>
/// Answers `gateway archive` verbs from the running gateway, which owns the embedded store (LiteDB and the Lucene index
/// take one process at a time), over DATA/run/archive.sock: the socket is 0600 in the 0700 run folder, so only the
/// gateway's user may ask; who asked is what the kernel says of the peer (its uid), recorded with each action.
/// </summary>
internal sealed class ArchiveServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);
    private readonly ArchiveActions _actions;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task _accept = Task.CompletedTask;

    public ArchiveServer(string dataDir, ArchiveActions actions, ILogger<ArchiveServer> logger)
    {
        _actions = actions;
        _logger = logger;
        SocketPath = ArchiveProtocol.SocketPath(dataDir);
    }

    public string SocketPath { get; }

    public async Task StartAsync(CancellationToken ct)
    {
        var runDir = Path.GetDirectoryName(SocketPath)!;
        FileSystem.PrivateFiles.CreateDirectory(runDir);
        if (File.Exists(SocketPath))
        {
            if (await new ArchiveClient(Path.GetDirectoryName(runDir)!, "ping").PingAsync(ct).ConfigureAwait(false))
                throw new InvalidOperationException($"Another process already serves the archive on {SocketPath}.");
            File.Delete(SocketPath); // left by a process that died
        }
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(SocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        _accept = Task.Run(() => AcceptAsync(_stop.Token), CancellationToken.None);
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener!.AcceptAsync(ct).ConfigureAwait(false); }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (ct.IsCancellationRequested) return;
                continue;
            }
            _ = Task.Run(() => HandleAsync(client, ct), CancellationToken.None);
        }
    }

    private async Task HandleAsync(Socket client, CancellationToken stopping)
    {
        await using var stream = new NetworkStream(client, ownsSocket: true);
        ArchiveResponse response;
        byte[]? bytes = null;
        try
        {
            using var read = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            read.CancelAfter(ReadTimeout);
            var line = await AuditProtocol.ReadLineAsync(stream, ArchiveProtocol.MaxRequestBytes, read.Token).ConfigureAwait(false);
            if (line is null) return;
            var request = JsonSerializer.Deserialize<ArchiveRequest>(line, AuditJson.Options) ?? throw new InvalidDataException("Empty request.");
            var actor = new ArchiveActor(string.IsNullOrWhiteSpace(request.User) ? "unknown" : request.User.Trim(), PeerUid(client), null, "gateway archive");
            (response, bytes) = await ExecuteAsync(request, actor, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception ex)
        {
            response = Failure(ex);
            if (response.ErrorKind == "failed") _logger.LogError(ex, "Archive request failed");
        }
        try
        {
            if (bytes is not null) response.Length = bytes.Length;
            await AuditProtocol.WriteLineAsync(stream, response, stopping).ConfigureAwait(false);
            if (bytes is not null) await stream.WriteAsync(bytes, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            _logger.LogDebug(ex, "Archive client went away before the answer");
        }
    }

    internal static ArchiveResponse Failure(Exception ex) => ex switch
    {
        ArchiveIntegrityException => new ArchiveResponse { Error = ex.Message, ErrorKind = "integrity" },
        ArchiveActionNotRecordedException => new ArchiveResponse { Error = ex.Message, ErrorKind = "not-recorded" },
        ArchiveException or ArgumentException or JsonException or InvalidDataException => new ArchiveResponse { Error = ex.Message, ErrorKind = "not-found" },
        _ => new ArchiveResponse { Error = "Lỗi kho lưu trữ / archive failure: " + ex.Message, ErrorKind = "failed" },
    };

    private async Task<(ArchiveResponse, byte[]?)> ExecuteAsync(ArchiveRequest r, ArchiveActor actor, CancellationToken ct)
    {
        var archive = _actions.Archive;
        // The stores' calls are synchronous; keep them off the accept loop's thread.
        switch (r.Op)
        {
            case "ping":
                return (new ArchiveResponse { Ok = true }, null);
            case "search":
                return (new ArchiveResponse { Ok = true, Search = await Task.Run(() => archive.Search(r.Query ?? new ArchiveQuery()), ct).ConfigureAwait(false) }, null);
            case "show":
                return (new ArchiveResponse { Ok = true, Document = archive.Find(r.Id ?? "") }, null);
            case "get":
                var (document, bytes) = await _actions.GetAsync(r.Id ?? "", actor, ct).ConfigureAwait(false);
                return (new ArchiveResponse { Ok = true, Document = document }, bytes);
            case "register":
                return (new ArchiveResponse { Ok = true, Register = await Task.Run(() => archive.Register(r.Year, r.Issuer), ct).ConfigureAwait(false) }, null);
            case "export":
                return (new ArchiveResponse { Ok = true, Documents = (await _actions.ExportAsync(r.Since, r.Until, actor, ct).ConfigureAwait(false)).ToList() }, null);
            case "export-file":
                // Part of an export the "export" request recorded; the bytes are checked as for "get".
                using (var stream = archive.OpenVerified(r.Id ?? ""))
                using (var copy = new MemoryStream())
                {
                    await stream.CopyToAsync(copy, ct).ConfigureAwait(false);
                    return (new ArchiveResponse { Ok = true }, copy.ToArray());
                }
            case "hold":
                return (new ArchiveResponse { Ok = true, Document = await _actions.HoldAsync(r.Id ?? "", r.Reason ?? "", actor, ct).ConfigureAwait(false) }, null);
            case "release":
                return (new ArchiveResponse { Ok = true, Document = await _actions.ReleaseAsync(r.Id ?? "", actor, ct).ConfigureAwait(false) }, null);
            case "purge":
                return (new ArchiveResponse { Ok = true, Purge = await _actions.PurgeAsync(r.DryRun, actor, ct: ct).ConfigureAwait(false) }, null);
            default:
                return (new ArchiveResponse { Error = $"unknown op '{r.Op}' (expected {string.Join(", ", ArchiveProtocol.Ops)})", ErrorKind = "not-found" }, null);
        }
    }

    /// <summary>The connecting process's user id (SO_PEERCRED on Linux), or null where it cannot be had.</summary>
    private static uint? PeerUid(Socket client)
    {
        if (!OperatingSystem.IsLinux()) return null;
        Span<byte> cred = stackalloc byte[12];
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

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        _listener?.Dispose();
        try { await _accept.ConfigureAwait(false); } catch (OperationCanceledException) { }
        if (_listener is not null)
        {
            try { File.Delete(SocketPath); } catch (IOException) { }
        }
        _stop.Dispose();
    }
}
