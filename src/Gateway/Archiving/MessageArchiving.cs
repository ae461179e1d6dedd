using System.Security.Cryptography;
using System.Text;
using GovGateway.Archive;
using GovGateway.Audit;
using GovGateway.Policies.Content;
using GovGateway.Spool;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace GovGateway.Archiving;

/// <summary>
/// What one accepted message gives the archive: each attachment its audit record classed in one of the archived classes
/// (policy.yaml <c>archive: classes</c>), found again in the queue file by its SHA-256, and the body when the record says
/// it was laid out as a document; each with the record's Decree 30 metadata, signatures and urgency, its whole text, and
/// the exchange (queue id, time, sender, recipients, direction, node).
/// </summary>
internal sealed class MessageArchiving(Func<IReadOnlySet<string>> archivedClasses, string node, ILogger<MessageArchiving> logger)
{
    /// <summary>File name given to a body typed as a document (the body has none).</summary>
    public const string BodyFileName = "noi-dung-thu.txt";

    /// <summary>False when the record names no archived class at all (as a JSON string), so it has nothing to keep.</summary>
    public bool MayHold(ReadOnlySpan<byte> recordJson)
    {
        foreach (var cls in archivedClasses())
            if (recordJson.IndexOf(Encoding.UTF8.GetBytes($"\"{cls}\"")) >= 0) return true;
        return false;
    }

    /// <summary>Stores the message's documents; returns each stored document and whether it was new to the archive.</summary>
    public async Task<IReadOnlyList<(ArchivedDocument Document, bool New)>> StoreAsync(SpoolEntry entry, AuditTransaction record, IDocumentArchive archive,
        CancellationToken ct)
    {
        var classes = archivedClasses();
        var wanted = new Dictionary<string, AuditAttachment>(StringComparer.Ordinal);
        foreach (var a in record.Attachments)
            if (a.Sha256 is { Length: 64 } sha && a.Class is { } cls && classes.Contains(cls)) wanted.TryAdd(sha.ToLowerInvariant(), a);
        var bodyClass = record.Document is null ? null : BodyClass(record, classes);
        var stored = new List<(ArchivedDocument, bool)>();
        if (wanted.Count == 0 && bodyClass is null) return stored;

        var exchange = Exchange(entry, record);
        await using var stream = entry.OpenMessage();
        using var message = await MimeMessage.LoadAsync(stream, persistent: true, ct).ConfigureAwait(false);

        var parts = MessageDocuments.Find(message, wanted.Keys.ToHashSet(StringComparer.Ordinal), ct);
        try
        {
            foreach (var part in parts)
            {
                var a = wanted[part.Sha256];
                var text = DocumentText.Extract(part.Content);
                part.Content.Position = 0;
                var document = new ArchivedDocument
                {
                    Id = part.Sha256,
                    FileName = a.Name ?? part.FileName,
                    ContentType = part.ContentType,
                    Size = part.Content.Length,
                    Class = a.Class,
                    Document = a.Document ?? new AuditDocument(),
                    Signatures = a.Signatures ?? [],
                    Scanned = a.Scanned || text.Scanned,
                    Encoding = a.Encoding ?? text.Encoding,
                    Urgency = a.Urgency,
                    FirstSeenUtc = record.TimeUtc,
                };
                var isNew = await archive.StoreAsync(new ArchiveItem { Document = document, Text = text.Text, Exchange = exchange }, part.Content, ct).ConfigureAwait(false);
                stored.Add((document, isNew));
            }
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
        foreach (var missing in wanted.Keys.Except(parts.Select(p => p.Sha256)))
            logger.LogWarning("{QueueId}: the audit record names document {Sha256} ({Name}) but no part of the message has its bytes; not archived",
                entry.QueueId, missing, wanted[missing].Name);

        if (bodyClass is not null && MessageDocuments.BodyText(message) is { Length: > 0 } bodyText)
        {
            var bytes = Encoding.UTF8.GetBytes(bodyText);
            var document = new ArchivedDocument
            {
                Id = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                FileName = BodyFileName,
                ContentType = "text/plain; charset=utf-8",
                Size = bytes.Length,
                Class = bodyClass,
                Document = record.Document!,
                Urgency = record.Urgency,
                FirstSeenUtc = record.TimeUtc,
            };
            var isNew = await archive.StoreAsync(new ArchiveItem { Document = document, Text = bodyText, Exchange = exchange },
                new MemoryStream(bytes, writable: false), ct).ConfigureAwait(false);
            stored.Add((document, isNew));
        }
        return stored;
    }

    /// <summary>
    /// The class of a body typed as a document: the record lists the body's classes with the attachments' (it keeps no
    /// separate field), so a class no attachment has is the body's; else the first archived class of the message.
    /// </summary>
    private static string? BodyClass(AuditTransaction record, IReadOnlySet<string> classes) =>
        record.Classes.FirstOrDefault(c => classes.Contains(c) && !record.Attachments.Any(a => a.Class == c))
        ?? record.Classes.FirstOrDefault(classes.Contains);

    private ArchiveExchange Exchange(SpoolEntry entry, AuditTransaction record) => new()
    {
        QueueId = entry.QueueId,
        TimeUtc = record.TimeUtc == default ? entry.Envelope.ReceivedUtc : record.TimeUtc,
        Sender = entry.Envelope.MailFrom,
        Recipients = entry.Envelope.Recipients.Select(r => r.Address).ToList(),
        Direction = Direction(record),
        Node = node,
        MessageId = record.MessageId,
        Subject = record.Subject,
    };

    /// <summary>What staff send (logged in, on submission or smtps) leaves the agency; what the MX takes arrives.</summary>
    public static string Direction(AuditTransaction record) =>
        record.AuthenticatedUser is { Length: > 0 } || record.Listener is "submission" or "smtps" ? ArchiveDirection.Outbound : ArchiveDirection.Inbound;
}
