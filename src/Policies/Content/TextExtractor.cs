using GovGateway.Policies.Text;
using GovGateway.Policies.Text.Legacy;
using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace GovGateway.Policies.Content;

/// <summary>The lines of a document, or why it could not be read (<see cref="Lines"/> is then empty).
/// <see cref="Encoding"/> says whether legacy TCVN3 or VNI text was decoded; <see cref="Scanned"/> marks a PDF whose
/// pages are images only (no text to read: it is classified by its name and the subject).</summary>
/// <summary>How much of a document is read: pages of a PDF, and characters of any.</summary>
internal sealed record ExtractionLimits(int PdfPages, int Chars)
{
    /// <summary>The number/symbol line, type heading and stamps are on page one: three pages are plenty.</summary>
    public static ExtractionLimits Classification { get; } = new(3, 200_000);

    /// <summary>The archive indexes the whole text, bounded so that one huge attachment cannot take the indexer's memory.</summary>
    public static ExtractionLimits Archive { get; } = new(1_000, 2_000_000);
}

internal sealed record TextExtraction(IReadOnlyList<string> Lines, string? Unreadable, TextEncoding Encoding = TextEncoding.Unicode, bool Scanned = false);

/// <summary>
/// Extracts the text of a document as lines (PDF via PdfPig, DOCX via Open XML SDK, ODT, plain text), decoding
/// legacy Vietnamese encodings (TCVN3, VNI) by the fonts the document names, else by the text's statistics.
/// Only the first pages are read: the number/symbol line, type heading and secrecy stamp are on page one.
/// Returns an empty list when the file has no extractable text (scans, legacy .doc).
/// </summary>
internal static class TextExtractor
{
    private const int MaxChars = 200_000;

    public static TextExtraction ExtractLines(string detectedType, Stream data) => ExtractLines(detectedType, data, ExtractionLimits.Classification);

    /// <summary>The lines within <paramref name="limits"/>: the classifier reads the first pages, the archive the whole document.</summary>
    public static TextExtraction ExtractLines(string detectedType, Stream data, ExtractionLimits limits)
    {
        try
        {
            var decoded = detectedType switch
            {
                "pdf" => FromPdf(data, limits),
                "docx" => FromDocx(data, limits.Chars),
                "odt" => ByStatistics(FromOdt(data, limits.Chars)),
                "text" => ByStatistics(DecodeText(PartContent.Head(data, limits.Chars), limits.Chars)),
                _ => new Decoded(string.Empty, TextEncoding.Unicode),
            };
            return new TextExtraction(SplitLines(decoded.Text), null, decoded.Encoding, decoded.Scanned);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // Fail closed: a document we cannot read may carry anything (a stamp, a symbol); it is classified by its name
            // as before, and marked unreadable so that policy can hold it.
            return new TextExtraction([], $"unreadable {detectedType}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Non-empty lines, trimmed, NFC, each at most <see cref="LineCollector.MaxLineChars"/> long.</summary>
    public static IReadOnlyList<string> SplitLines(string text)
    {
        var lines = new LineCollector(headLines: int.MaxValue, maxStampLength: 0);
        lines.Append(text);
        return lines.Complete();
    }

    public static string DecodeText(byte[] data) => DecodeText(data, MaxChars);

    /// <summary>Text and the legacy encoding it was decoded from.</summary>
    private sealed record Decoded(string Text, TextEncoding Encoding, bool Scanned = false);

    /// <summary>Text with no font names to go by: decoded when its statistics say TCVN3 or VNI.</summary>
    private static Decoded ByStatistics(string text)
    {
        var encoding = LegacyText.Detect(text);
        return new Decoded(LegacyText.Decode(text, encoding), encoding);
    }

    /// <summary>The text of at most the first <see cref="MaxChars"/> bytes of <paramref name="data"/>.</summary>
    public static string DecodeText(Stream data) => DecodeText(PartContent.Head(data, MaxChars), MaxChars);

    private static string DecodeText(byte[] data, int maxBytes)
    {
        var length = Math.Min(data.Length, maxBytes);
        try
        {
            return new UTF8Encoding(false, true).GetString(data, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(data, 0, length);
        }
    }

    private static Decoded FromPdf(Stream data, ExtractionLimits limits)
    {
        using var document = PdfDocument.Open(PartContent.Borrow(data), new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        var text = new LegacyRuns();
        var pages = Math.Min(document.NumberOfPages, limits.PdfPages);
        var letters = 0;
        var images = false;
        for (var i = 1; i <= pages && text.Length < limits.Chars; i++)
        {
            var page = document.GetPage(i);
            letters += page.Letters.Count;
            if (page.Letters.Count == 0) images |= page.GetImages().Any();
            AppendPageLines(page, text);
        }
        // A PDF whose pages hold images and no letters is a scan: there is nothing to read without OCR.
        var scanned = pages > 0 && letters == 0 && images;
        var (result, encoding) = text.Complete();
        return new Decoded(result, encoding, scanned);
    }

    /// <summary>
    /// Rebuilds lines from letters in content order: a new line when the baseline moves by more than
    /// half the font size, a space when the gap between letters is wide. Linear, unlike layout
    /// analysis, which costs tens of milliseconds per page and is not needed for our patterns.
    /// </summary>
    private static void AppendPageLines(Page page, LegacyRuns sb)
    {
        Letter? last = null;
        foreach (var letter in page.Letters)
        {
            var size = Math.Max(letter.PointSize, 1);
            if (last is not null)
            {
                var dy = Math.Abs(letter.StartBaseLine.Y - last.StartBaseLine.Y);
                var gap = letter.StartBaseLine.X - last.EndBaseLine.X;
                // A VNI accent is a glyph of its own drawn back over its vowel: not a new line, not a word break.
                var accent = gap < 0 && LegacyText.FromFontName(letter.FontName).Encoding == TextEncoding.Vni;
                if (dy > size * 0.5 || gap < -size && !accent) sb.Append('\n', null);
                else if (gap > size * 0.25 && !letter.Value.StartsWith(' ') && !last.Value.EndsWith(' ')) sb.Append(' ', null);
            }
            sb.Append(letter.Value, letter.FontName);
            last = letter;
        }
        sb.Append('\n', null);
    }

    /// <summary>XML of documents is read with DTDs ignored (never processed, never fetched): a DOCTYPE line is no reason
    /// to give up on a document, and no entity can expand or reach out.</summary>
    private static readonly XmlReaderSettings SafeXml = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private const string WordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    /// <summary>
    /// The main document part's text. The package (content types, relationships) is opened by the Open XML SDK; the
    /// part itself is read with our own XmlReader, because the SDK's refuses any DOCTYPE and a document with one
    /// (an empty "&lt;!DOCTYPE&gt;" is enough) went unread and was taken for "other". See <see cref="DoctypeFreeReader"/>.
    /// </summary>
    /// <summary>
    /// Each run's text is decoded by its font (<c>w:rFonts</c>: the run's own, else the document default from the
    /// styles part), so a .VnTimeH heading, a VNI paragraph and Unicode text can share one document.
    /// </summary>
    private static Decoded FromDocx(Stream data, int maxChars)
    {
        using var document = WordprocessingDocument.Open(PartContent.Borrow(data), false);
        var part = document.MainDocumentPart ?? throw new InvalidDataException("the package has no main document part");
        var defaultFont = DefaultDocxFont(part);
        using var reader = XmlReader.Create(DoctypeFreeReader.Open(part.GetStream(FileMode.Open, FileAccess.Read)), SafeXml);
        var sb = new LegacyRuns();
        var inText = false;
        var runFont = defaultFont;
        while (reader.Read() && sb.Length < maxChars)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element when reader.NamespaceURI == WordNs:
                    if (reader.LocalName == "t") inText = !reader.IsEmptyElement;
                    else if (reader.LocalName == "r") runFont = defaultFont;
                    else if (reader.LocalName == "rFonts") runFont = FontAttribute(reader) ?? runFont;
                    else if (reader.LocalName == "tab") sb.Append('\t', null);
                    else if (reader.LocalName is "br" or "cr") sb.Append('\n', null);
                    break;
                case XmlNodeType.EndElement when reader.NamespaceURI == WordNs:
                    if (reader.LocalName == "t") inText = false;
                    else if (reader.LocalName == "p") sb.Append('\n', null);
                    break;
                case XmlNodeType.Text or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace or XmlNodeType.CDATA when inText:
                    sb.Append(reader.Value, runFont);
                    break;
            }
        }
        var (text, encoding) = sb.Complete();
        return encoding == TextEncoding.Unicode ? ByStatistics(text) : new Decoded(text, encoding);
    }

    /// <summary>The font Word uses for Latin text in a run: w:hAnsi covers 0x80..0xFF, where legacy letters are.</summary>
    private static string? FontAttribute(XmlReader reader) =>
        reader.GetAttribute("hAnsi", WordNs) ?? reader.GetAttribute("ascii", WordNs);

    /// <summary>The document default font (styles part, w:docDefaults), or null.</summary>
    private static string? DefaultDocxFont(MainDocumentPart main)
    {
        if (main.StyleDefinitionsPart is not { } styles) return null;
        using var reader = XmlReader.Create(DoctypeFreeReader.Open(styles.GetStream(FileMode.Open, FileAccess.Read)), SafeXml);
        var inDefaults = false;
        while (reader.Read())
        {
            if (reader.NamespaceURI != WordNs) continue;
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "docDefaults") inDefaults = true;
            else if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "docDefaults") return null;
            else if (inDefaults && reader.NodeType == XmlNodeType.Element && reader.LocalName == "rFonts") return FontAttribute(reader);
        }
        return null;
    }

    private static string FromOdt(Stream data, int maxChars)
    {
        data.Position = 0;
        using var zip = new ZipArchive(data, ZipArchiveMode.Read, leaveOpen: true);
        var entry = zip.GetEntry("content.xml");
        if (entry is null) return string.Empty;
        using var reader = XmlReader.Create(entry.Open(), SafeXml);
        const string textNs = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
        var sb = new StringBuilder();
        while (reader.Read() && sb.Length < maxChars)
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace) sb.Append(reader.Value);
            else if (reader.NodeType == XmlNodeType.Element && reader.NamespaceURI == textNs)
            {
                if (reader.LocalName is "line-break") sb.Append('\n');
                else if (reader.LocalName is "tab") sb.Append('\t');
                else if (reader.LocalName is "s") sb.Append(' ');
            }
            else if (reader.NodeType == XmlNodeType.EndElement && reader.NamespaceURI == textNs && reader.LocalName is "p" or "h")
                sb.Append('\n');
        }
        return sb.ToString();
    }
}
