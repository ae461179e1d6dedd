using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GovGateway.Policies.Classification;
using GovGateway.Policies.Configuration;
using GovGateway.Policies.Content;
using GovGateway.Policies.Signatures;
using GovGateway.Policies.Text;
using MimeKit;

namespace GovGateway.Policies.Evaluation;

/// <summary>
/// Walks a parsed message once: S/MIME, body text, every attachment (type by content, archive
/// contents, text, class, secrecy stamp, PDF signatures).
/// </summary>
internal sealed partial class MessageAnalyzer(PolicySettings settings, TrustStore trust, TimeProvider clock, ICrlFetcher? crlFetcher = null)
{
    private const int MaxForwardDepth = 5;
    private static readonly string[] DocumentTypes = ["pdf", "docx", "odt", "ole", "rtf", "text", "tiff", "xlsx", "ods"];

    private readonly DocumentClassifier _classifier = new(settings);
    private readonly ArchiveInspector _archives = new(settings);
    private readonly SmimeVerifier _smime = new(Cms(settings, trust, clock, crlFetcher));
    private readonly PdfSignatureVerifier _pdf = new(Cms(settings, trust, clock, crlFetcher));

    private static CmsVerifier Cms(PolicySettings settings, TrustStore trust, TimeProvider clock, ICrlFetcher? crlFetcher) =>
        new(new ChainValidator(trust, new Signatures.Revocation.RevocationChecker(trust, settings.Revocation, crlFetcher)), clock);

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
        return new MessageAnalysis(from, subject, message.MessageId, smime, walk.Attachments, walk.BodyClasses, walk.BodySecret, classes);
    }

    private sealed class Walk(string? subject)
    {
        public string? Subject { get; } = subject;
        public List<AttachmentReport> Attachments { get; } = [];
        public HashSet<DocumentClass> BodyClasses { get; } = [];
        public bool BodySecret { get; set; }
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
            if (_classifier.FromContent(lines) is { } found) walk.BodyClasses.Add(found.Class);
            if (_classifier.HasSecretStamp(lines)) walk.BodySecret = true;
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
        if (isCalendar)
        {
            var text = TextExtractor.DecodeText(data);
            var request = MethodRequest().IsMatch(text) || text.Contains("BEGIN:VEVENT", StringComparison.OrdinalIgnoreCase);
            classification = request
                ? new ClassificationResult(DocumentClass.Invitation, "calendar", null, false)
                : ClassificationResult.Nothing;
        }
        else
        {
            // An executable is never an official document, whatever its name says.
            var isDocument = DocumentTypes.Contains(detected) && !inspection.Blocked;
            ct.ThrowIfCancellationRequested();
            var extraction = isDocument ? TextExtractor.ExtractLines(detected, data) : null;
            if (extraction?.Unreadable is { } why) unreadable = why;
            classification = extraction is not null
                ? _classifier.Classify(extraction.Lines, fileName, subject, isDocumentType: true)
                : ClassificationResult.Nothing;
            ct.ThrowIfCancellationRequested();
            if (detected == "pdf") signature = _pdf.Verify(data);
        }

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
            Findings = unreadable is null ? inspection.Findings : [.. inspection.Findings, unreadable],
        };
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
