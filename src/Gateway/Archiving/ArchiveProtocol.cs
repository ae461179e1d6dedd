using GovGateway.Archive;

namespace GovGateway.Archiving;

/// <summary>
/// The archive socket's protocol (DATA/run/archive.sock, 0600 in the 0700 run folder): one request per connection, one
/// JSON line each way, like the audit socket. The answer to "get" and "export-file" is followed by exactly
/// <see cref="ArchiveResponse.Length"/> bytes of the document.
/// </summary>
internal static class ArchiveProtocol
{
    public const int MaxRequestBytes = 64 * 1024;

    public static string SocketPath(string dataDir) => Path.Combine(Path.GetFullPath(dataDir), "run", "archive.sock");

    public static readonly string[] Ops = ["ping", "search", "show", "get", "register", "export", "export-file", "hold", "release", "purge"];
}

internal sealed class ArchiveRequest
{
    public string Op { get; set; } = "";
    public ArchiveQuery? Query { get; set; }
    public string? Id { get; set; }
    public string? Reason { get; set; }
    public int Year { get; set; }
    public string? Issuer { get; set; }
    public DateTime? Since { get; set; }
    public DateTime? Until { get; set; }
    public bool DryRun { get; set; }
    /// <summary>The OS user as the verb saw it; the gateway adds the uid it reads from the socket.</summary>
    public string? User { get; set; }
}

internal sealed class ArchiveResponse
{
    public bool Ok { get; set; }
    public string? Error { get; set; }
    /// <summary>"not-found", "integrity", "not-recorded" or "failed" with <see cref="Error"/>.</summary>
    public string? ErrorKind { get; set; }
    public ArchiveSearchResult? Search { get; set; }
    public ArchivedDocument? Document { get; set; }
    public ArchiveRegister? Register { get; set; }
    public List<ArchivedDocument>? Documents { get; set; }
    public ArchivePurgeResult? Purge { get; set; }
    /// <summary>Bytes of the document following the answer line.</summary>
    public long? Length { get; set; }
}
