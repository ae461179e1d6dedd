using GovGateway.Policies.Text;
using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace GovGateway.Policies.Content;

/// <summary>
/// Extracts the text of a document as lines (PDF via PdfPig, DOCX via Open XML SDK, ODT, plain text).
/// Only the first pages are read: the number/symbol line, type heading and secrecy stamp are on page one.
/// Returns an empty list when the file has no extractable text (scans, legacy .doc).
/// </summary>
/// <summary>The lines of a document, or why it could not be read (<see cref="Lines"/> is then empty).</summary>
internal sealed record TextExtraction(IReadOnlyList<string> Lines, string? Unreadable);

internal static class TextExtractor
{
    private const int MaxPdfPages = 3;
    private const int MaxChars = 200_000;

    public static TextExtraction ExtractLines(string detectedType, Stream data)
    {
        try
        {
            var text = detectedType switch
            {
                "pdf" => FromPdf(data),
                "docx" => FromDocx(data),
                "odt" => FromOdt(data),
                "text" => DecodeText(data),
                _ => string.Empty,
            };
            return new TextExtraction(SplitLines(text), null);
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

    private static string FromPdf(Stream data)
    {
        using var document = PdfDocument.Open(PartContent.Borrow(data), new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        var sb = new StringBuilder();
        var pages = Math.Min(document.NumberOfPages, MaxPdfPages);
        for (var i = 1; i <= pages && sb.Length < MaxChars; i++)
        {
            AppendPageLines(document.GetPage(i), sb);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Rebuilds lines from letters in content order: a new line when the baseline moves by more than
    /// half the font size, a space when the gap between letters is wide. Linear, unlike layout
    /// analysis, which costs tens of milliseconds per page and is not needed for our patterns.
    /// </summary>
    private static void AppendPageLines(Page page, StringBuilder sb)
    {
        Letter? last = null;
        foreach (var letter in page.Letters)
        {
            var size = Math.Max(letter.PointSize, 1);
            if (last is not null)
            {
                var dy = Math.Abs(letter.StartBaseLine.Y - last.StartBaseLine.Y);
                var gap = letter.StartBaseLine.X - last.EndBaseLine.X;
                if (dy > size * 0.5 || gap < -size) sb.Append('\n');
                else if (gap > size * 0.25 && !letter.Value.StartsWith(' ') && !last.Value.EndsWith(' ')) sb.Append(' ');
            }
            sb.Append(letter.Value);
            last = letter;
        }
        sb.Append('\n');
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
    private static string FromDocx(Stream data)
    {
        using var document = WordprocessingDocument.Open(PartContent.Borrow(data), false);
        var part = document.MainDocumentPart ?? throw new InvalidDataException("the package has no main document part");
        using var reader = XmlReader.Create(DoctypeFreeReader.Open(part.GetStream(FileMode.Open, FileAccess.Read)), SafeXml);
        var sb = new StringBuilder();
        var inText = false;
        while (reader.Read() && sb.Length < MaxChars)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element when reader.NamespaceURI == WordNs:
                    if (reader.LocalName == "t") inText = !reader.IsEmptyElement;
                    else if (reader.LocalName == "tab") sb.Append('\t');
                    else if (reader.LocalName is "br" or "cr") sb.Append('\n');
                    break;
                case XmlNodeType.EndElement when reader.NamespaceURI == WordNs:
                    if (reader.LocalName == "t") inText = false;
                    else if (reader.LocalName == "p") sb.Append('\n');
                    break;
                case XmlNodeType.Text or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace or XmlNodeType.CDATA when inText:
                    sb.Append(reader.Value);
                    break;
            }
        }
        return sb.ToString();
    }

    private static string FromOdt(Stream data)
    {
        data.Position = 0;
        using var zip = new ZipArchive(data, ZipArchiveMode.Read, leaveOpen: true);
        var entry = zip.GetEntry("content.xml");
        if (entry is null) return string.Empty;
        using var reader = XmlReader.Create(entry.Open(), SafeXml);
        const string textNs = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
        var sb = new StringBuilder();
        while (reader.Read() && sb.Length < MaxChars)
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
