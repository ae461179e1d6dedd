using System.Text;
using System.Text.Json;
using GovGateway.Audit;

namespace GovGateway.AuditQueries.Server;

/// <summary>
/// The query socket's protocol: one request per connection, one JSON object per line each way.
/// Request: {"op":"query"|"stats"|"verify"|"rebuild-lookup"|"admin"|"ping", "query":{...}, "since":..., "until":..., "admin":{...}}.
/// Response: {"ok":true, "query"|"stats"|"verify": {...} or "rebuilt": N} or {"ok":false, "error":"..."}.
/// </summary>
internal static class AuditProtocol
{
    public const int MaxRequestBytes = 1024 * 1024;

    /// <summary>DATA/run/audit.sock.</summary>
    public static string SocketPath(string dataDir) => Path.Combine(Path.GetFullPath(dataDir), "run", "audit.sock");

    public static async Task WriteLineAsync<T>(Stream stream, T message, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, AuditJson.Options);
        await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        await stream.WriteAsync("\n"u8.ToArray(), ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads up to the first newline; null when the peer closed first. Refuses lines over <paramref name="maxBytes"/>.</summary>
    public static async Task<string?> ReadLineAsync(Stream stream, int maxBytes, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            int n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false);
            if (n == 0) return buffer.Length == 0 ? null : Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            int newline = Array.IndexOf(chunk, (byte)'\n', 0, n);
            buffer.Write(chunk, 0, newline < 0 ? n : newline);
            if (buffer.Length > maxBytes) throw new InvalidDataException($"Message longer than {maxBytes} bytes.");
            if (newline >= 0) return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }
}

internal sealed class AuditRequest
{
    public string Op { get; set; } = "";
    /// <summary>Stats: the offset from UTC that the per-day counts' days begin at (the auditor's zone); 0 when absent.</summary>
    public int? DayOffsetMinutes { get; set; }
    public AuditQuery? Query { get; set; }
    public DateTime? Since { get; set; }
    public DateTime? Until { get; set; }
    /// <summary>"admin": an administrator's action to record before it takes effect.</summary>
    public AdminAction? Admin { get; set; }
}

internal sealed class AuditResponse
{
    public bool Ok { get; set; }
    public string? Error { get; set; }
    public AuditQueryResult? Query { get; set; }
    public AuditStats? Stats { get; set; }
    public AuditVerifyResult? Verify { get; set; }
    /// <summary>Transactions listed by a rebuild of the lookup blocks.</summary>
    public int? Rebuilt { get; set; }
    /// <summary>"admin": the action is durable in the journal.</summary>
    public bool? Recorded { get; set; }
}
