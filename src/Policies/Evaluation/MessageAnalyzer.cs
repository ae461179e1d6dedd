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
internal sealed partial class MessageAnalyzer(PolicySettings settings, TrustStore trust, TimeProvider clock)
{
    private const int MaxForwardDepth = 5;
    private static readonly string[] DocumentTypes = ["pdf", "docx", "odt", "ole", "rtf", "text", "tiff", "xlsx", "ods"];

    private readonly DocumentClassifier _classifier = new(settings);
    private readonly ArchiveInspector _archives = new(settings);
    private readonly SmimeVerifier _smime = new(new CmsVerifier(trust, clock));
    private readonly PdfSignatureVerifier _pdf = new(new CmsVerifier(trust, clock));

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
        walk.Attachments.Add(AnalyzeAttachment(part, Decode(part), isCalendar, walk.Subject, ct));
    }

    private AttachmentReport AnalyzeAttachment(MimePart part, byte[] data, bool isCalendar, string? subject, CancellationToken ct)
    {
        var fileName = part.FileName ?? string.Empty;
        var detected = ContentSniffer.Detect(data);
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
            var extraction = isDocument ? TextExtractor.ExtractLines(detected, data) : null;
            if (extraction?.Unreadable is { } why) unreadable = why;
            classification = extraction is not null
                ? _classifier.Classify(extraction.Lines, fileName, subject, isDocumentType: true)
                : ClassificationResult.Nothing;
            if (detected == "pdf") signature = _pdf.Verify(data);
        }

        return new AttachmentReport
        {
            FileName = fileName,
            ContentType = part.ContentType.MimeType,
            DetectedType = detected,
            Size = data.LongLength,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(data)),
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

    private static byte[] Decode(MimePart part)
    {
        if (part.Content is null) return [];
        var raw = part.Content.Stream;
        if (raw is null) return [];
        if (part.Content.Encoding is ContentEncoding.Default or ContentEncoding.SevenBit or ContentEncoding.EightBit or ContentEncoding.Binary
            && raw.CanSeek && raw.Length <= int.MaxValue)
        {
            // Not transfer-encoded: the content is the bytes. One exact-size copy instead of MimeKit's filter chain.
            var bytes = new byte[raw.Length];
            raw.Seek(0, SeekOrigin.Begin);
            raw.ReadExactly(bytes);
            return bytes;
        }
        using var stream = new MemoryStream(raw.CanSeek ? (int)Math.Min(raw.Length, int.MaxValue) : 0);
        part.Content.DecodeTo(stream);
        return stream.Length == stream.Capacity ? stream.GetBuffer() : stream.ToArray();
    }

}
