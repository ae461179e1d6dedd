namespace GovGateway.Archive;

/// <summary>
/// The archive of official documents: each document's bytes kept once per SHA-256, its Decree 30 metadata, its text
/// (indexed, Vietnamese folded) and every exchange it took part in. Implemented by an embedded store (files, LiteDB,
/// Lucene) and a PostgreSQL store; <see cref="DocumentArchive.Open"/> chooses by Audit:Store. Thread-safe.
/// </summary>
public interface IDocumentArchive : IDisposable
{
    /// <summary>
    /// Stores the document's bytes once per SHA-256 (the given hash is checked against the bytes: a mismatch throws
    /// <see cref="ArchiveIntegrityException"/>), its metadata, its text and the exchange. Idempotent per (sha256,
    /// exchange queue id, direction): storing the same exchange twice changes nothing. Returns whether the document was new.
    /// </summary>
    Task<bool> StoreAsync(ArchiveItem item, Stream content, CancellationToken ct = default);

    /// <summary>Text and filters; newest exchange first when there is no text, else by score.</summary>
    ArchiveSearchResult Search(ArchiveQuery query);

    /// <summary>The document by its SHA-256 hex or a unique prefix of at least 8 hex digits; null when none. An ambiguous prefix throws <see cref="ArchiveException"/>.</summary>
    ArchivedDocument? Find(string id);

    /// <summary>The original bytes, read whole and checked; <see cref="ArchiveIntegrityException"/> when they no longer hash to the id, <see cref="ArchiveException"/> when there is no such document.</summary>
    Stream OpenVerified(string id);

    /// <summary>The register of one year (by promulgation date; the first exchange's year when the document states none), per issuer, by number.</summary>
    ArchiveRegister Register(int year, string? issuer);

    /// <summary>Documents with an exchange in [since, until), oldest first, for export.</summary>
    IEnumerable<ArchivedDocument> List(DateTime? sinceUtc, DateTime? untilUtc);

    /// <summary>Puts the document under legal hold: purge never removes it. <see cref="ArchiveException"/> when there is no such document.</summary>
    void Hold(string id, string reason, string by);

    /// <summary>Lifts the hold. <see cref="ArchiveException"/> when there is no such document or it is not held.</summary>
    void ReleaseHold(string id, string by);

    /// <summary>Removes (or with <paramref name="dryRun"/> only lists) documents past their retention whose last exchange is older than it and that are not held.</summary>
    ArchivePurgeResult Purge(ArchiveRetention retention, DateTime nowUtc, bool dryRun);

    /// <summary>Documents, bytes and index size, for metrics and the console.</summary>
    ArchiveStats Stats();
}
