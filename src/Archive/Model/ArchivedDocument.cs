using GovGateway.Audit;

namespace GovGateway.Archive;

/// <summary>One archived document: its bytes are kept once under <see cref="Id"/>, whatever the number of exchanges.</summary>
public sealed class ArchivedDocument
{
    /// <summary>SHA-256 of the bytes, lowercase hex.</summary>
    public string Id { get; set; } = "";
    public string? FileName { get; set; }
    public string? ContentType { get; set; }
    public long Size { get; set; }
    /// <summary>Document class from the policy ("decision", "official-letter", ...).</summary>
    public string? Class { get; set; }
    /// <summary>Decree 30 metadata under edXML names (number, notation, type, issuer, place and date, subject, signer, priority).</summary>
    public AuditDocument Document { get; set; } = new();
    /// <summary>Each PDF signature in revision order; empty when unsigned.</summary>
    public List<AuditSignature> Signatures { get; set; } = [];
    /// <summary>True for an image-only (scanned) PDF.</summary>
    public bool Scanned { get; set; }
    /// <summary>"tcvn3" or "vni" when the text was decoded from a legacy encoding; null for Unicode.</summary>
    public string? Encoding { get; set; }
    /// <summary>"khan", "thuong-khan", "hoa-toc", "hoa-toc-hen-gio"; null when normal.</summary>
    public string? Urgency { get; set; }
    public DateTime FirstSeenUtc { get; set; }
    /// <summary>The legal hold; null when none.</summary>
    public ArchiveHold? Hold { get; set; }
    /// <summary>Every exchange it took part in, oldest first.</summary>
    public List<ArchiveExchange> Exchanges { get; set; } = [];

    /// <summary>True when at least one signature was judged valid.</summary>
    public bool Signed => Signatures.Any(s => string.Equals(s.Status, "valid", StringComparison.OrdinalIgnoreCase));

    /// <summary>True for any urgency mark (khẩn and above), by the mark or by edXML Priority.</summary>
    public bool Urgent => !string.IsNullOrEmpty(Urgency) || Document.Priority > 0;

    /// <summary>The time of the last exchange (or <see cref="FirstSeenUtc"/> without one): retention counts from it.</summary>
    public DateTime LastExchangeUtc => Exchanges.Count == 0 ? FirstSeenUtc : Exchanges.Max(e => e.TimeUtc);
}

/// <summary>One message the document crossed the gateway in.</summary>
public sealed class ArchiveExchange
{
    public string QueueId { get; set; } = "";
    public DateTime TimeUtc { get; set; }
    public string? Sender { get; set; }
    public List<string> Recipients { get; set; } = [];
    /// <summary><see cref="ArchiveDirection.Inbound"/> or <see cref="ArchiveDirection.Outbound"/>.</summary>
    public string Direction { get; set; } = ArchiveDirection.Inbound;
    /// <summary>The gateway node that accepted it.</summary>
    public string? Node { get; set; }
    public string? MessageId { get; set; }
    public string? Subject { get; set; }
}

public static class ArchiveDirection
{
    public const string Inbound = "inbound";
    public const string Outbound = "outbound";

    public static bool IsKnown(string? direction) => direction is Inbound or Outbound;
}

/// <summary>A legal hold: who placed it, when and why.</summary>
public sealed class ArchiveHold
{
    public string Reason { get; set; } = "";
    public string By { get; set; } = "";
    public DateTime SinceUtc { get; set; }
}

/// <summary>What <see cref="IDocumentArchive.StoreAsync"/> takes: the document (its <see cref="ArchivedDocument.Exchanges"/> ignored), its extracted text, and the exchange.</summary>
public sealed class ArchiveItem
{
    public ArchivedDocument Document { get; set; } = new();
    /// <summary>The document's text as extracted (legacy encodings decoded); empty for a scanned document.</summary>
    public string Text { get; set; } = "";
    public ArchiveExchange Exchange { get; set; } = new();
}
