using GovGateway.AuditQueries.Server;
using System.Net.Sockets;
using System.Text.Json;
using GovGateway.Archive;
using GovGateway.Audit;

namespace GovGateway.Archiving;

/// <summary>What the archive verbs and pages ask of the archive, whether the running gateway answers or the store is opened here.</summary>
internal interface IArchiveAccess : IAsyncDisposable
{
    Task<ArchiveSearchResult> SearchAsync(ArchiveQuery query, CancellationToken ct);
    Task<ArchivedDocument?> FindAsync(string id, CancellationToken ct);
    Task<(ArchivedDocument Document, byte[] Bytes)> GetAsync(string id, CancellationToken ct);
    Task<ArchiveRegister> RegisterAsync(int year, string? issuer, CancellationToken ct);
    Task<IReadOnlyList<ArchivedDocument>> ExportAsync(DateTime? sinceUtc, DateTime? untilUtc, CancellationToken ct);
    /// <summary>The verified bytes of a document of the export just recorded.</summary>
    Task<byte[]> ExportFileAsync(string id, CancellationToken ct);
    Task<ArchivedDocument> HoldAsync(string id, string reason, CancellationToken ct);
    Task<ArchivedDocument> ReleaseAsync(string id, CancellationToken ct);
    Task<ArchivePurgeResult> PurgeAsync(bool dryRun, CancellationToken ct);
}

/// <summary>No gateway answers on the archive socket: the caller may open the store itself.</summary>
internal sealed class ArchiveServerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Asks a running gateway's <see cref="ArchiveServer"/> over DATA/run/archive.sock.</summary>
internal sealed class ArchiveClient(string dataDir, string user) : IArchiveAccess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public string SocketPath { get; } = ArchiveProtocol.SocketPath(dataDir);

    public async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            await SendAsync(new ArchiveRequest { Op = "ping" }, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is ArchiveServerUnavailableException or IOException or ArchiveException)
        {
            return false;
        }
    }

    public async Task<ArchiveSearchResult> SearchAsync(ArchiveQuery query, CancellationToken ct) =>
        (await SendAsync(new ArchiveRequest { Op = "search", Query = query }, ct).ConfigureAwait(false)).Response.Search ?? new ArchiveSearchResult();

    public async Task<ArchivedDocument?> FindAsync(string id, CancellationToken ct) =>
        (await SendAsync(new ArchiveRequest { Op = "show", Id = id }, ct).ConfigureAwait(false)).Response.Document;

    public async Task<(ArchivedDocument Document, byte[] Bytes)> GetAsync(string id, CancellationToken ct)
    {
        var (response, bytes) = await SendAsync(new ArchiveRequest { Op = "get", Id = id }, ct).ConfigureAwait(false);
        return (response.Document ?? throw new ArchiveException("The gateway's answer had no document."), bytes ?? []);
    }

    public async Task<ArchiveRegister> RegisterAsync(int year, string? issuer, CancellationToken ct) =>
        (await SendAsync(new ArchiveRequest { Op = "register", Year = year, Issuer = issuer }, ct).ConfigureAwait(false)).Response.Register ?? new ArchiveRegister { Year = year };

    public async Task<IReadOnlyList<ArchivedDocument>> ExportAsync(DateTime? sinceUtc, DateTime? untilUtc, CancellationToken ct) =>
        (await SendAsync(new ArchiveRequest { Op = "export", Since = sinceUtc, Until = untilUtc }, ct).ConfigureAwait(false)).Response.Documents ?? [];

    public async Task<byte[]> ExportFileAsync(string id, CancellationToken ct) =>
        (await SendAsync(new ArchiveRequest { Op = "export-file", Id = id }, ct).ConfigureAwait(false)).Bytes ?? [];

    public async Task<ArchivedDocument> HoldAsync(string id, string reason, CancellationToken ct) =>
        (await SendAsync(new ArchiveRequest { Op = "hold", Id = id, Reason = reason }, ct).ConfigureAwait(false)).Response.Document!;

    public async Task<ArchivedDocument> ReleaseAsync(string id, CancellationToken ct) =>
        (await SendAsync(new ArchiveRequest { Op = "release", Id = id }, ct).ConfigureAwait(false)).Response.Document!;

    public async Task<ArchivePurgeResult> PurgeAsync(bool dryRun, CancellationToken ct) =>
        (await SendAsync(new ArchiveRequest { Op = "purge", DryRun = dryRun }, ct).ConfigureAwait(false)).Response.Purge!;

    private async Task<(ArchiveResponse Response, byte[]? Bytes)> SendAsync(ArchiveRequest request, CancellationToken ct)
    {
        if (!File.Exists(SocketPath)) throw new ArchiveServerUnavailableException($"No archive socket at {SocketPath}.");
        request.User = user;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ArchiveServerUnavailableException($"No gateway answers on {SocketPath}: {ex.Message}", ex);
        }
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        await AuditProtocol.WriteLineAsync(stream, request, timeout.Token).ConfigureAwait(false);
        // The answer line is read byte by byte: the document's bytes follow it on the same stream.
        var line = await ReadLineAsync(stream, timeout.Token).ConfigureAwait(false)
                   ?? throw new IOException($"The gateway closed {SocketPath} without answering.");
        var response = JsonSerializer.Deserialize<ArchiveResponse>(line, AuditJson.Options) ?? throw new IOException("Empty answer from the gateway.");
        if (!response.Ok)
            throw response.ErrorKind switch
            {
                "integrity" => new ArchiveIntegrityException(request.Id ?? "", "", response.Error ?? ""),
                "not-recorded" => new ArchiveActionNotRecordedException(response.Error ?? "", new IOException(response.Error)),
                "not-found" => new ArchiveException(response.Error ?? ""),
                _ => new IOException(response.Error ?? "The gateway refused the request."),
            };
        byte[]? bytes = null;
        if (response.Length is { } length)
        {
            bytes = new byte[length];
            await stream.ReadExactlyAsync(bytes, timeout.Token).ConfigureAwait(false);
        }
        return (response, bytes);
    }

    private static async Task<string?> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, ct).ConfigureAwait(false) == 0)
                return buffer.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            if (one[0] == (byte)'\n') return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            buffer.WriteByte(one[0]);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The archive opened in this process (no gateway running), each action recorded in the audit log opened here too.</summary>
internal sealed class LocalArchiveAccess(ArchiveActions actions, ArchiveActor actor, Func<IAsyncDisposable?> audit) : IArchiveAccess
{
    public Task<ArchiveSearchResult> SearchAsync(ArchiveQuery query, CancellationToken ct) => Task.FromResult(actions.Archive.Search(query));
    public Task<ArchivedDocument?> FindAsync(string id, CancellationToken ct) => Task.FromResult(actions.Archive.Find(id));
    public Task<(ArchivedDocument Document, byte[] Bytes)> GetAsync(string id, CancellationToken ct) => actions.GetAsync(id, actor, ct);
    public Task<ArchiveRegister> RegisterAsync(int year, string? issuer, CancellationToken ct) => Task.FromResult(actions.Archive.Register(year, issuer));
    public Task<IReadOnlyList<ArchivedDocument>> ExportAsync(DateTime? sinceUtc, DateTime? untilUtc, CancellationToken ct) => actions.ExportAsync(sinceUtc, untilUtc, actor, ct);

    public async Task<byte[]> ExportFileAsync(string id, CancellationToken ct)
    {
        using var stream = actions.Archive.OpenVerified(id);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct).ConfigureAwait(false);
        return copy.ToArray();
    }

    public Task<ArchivedDocument> HoldAsync(string id, string reason, CancellationToken ct) => actions.HoldAsync(id, reason, actor, ct);
    public Task<ArchivedDocument> ReleaseAsync(string id, CancellationToken ct) => actions.ReleaseAsync(id, actor, ct);
    public Task<ArchivePurgeResult> PurgeAsync(bool dryRun, CancellationToken ct) => actions.PurgeAsync(dryRun, actor, ct: ct);

    public async ValueTask DisposeAsync()
    {
        actions.Archive.Dispose();
        if (audit() is { } opened) await opened.DisposeAsync().ConfigureAwait(false);
    }
}
