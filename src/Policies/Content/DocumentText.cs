using GovGateway.Policies.Text.Legacy;
using MimeKit;

namespace GovGateway.Policies.Content;

/// <summary>
/// A document's whole text, as the archive indexes it: read by the same extractors the classifier uses (PDF, DOCX, ODT,
/// plain text; TCVN3 and VNI decoded to Unicode), but over every page, within <see cref="ExtractionLimits.Archive"/>.
/// </summary>
/// <param name="Text">The lines joined by line breaks; empty for a scan, a file type without text, or an unreadable file.</param>
/// <param name="DetectedType">The type found from the bytes ("pdf", "docx", "odt", "text", ...), never from the name.</param>
/// <param name="Encoding">"tcvn3" or "vni" when the text was decoded from a legacy encoding; null for Unicode.</param>
/// <param name="Scanned">True for a PDF whose pages are images only.</param>
/// <param name="Unreadable">Why the file could not be read; null when it could.</param>
public sealed record DocumentTextResult(string Text, string DetectedType, string? Encoding, bool Scanned, string? Unreadable);

/// <summary>The public face of the text extraction for other libraries and the host (the extractors stay internal).</summary>
public static class DocumentText
{
    /// <summary>File types whose text the extractors read.</summary>
    private static readonly string[] Readable = ["pdf", "docx", "odt", "text"];

    /// <summary>The text of a document given as a seekable stream (left open, position not kept).</summary>
    public static DocumentTextResult Extract(Stream data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.CanSeek) throw new ArgumentException("The document stream must be seekable.", nameof(data));
        var detected = ContentSniffer.Detect(PartContent.Head(data, ContentSniffer.HeadBytes));
        if (detected == "zip") detected = ContentSniffer.RefineZip(data);
        if (!Readable.Contains(detected)) return new DocumentTextResult("", detected, null, false, null);
        var extraction = TextExtractor.ExtractLines(detected, data, ExtractionLimits.Archive);
        return new DocumentTextResult(string.Join('\n', extraction.Lines), detected,
            extraction.Encoding == TextEncoding.Unicode ? null : extraction.Encoding.ToWireName(), extraction.Scanned, extraction.Unreadable);
    }

    /// <summary>The text of a body typed as a document (legacy encodings decoded by statistics, as the classifier reads it).</summary>
    public static string FromBody(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var encoding = LegacyText.Detect(text);
        return string.Join('\n', TextExtractor.SplitLines(LegacyText.Decode(text, encoding)));
    }
}

/// <summary>
/// One MIME part of a message, decoded (base64 and quoted-printable undone): the bytes the audit record's SHA-256 of an
/// attachment is taken over. Dispose it: a large part is decoded into a private temporary file.
/// </summary>
public sealed class MessageDocument : IDisposable
{
    internal MessageDocument(string sha256, string? fileName, string contentType, Stream content)
    {
        Sha256 = sha256;
        FileName = fileName;
        ContentType = contentType;
        Content = content;
    }

    /// <summary>Lowercase hex SHA-256 of <see cref="Content"/>.</summary>
    public string Sha256 { get; }
    public string? FileName { get; }
    public string ContentType { get; }
    /// <summary>Seekable, read-only, at position 0.</summary>
    public Stream Content { get; }

    public void Dispose() => Content.Dispose();
}

/// <summary>Finds a message's documents again by the SHA-256s its analysis recorded, walking it as the analyser does.</summary>
public static class MessageDocuments
{
    /// <summary>How deep forwarded messages are opened: as deep as the analyser looks.</summary>
    private const int MaxForwardDepth = 5;

    /// <summary>
    /// The parts whose decoded bytes hash to one of <paramref name="sha256s"/> (lowercase hex), each hash once, in message
    /// order; forwarded messages (message/rfc822) are searched too. Parts that match nothing are not kept.
    /// </summary>
    public static IReadOnlyList<MessageDocument> Find(MimeMessage message, IReadOnlySet<string> sha256s, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(sha256s);
        var found = new List<MessageDocument>();
        if (sha256s.Count == 0) return found;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            Visit(message.Body, 0);
        }
        catch
        {
            foreach (var d in found) d.Dispose();
            throw;
        }
        return found;

        void Visit(MimeEntity? entity, int depth)
        {
            ct.ThrowIfCancellationRequested();
            switch (entity)
            {
                case Multipart multipart:
                    foreach (var child in multipart) Visit(child, depth);
                    break;
                case MessagePart { Message: { } inner } when depth < MaxForwardDepth:
                    Visit(inner.Body, depth + 1);
                    break;
                case MimePart part when !IsBodyText(part):
                    var content = PartContent.Open(part, ct);
                    var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
                    content.Position = 0;
                    if (sha256s.Contains(sha) && seen.Add(sha))
                        found.Add(new MessageDocument(sha, part.FileName, part.ContentType.MimeType, content));
                    else
                        content.Dispose();
                    break;
            }
        }
    }

    /// <summary>The analyser's test: a text part without a name that is not a calendar is body text, anything else an attachment.</summary>
    private static bool IsBodyText(MimePart part)
    {
        var isCalendar = part.ContentType.IsMimeType("text", "calendar") || (part.FileName?.EndsWith(".ics", StringComparison.OrdinalIgnoreCase) ?? false);
        return !isCalendar && !part.IsAttachment && part.FileName is null && part.ContentType.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The text of the message's first text body part (plain text preferred over HTML), or null when it has none.</summary>
    public static string? BodyText(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.TextBody ?? (message.HtmlBody is { } html ? string.Join('\n', Content.BodyText.HtmlLines(html)) : null);
        return body is null ? null : DocumentText.FromBody(body);
    }
}
