using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace GovGateway.Policies.Content;

/// <summary>
/// Extracts the text of a document as lines (PDF via PdfPig, DOCX via Open XML SDK, ODT, plain text).
/// Only the first pages are read: the number/symbol line, type heading and secrecy stamp are on page one.
/// Returns an empty list when the file has no extractable text (scans, legacy .doc).
/// </summary>
internal static class TextExtractor
{
    private const int MaxPdfPages = 3;
    private const int MaxChars = 200_000;

    public static IReadOnlyList<string> ExtractLines(string detectedType, byte[] data)
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
            return SplitLines(text);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A damaged document is classified by its name instead; it is not an error of the message.
            return [];
        }
    }

    public static IReadOnlyList<string> SplitLines(string text) =>
        text.Normalize(NormalizationForm.FormC)
            .Split(['\n', '\r', '\f', '\u2028', '\u2029'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public static string DecodeText(byte[] data)
    {
        var length = Math.Min(data.Length, MaxChars);
        try
        {
            return new UTF8Encoding(false, true).GetString(data, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(data, 0, length);
        }
    }

    private static string FromPdf(byte[] data)
    {
        using var document = PdfDocument.Open(data, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        var sb = new StringBuilder();
        var pages = Math.Min(document.NumberOfPages, MaxPdfPages);
        for (var i = 1; i <= pages && sb.Length < MaxChars; i++)
        {
            sb.AppendLine(ContentOrderTextExtractor.GetText(document.GetPage(i), true));
        }
        return sb.ToString();
    }

    private static string FromDocx(byte[] data)
    {
        using var stream = new MemoryStream(data, writable: false);
        using var document = WordprocessingDocument.Open(stream, false);
        var body = document.MainDocumentPart?.Document?.Body;
        if (body is null) return string.Empty;
        var sb = new StringBuilder();
        foreach (var paragraph in body.Descendants<W.Paragraph>())
        {
            foreach (var node in paragraph.Descendants())
            {
                if (node is W.Text t) sb.Append(t.Text);
                else if (node is W.TabChar) sb.Append('\t');
                else if (node is W.Break) sb.Append('\n');
            }
            sb.Append('\n');
            if (sb.Length > MaxChars) break;
        }
        return sb.ToString();
    }

    private static string FromOdt(byte[] data)
    {
        using var zip = new ZipArchive(new MemoryStream(data, writable: false), ZipArchiveMode.Read);
        var entry = zip.GetEntry("content.xml");
        if (entry is null) return string.Empty;
        using var reader = XmlReader.Create(entry.Open(), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
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
