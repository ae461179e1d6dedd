namespace GovGateway.Archive;

/// <summary>A request the archive cannot answer (no such document, an ambiguous id prefix, a hold that is not there). The message is bilingual (Vietnamese, then English).</summary>
public class ArchiveException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A document whose bytes no longer hash to its SHA-256 (changed on disk or in the table), or bytes given to store that do not match the hash they came with.</summary>
public sealed class ArchiveIntegrityException(string id, string actualSha256, string message)
    : ArchiveException(message)
{
    public string Id { get; } = id;
    public string ActualSha256 { get; } = actualSha256;
}
