using GovGateway.Archive;
using GovGateway.Audit;

namespace GovGateway.Archiving;

/// <summary>Who asks: the OS user of a `gateway archive` verb (with the uid the gateway read from its socket), or a console account.</summary>
/// <param name="User">The OS user ("root (sudo by an)") or the console account.</param>
/// <param name="Uid">The OS user id the recorder checked; null for the console.</param>
/// <param name="ClientIp">Where a console request came from; null for a verb.</param>
/// <param name="Via">"gateway archive" or "console".</param>
internal sealed record ArchiveActor(string User, uint? Uid, string? ClientIp, string Via)
{
    public string Describe() => Uid is { } uid ? $"{User} (uid {uid})" : User;
}

/// <summary>
/// The archive's actions that read out or change what it keeps — get (the verified bytes), export, hold, release, purge —
/// each recorded in the audit chain before it is carried out (if the log cannot record it, it is not done), as a record
/// with the decision "console", listener "archive", the person in MAIL FROM and login, the action in Subject, the
/// outcome in the reply, and the documents concerned (name, SHA-256, size, class, number/notation and the Decree 30
/// metadata) as its attachments: after a purge the chain still holds what was removed.
/// </summary>
internal sealed class ArchiveActions
{
    public const string Listener = "archive";

    private readonly IDocumentArchive archive;
    private readonly ArchiveRetention retention;
    private readonly Func<CancellationToken, Task<IAuditWriter?>> _audit;
    private Task<IAuditWriter?>? _opened;

    public ArchiveActions(IDocumentArchive archive, IAuditWriter? audit, ArchiveRetention retention)
        : this(archive, _ => Task.FromResult(audit), retention)
    {
    }

    /// <param name="openAudit">Opens the audit log when the first action is recorded (a verb that only searches never opens it).</param>
    public ArchiveActions(IDocumentArchive archive, Func<CancellationToken, Task<IAuditWriter?>> openAudit, ArchiveRetention retention)
    {
        this.archive = archive;
        this.retention = retention;
        _audit = openAudit;
    }

    public IDocumentArchive Archive => archive;

    /// <summary>The document's original bytes, checked against its SHA-256 (<see cref="ArchiveIntegrityException"/> when they changed).</summary>
    public async Task<(ArchivedDocument Document, byte[] Bytes)> GetAsync(string id, ArchiveActor actor, CancellationToken ct = default)
    {
        var document = Require(id);
        await RecordAsync(actor, $"archive get {document.Id}", "read", [document], ct).ConfigureAwait(false);
        using var stream = archive.OpenVerified(document.Id);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct).ConfigureAwait(false);
        return (document, copy.ToArray());
    }

    /// <summary>The documents exchanged in [since, until), recorded as exported.</summary>
    public async Task<IReadOnlyList<ArchivedDocument>> ExportAsync(DateTime? sinceUtc, DateTime? untilUtc, ArchiveActor actor, CancellationToken ct = default)
    {
        var documents = archive.List(sinceUtc, untilUtc).ToList();
        await RecordAsync(actor, $"archive export --since {sinceUtc:O} --until {untilUtc:O}", $"{documents.Count} documents", documents, ct).ConfigureAwait(false);
        return documents;
    }

    public async Task<ArchivedDocument> HoldAsync(string id, string reason, ArchiveActor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new ArchiveException("Cần nêu lý do giữ văn bản (--reason). / A legal hold needs a reason (--reason).");
        var document = Require(id);
        await RecordAsync(actor, $"archive hold {document.Id} --reason {reason.Trim()}", "held", [document], ct).ConfigureAwait(false);
        archive.Hold(document.Id, reason.Trim(), actor.Describe());
        return archive.Find(document.Id)!;
    }

    public async Task<ArchivedDocument> ReleaseAsync(string id, ArchiveActor actor, CancellationToken ct = default)
    {
        var document = Require(id);
        if (document.Hold is null)
            throw new ArchiveException($"Văn bản {document.Id} không bị giữ. / Document {document.Id} is not under legal hold.");
        await RecordAsync(actor, $"archive release {document.Id}", "hold released", [document], ct).ConfigureAwait(false);
        archive.ReleaseHold(document.Id, actor.Describe());
        return archive.Find(document.Id)!;
    }

    /// <summary>
    /// Removes what is past its retention and not held. The audit record listing each document to remove (its metadata and
    /// hash) is written first; a dry run only lists them and records nothing.
    /// </summary>
    public async Task<ArchivePurgeResult> PurgeAsync(bool dryRun, ArchiveActor actor, DateTime? nowUtc = null, CancellationToken ct = default)
    {
        var now = nowUtc ?? DateTime.UtcNow;
        var plan = archive.Purge(retention, now, dryRun: true);
        if (dryRun || plan.Removed.Count == 0) return plan;
        var planned = plan.Removed.Select(p => new ArchivedDocument
        {
            Id = p.Sha256, Size = p.Size, Class = p.Class, FileName = p.FileName, Document = p.Document,
        }).ToList();
        await RecordAsync(actor, "archive purge", $"{planned.Count} documents removed (past retention, not held)", planned, ct).ConfigureAwait(false);
        return archive.Purge(retention, now, dryRun: false);
    }

    private ArchivedDocument Require(string id) =>
        archive.Find(id?.Trim() ?? "") ?? throw new ArchiveException(
            $"Không có văn bản '{id}' trong kho lưu trữ (mã là SHA-256, hoặc ít nhất 8 ký tự đầu). / No document '{id}' in the archive (the id is its SHA-256, or at least its first 8 hex digits).");

    /// <summary>Writes the record (in chunks of the record's attachment limit) before the action; throws when the log cannot.</summary>
    private async Task RecordAsync(ArchiveActor actor, string asked, string answer, IReadOnlyList<ArchivedDocument> documents, CancellationToken ct)
    {
        IAuditWriter? audit;
        try
        {
            audit = await (_opened ??= _audit(ct)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or AuditLogUnavailableException or UnauthorizedAccessException or InvalidOperationException)
        {
            _opened = null;
            throw new ArchiveActionNotRecordedException(
                $"Không mở được nhật ký kiểm toán nên không thực hiện. / The audit log could not be opened to record this, so it was not done: {ex.Message}", ex);
        }
        if (audit is null) return; // Audit:Enabled=false: nothing is recorded anywhere, by the administrator's choice
        var chunks = documents.Count == 0 ? [[]] : documents.Chunk(AuditRecordLimits.MaxAttachments).ToList();
        foreach (var chunk in chunks)
        {
            var record = new AuditTransaction
            {
                Id = AuditRecordId.New(),
                TimeUtc = DateTime.UtcNow,
                Decision = AuditDecisions.Console,
                Listener = Listener,
                MailFrom = actor.User,
                AuthenticatedUser = actor.User,
                ClientIp = actor.ClientIp,
                Subject = $"{actor.Via}: {asked}",
                SmtpReply = chunks.Count > 1 ? $"{answer} ({chunk.Length} in this record) by {actor.Describe()}" : $"{answer} by {actor.Describe()}",
                Classes = chunk.Select(d => d.Class).OfType<string>().Distinct().ToList(),
                Attachments = chunk.Select(d => new AuditAttachment
                {
                    Name = d.FileName,
                    Sha256 = d.Id,
                    Size = d.Size,
                    Class = d.Class,
                    Symbol = d.Document.CodeNumber is null && d.Document.CodeNotation is null ? null : $"{d.Document.CodeNumber}/{d.Document.CodeNotation}",
                    Document = d.Document,
                }).ToList(),
            };
            try
            {
                await audit.AppendAsync(record, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuditLogUnavailableException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                throw new ArchiveActionNotRecordedException(
                    $"Không ghi được vào nhật ký kiểm toán nên không thực hiện. / The audit log could not record this, so it was not done: {ex.Message}", ex);
            }
        }
    }
}

/// <summary>An archive action the audit log could not record, so it was not carried out.</summary>
internal sealed class ArchiveActionNotRecordedException(string message, Exception inner) : Exception(message, inner);
