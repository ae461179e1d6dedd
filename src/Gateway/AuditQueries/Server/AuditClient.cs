using System.Net.Sockets;
using System.Text.Json;
using GovGateway.Audit;

namespace GovGateway.AuditQueries.Server;

/// <summary>Asks a running gateway's <see cref="AuditQueryServer"/> over DATA/run/audit.sock. The timeout (default 30 minutes) covers a full verify of a large log.</summary>
internal sealed class AuditClient(string dataDir, TimeSpan? timeout = null)
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromMinutes(30);

    public string SocketPath { get; } = AuditProtocol.SocketPath(dataDir);

    /// <summary>True when a gateway answers on the socket.</summary>
    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        try
        {
            await SendAsync(new AuditRequest { Op = "ping" }, ct).ConfigureAwait(false);
            return true;
        }
        catch (AuditServerUnavailableException)
        {
            return false;
        }
    }

    /// <exception cref="AuditServerUnavailableException">No gateway answers on the socket.</exception>
    /// <exception cref="AuditServerException">The gateway refused the request.</exception>
    public async Task<AuditQueryResult> QueryAsync(AuditQuery query, CancellationToken ct = default) =>
        (await SendAsync(new AuditRequest { Op = "query", Query = query }, ct).ConfigureAwait(false)).Query
        ?? throw new AuditServerException("The gateway's answer had no query result.");

    public Task<AuditStats> StatsAsync(DateTime? since, DateTime? until, CancellationToken ct = default) =>
        StatsAsync(since, until, TimeSpan.Zero, ct);

    /// <param name="dayOffset">Per-day counts are of days starting at midnight at this offset from UTC.</param>
    public async Task<AuditStats> StatsAsync(DateTime? since, DateTime? until, TimeSpan dayOffset, CancellationToken ct = default) =>
        (await SendAsync(new AuditRequest { Op = "stats", Since = since, Until = until, DayOffsetMinutes = (int)dayOffset.TotalMinutes }, ct).ConfigureAwait(false)).Stats
        ?? throw new AuditServerException("The gateway's answer had no statistics.");

    public async Task<AuditVerifyResult> VerifyAsync(CancellationToken ct = default) =>
        (await SendAsync(new AuditRequest { Op = "verify" }, ct).ConfigureAwait(false)).Verify
        ?? throw new AuditServerException("The gateway's answer had no verification result.");

    public async Task<int> RebuildLookupAsync(CancellationToken ct = default) =>
        (await SendAsync(new AuditRequest { Op = "rebuild-lookup" }, ct).ConfigureAwait(false)).Rebuilt
        ?? throw new AuditServerException("The gateway's answer had no rebuild count.");

    /// <summary>Has the running gateway record an administrator's action (durable on return); the gateway adds the caller's uid.</summary>
    public async Task RecordAdminAsync(AdminAction action, CancellationToken ct = default)
    {
        if ((await SendAsync(new AuditRequest { Op = "admin", Admin = action }, ct).ConfigureAwait(false)).Recorded != true)
            throw new AuditServerException("The gateway did not confirm the record.");
    }

    private async Task<AuditResponse> SendAsync(AuditRequest request, CancellationToken ct)
    {
        if (!File.Exists(SocketPath)) throw new AuditServerUnavailableException($"No audit socket at {SocketPath}.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new AuditServerUnavailableException($"No gateway answers on {SocketPath}: {ex.Message}", ex);
        }

        await using var stream = new NetworkStream(socket, ownsSocket: true);
        string? line;
        try
        {
            await AuditProtocol.WriteLineAsync(stream, request, timeout.Token).ConfigureAwait(false);
            line = await AuditProtocol.ReadLineAsync(stream, int.MaxValue / 2, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AuditServerException($"The gateway did not answer on {SocketPath} within {_timeout}.");
        }
        catch (IOException ex)
        {
            throw new AuditServerException($"The connection to {SocketPath} failed: {ex.Message}", ex);
        }
        if (line is null) throw new AuditServerException($"The gateway closed {SocketPath} without answering.");

        AuditResponse response;
        try
        {
            response = JsonSerializer.Deserialize<AuditResponse>(line, AuditJson.Options) ?? throw new AuditServerException("Empty answer from the gateway.");
        }
        catch (JsonException ex)
        {
            throw new AuditServerException($"Unreadable answer from the gateway: {ex.Message}", ex);
        }
        if (!response.Ok) throw new AuditServerException(response.Error ?? "The gateway refused the request.");
        return response;
    }
}

/// <summary>No gateway answers on the audit socket: the caller may open the database itself.</summary>
internal sealed class AuditServerUnavailableException : Exception
{
    public AuditServerUnavailableException(string message) : base(message) { }
    public AuditServerUnavailableException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The gateway answered but refused or failed the request.</summary>
internal sealed class AuditServerException : Exception
{
    public AuditServerException(string message) : base(message) { }
    public AuditServerException(string message, Exception inner) : base(message, inner) { }
}
