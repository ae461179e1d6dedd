using System.Text;
using GovGateway.Policies.Classification;
using MimeKit;
using MimeKit.Text;

namespace GovGateway.Policies.Content;

/// <summary>
/// Reads a text body part as lines for classification, streaming: the decoded content is read in chunks from the
/// part's stream (a range of the spool file when the message was parsed persistently) and only the lines
/// <see cref="LineCollector"/> keeps become strings. HTML goes through MimeKit's HTML tokenizer, a state machine
/// that is linear in the input (a tag regex was quadratic: 1.6 million '&lt;' cost 67 s of CPU).
/// </summary>
internal static class BodyText
{
    private const int ChunkChars = 16 * 1024;

    /// <summary>
    /// Lines of the part's text in its declared charset; with no charset or UTF-8, text that is not valid UTF-8 is
    /// read again as Latin-1 (which never fails), as mail clients do.
    /// </summary>
    public static IReadOnlyList<string> ReadLines(MimePart part, Encoding? declared, bool html, CancellationToken ct)
    {
        var lines = new LineCollector(DocumentClassifier.HeadLines, DocumentClassifier.MaxStampLength);
        if (part.Content is null) return lines.Complete();
        var strictUtf8 = declared is null || declared.CodePage == Encoding.UTF8.CodePage;
        try
        {
            Read(part, strictUtf8 ? new UTF8Encoding(false, true) : declared!, html, lines, ct);
        }
        catch (DecoderFallbackException) when (strictUtf8)
        {
            lines.Reset();
            Read(part, Encoding.Latin1, html, lines, ct);
        }
        return lines.Complete();
    }

    private static void Read(MimePart part, Encoding encoding, bool html, LineCollector lines, CancellationToken ct)
    {
        // Not disposed: MimeContent.Open wraps the part's own stream, which the message owns and disposes.
        var decoded = part.Content!.Open();
        var reader = new StreamReader(decoded, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: ChunkChars);
        if (html) ReadHtml(reader, lines, ct);
        else ReadText(reader, lines, ct);
    }

    private static void ReadText(TextReader reader, LineCollector lines, CancellationToken ct)
    {
        var buffer = new char[ChunkChars];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            ct.ThrowIfCancellationRequested();
            lines.Append(buffer.AsSpan(0, read));
        }
    }

    /// <summary>Every line of an HTML text (the archive indexes a whole body laid out as a document).</summary>
    public static IReadOnlyList<string> HtmlLines(string html)
    {
        var lines = new LineCollector(headLines: int.MaxValue, maxStampLength: 0);
        ReadHtml(new StringReader(html), lines, CancellationToken.None);
        return lines.Complete();
    }

    /// <summary>Text of HTML: character references decoded, a line break for block ends and &lt;br&gt;, a space for other tags.</summary>
    private static void ReadHtml(TextReader reader, LineCollector lines, CancellationToken ct)
    {
        var tokenizer = new HtmlTokenizer(reader) { DecodeCharacterReferences = true };
        var count = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            if ((++count & 1023) == 0) ct.ThrowIfCancellationRequested();
            switch (token)
            {
                case HtmlTagToken tag:
                    lines.Append(IsLineBreak(tag) ? '\n' : ' ');
                    break;
                // Script data too: the old tag-stripping kept it, and a stamp must not hide there.
                case HtmlDataToken data when token.Kind is HtmlTokenKind.Data or HtmlTokenKind.CData or HtmlTokenKind.ScriptData:
                    lines.Append(data.Data.AsSpan());
                    break;
            }
        }
    }

    private static bool IsLineBreak(HtmlTagToken tag) =>
        tag.Id == HtmlTagId.Br ||
        (tag.IsEndTag && tag.Id is HtmlTagId.P or HtmlTagId.Div or HtmlTagId.TR or HtmlTagId.LI
            or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.H5 or HtmlTagId.H6);
}
