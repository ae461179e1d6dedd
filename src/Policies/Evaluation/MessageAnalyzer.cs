using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GovGateway.Policies.Classification;
using GovGateway.Policies.Configuration;
using GovGateway.Policies.Content;
using GovGateway.Policies.Documents;
using GovGateway.Policies.Signatures;
using GovGateway.Policies.Text;
using MimeKit;

namespace GovGateway.Policies.Evaluation;

/// <summary>
/// Walks a parsed message once: S/MIME, body text, every attachment (type by content, archive
/// contents, text, class, secrecy stamp, PDF signatures).
/// </summary>
internal sealed partial class MessageAnalyzer
{
    public MessageAnalyzer(PolicySettings settings, TrustStore trust, TimeProvider clock, ICrlFetcher? crlFetcher = null)
    {
        _classifier = new DocumentClassifier(settings);
        _metadata = new MetadataExtractor(_classifier);
        _archives = new ArchiveInspector(settings);
        // One validator for both, so S/MIME and PDF signatures share the certificates already parsed and checked.
        var chains = new ChainValidator(trust, new Signatures.Revocation.RevocationChecker(trust, settings.Revocation, crlFetcher));
        _smime = new SmimeVerifier(new CmsVerifier(chains, clock));
        _pdf = new PdfSignatureVerifier(new CmsVerifier(chains, clock));
    }

    private const int MaxForwardDepth = 5;
    private static readonly string[] DocumentTypes = ["pdf", "docx", "odt", "ole", "rtf", "text", "tiff", "xlsx", "ods"];

    private readonly DocumentClassifier _classifier;
    private readonly MetadataExtractor _metadata;
    private readonly ArchiveInspector _archives;
    private readonly SmimeVerifier _smime;
    private readonly PdfSignatureVerifier _pdf;

    // Over the sender's text, so without backtracking (linear time).
    [GeneratedRegex(@"^METHOD:\s*REQUEST\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex MethodRequest();

    public MessageAnalysis Analyze(MimeMessage message, CancellationToken ct)
    {
        var from = message.From.Mailboxes.FirstOrDefault()?.Address;
        var subject = message.Subject;
        var (smime, content) = _smime.Verify(message.Body, from);
        var walk = new Walk(subject);
        Visit(content, walk, 0, ct);
        var classes = new HashSet<DocumentClass>(walk.BodyClasses);
        foreach (var attachment in walk.Attachments) classes.Add(attachment.Class);
        var urgency = walk.Attachments.Select(a => a.Urgency).Append(walk.BodyUrgency).Max();
        return new MessageAnalysis(from, subject, message.MessageId, smime, walk.Attachments, walk.BodyClasses, walk.BodySecret, classes,
            urgency, walk.BodyMetadata);
    }

    private sealed class Walk(string? subject)
    {
        public string? Subject { get; } = subject;
        public List<AttachmentReport> Attachments { get; } = [];
        public HashSet<DocumentClass> BodyClasses { get; } = [];
        public bool BodySecret { get; set; }
        public Urgency BodyUrgency { get; set; }
        public DocumentMetadata? BodyMetadata { get; set; }
    }

    private void Visit(MimeEntity? entity, Walk walk, int depth, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        switch (entity)
        {
            case null:
                return;
            case Multipart multipart:
                foreach (var child in multipart) Visit(child, walk, depth, ct);
                return;
            case MessagePart { Message: { } inner } when depth < MaxForwardDepth:
                // A forwarded message's attachments are checked like our own.
                var (_, innerContent) = _smime.Verify(inner.Body, inner.From.Mailboxes.FirstOrDefault()?.Address);
                Visit(innerContent, walk, depth + 1, ct);
                return;
            case MimePart part:
                VisitPart(part, walk, ct);
                return;
        }
    }

    private void VisitPart(MimePart part, Walk walk, CancellationToken ct)
    {
        var isCalendar = part.ContentType.IsMimeType("text", "calendar") || (part.FileName?.EndsWith(".ics", StringComparison.OrdinalIgnoreCase) ?? false);
        var isBodyText = !isCalendar && !part.IsAttachment && part.FileName is null && part.ContentType.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase);
        if (isBodyText)
        {
            // The whole body is read (a secret stamp may sit anywhere in it), streamed from the spool file.
            var lines = BodyText.ReadLines(part, DeclaredCharset(part), part.ContentType.IsMimeType("text", "html"), ct);
            // A body typed in a legacy font and pasted as text is decoded like a plain-text attachment.
            lines = DecodeLegacy(lines);
            var stamps = _classifier.ReadStamps(lines);
            if (stamps.Secrecy is not null) walk.BodySecret = true;
            if (stamps.Urgency > walk.BodyUrgency) walk.BodyUrgency = stamps.Urgency;
            // Only a body laid out as a document counts as one; a cover note that names the attached report does not.
            if (_classifier.FromBodyLayout(lines) is { } found)
            {
                walk.BodyClasses.Add(found.Class);
                walk.BodyMetadata ??= _metadata.Extract(lines, found with { Urgency = stamps.Urgency }, stamps.Secrecy, signerCertificate: null);
            }
            return;
        }
        using var content = PartContent.Open(part, ct);
        walk.Attachments.Add(AnalyzeAttachment(part, content, isCalendar, walk.Subject, ct));
    }

    private AttachmentReport AnalyzeAttachment(MimePart part, Stream data, bool isCalendar, string? subject, CancellationToken ct)
    {
        var fileName = part.FileName ?? string.Empty;
        var size = data.Length;
        var sha256 = Sha256Of(data);
        var detected = ContentSniffer.Detect(PartContent.Head(data, ContentSniffer.HeadBytes));
        if (detected == "zip") detected = ContentSniffer.RefineZip(data);
        var inspection = _archives.Inspect(fileName, detected, data, ct);

        ClassificationResult classification;
        PdfSignatureReport? signature = null;
        string? unreadable = null;
        TextExtraction? extraction = null;
        DocumentMetadata? metadata = null;
        string? secrecy = null;
        if (isCalendar)
        {
            var text = TextExtractor.DecodeText(data);
            var request = MethodRequest().IsMatch(text) || text.Contains("BEGIN:VEVENT", StringComparison.OrdinalIgnoreCase);
            classification = request
                ? new ClassificationResult(DocumentClass.Invitation, "calendar", null, false)
                : ClassificationResult.Nothing;
        }
        else if (detected == "text" && EdxmlPackage.Looks(PartContent.Head(data, 4096)))
        {
            // An edXML package's header is what the sending system registered: the strongest evidence of type and number.
            (classification, metadata, unreadable) = ReadEdxml(data, fileName, subject);
        }
        else
        {
            // An executable is never an official document, whatever its name says.
            var isDocument = DocumentTypes.Contains(detected) && !inspection.Blocked;
            ct.ThrowIfCancellationRequested();
            extraction = isDocument ? TextExtractor.ExtractLines(detected, data) : null;
            if (extraction?.Unreadable is { } why) unreadable = why;
            classification = extraction is not null
                ? _classifier.Classify(extraction.Lines, fileName, subject, isDocumentType: true)
                : ClassificationResult.Nothing;
            ct.ThrowIfCancellationRequested();
            if (detected == "pdf") signature = _pdf.Verify(data);
            if (extraction is { Lines.Count: > 0 })
            {
                secrecy = _classifier.ReadStamps(extraction.Lines).Secrecy;
                var found = _metadata.Extract(extraction.Lines, classification, secrecy, CommonName(signature?.Signatures.FirstOrDefault()?.SignerSubject));
                metadata = found.IsEmpty ? null : found;
            }
        }
        var findings = inspection.Findings.ToList();
        if (unreadable is not null) findings.Add(unreadable);
        if (extraction?.Scanned == true) findings.Add("scanned: the PDF's pages are images only; classified by its name and the subject (no OCR)");
        if (extraction is { Encoding: not TextEncoding.Unicode } legacy) findings.Add($"legacy encoding: {legacy.Encoding.ToWireName()} text decoded to Unicode");

        return new AttachmentReport
        {
            FileName = fileName,
            ContentType = part.ContentType.MimeType,
            DetectedType = detected,
            Size = size,
            Sha256 = sha256,
            Class = classification.Class,
            ClassifiedBy = classification.ClassifiedBy,
            DocumentSymbol = classification.Symbol,
            SecretMarking = classification.Secret,
            Signature = signature,
            Blocked = inspection.Blocked,
            Encrypted = inspection.Encrypted,
            Unreadable = inspection.Unreadable || unreadable is not null,
            Findings = findings,
            TextEncoding = extraction?.Encoding ?? TextEncoding.Unicode,
            Scanned = extraction?.Scanned ?? false,
            Urgency = classification.Urgency,
            Metadata = metadata,
        };
    }

    private (ClassificationResult, DocumentMetadata?, string?) ReadEdxml(Stream data, string fileName, string? subject)
    {
        EdxmlPackage.Header? header;
        try
        {
            header = EdxmlPackage.Read(data);
        }
        catch (System.Xml.XmlException ex)
        {
            // Fail closed: a package we cannot read may be anything; it is classified by its name and marked unreadable.
            var byName = _classifier.Classify([], fileName, subject, isDocumentType: true);
            return (byName, null, $"unreadable edxml: {ex.Message}");
        }
        if (header is null) return (_classifier.Classify(TextExtractor.SplitLines(TextExtractor.DecodeText(data)), fileName, subject, isDocumentType: true), null, null);
        var m = header.Metadata;
        var cls = _classifier.ClassOfType(header.TypeName, m.CodeNotation)
            ?? (m.CodeNumber is not null ? DocumentClass.WorkDocument : _classifier.FromFileName(fileName) ?? DocumentClass.WorkDocument);
        var symbol = m.CodeNumber is null && m.CodeNotation is null ? null : $"{m.CodeNumber}/{m.CodeNotation}";
        return (new ClassificationResult(cls, "edxml", symbol, false, m.Priority), m, null);
    }

    /// <summary>Lines decoded from TCVN3 or VNI when their statistics say so (text pasted from a legacy-font document).</summary>
    private static IReadOnlyList<string> DecodeLegacy(IReadOnlyList<string> lines)
    {
        var joined = string.Join('\n', lines);
        var encoding = Text.Legacy.LegacyText.Detect(joined);
        return encoding == TextEncoding.Unicode ? lines : TextExtractor.SplitLines(Text.Legacy.LegacyText.Decode(joined, encoding));
    }

    /// <summary>The CN of an X.500 subject ("CN=Nguyễn Văn A, O=..." gives "Nguyễn Văn A"), or the subject itself.</summary>
    private static string? CommonName(string? subject)
    {
        if (subject is null) return null;
        foreach (var part in subject.Split(','))
        {
            var kv = part.Trim();
            if (kv.StartsWith("CN=", StringComparison.OrdinalIgnoreCase)) return kv[3..].Trim();
        }
        return subject;
    }

    /// <summary>The part's charset as MimeKit knows it (it maps aliases and the Windows code pages), or null.</summary>
    private static System.Text.Encoding? DeclaredCharset(MimePart part)
    {
        try
        {
            return part.ContentType.Charset is null ? null : part.ContentType.CharsetEncoding;
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    private static string Sha256Of(Stream data)
    {
        data.Position = 0;
        var hash = SHA256.HashData(data);
        data.Position = 0;
        return Convert.ToHexStringLower(hash);
    }

}
