using System.Text;
using GovGateway.Spool;
using MimeKit;

namespace GovGateway.Delivery;

/// <summary>
/// Hands MailKit a message whose bytes are exactly the prepended header lines plus the spooled original.
/// MimeMessage.WriteTo is not virtual: it writes each header as RawField ":" RawValue, then CRLF, then the
/// body entity's content. So the whole header section (prepended lines + the original's header block) is
/// carried by ONE Header whose field is the first line's name and whose raw value is everything after that
/// first colon; MimeKit writes a raw value it did not parse verbatim. The body entity then copies the bytes
/// after the original's blank line straight from the file. MailKit's Prepare() (7bit downgrade) is disabled
/// in <see cref="GatewaySmtpClient"/>; MailKit only dot-stuffs, which the receiver undoes.
/// The one normalisation left: a bare LF inside the header section goes out as CRLF, as SMTP requires.
/// The changes made on purpose are in the original's header block only: X-GovVN-* fields from the sender are
/// renamed (<see cref="UntrustedHeaders"/>) and the policy may tag the Subject (<see cref="SubjectTagger"/>).
/// Verified byte-for-byte (including an openssl-signed S/MIME message) by the delivery tests.
/// </summary>
internal static class RawMessage
{
    /// <summary>The original's header section must be found within this many bytes; otherwise it is all treated as body.</summary>
    const int MaxHeaderScan = 4 * 1024 * 1024;

    public static MimeMessage Create(SpoolEntry entry)
    {
        var prepend = PrependBytes(entry.Envelope.PrependHeaders);
        var (read, headerBlockLength, bodyOffset) = FindHeaderEnd(entry);
        byte[] block = [.. prepend, .. OriginalHeaderBlock(entry, read, headerBlockLength)];

        var body = new RawMessageBody(entry, bodyOffset, entry.Envelope.BodyType);
        var message = new RawMimeMessage { Body = body };
        message.Headers.Clear();
        long headerBytes = 0;
        if (block.Length > 0)
        {
            var header = AddSectionAsOneHeader(message, block, entry.QueueId);
            headerBytes = header.RawField.Length + 1 + header.RawValue.Length;
        }
        body.TotalLength = headerBytes + 2 + (entry.Size - bodyOffset);
        return message;
    }

    /// <summary>
    /// Locates the blank line ending the original's header section. Returns the length of the header block
    /// (through the CRLF of its last line) and where the body starts (after the blank line). A message that
    /// starts with the blank line has an empty block; the CRLF MimeKit writes after the headers stands in for it.
    /// The bytes read on the way come back too (at least the header block), so it is not read twice.
    /// </summary>
    static (byte[] Read, int HeaderBlockLength, long BodyOffset) FindHeaderEnd(SpoolEntry entry)
    {
        using var file = entry.OpenMessage();
        var length = entry.Size;
        var scan = (int)Math.Min(length, MaxHeaderScan);
        // Header sections are a few KB: read in chunks and stop at the blank line, not at the end of a 1 MB message.
        var buffer = new byte[Math.Min(scan, 64 * 1024)];
        int filled = 0;
        while (filled < scan)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, Math.Min(scan, buffer.Length * 2));
            int read = file.Read(buffer, filled, buffer.Length - filled);
            if (read <= 0) break;
            int from = Math.Max(0, filled - 3); // the separator may straddle two reads
            filled += read;
            if (filled >= 2 && buffer[0] == '\r' && buffer[1] == '\n') return (buffer, 0, 2);
            var end = buffer.AsSpan(from, filled - from).IndexOf("\r\n\r\n"u8);
            if (end >= 0) return (buffer, from + end + 2, from + end + 4);
        }
        // Headers only (or no blank line in reach): keep everything in the header block when it ends a line.
        if (filled == length && filled >= 2 && buffer[filled - 2] == '\r' && buffer[filled - 1] == '\n') return (buffer, filled, length);
        return (buffer, 0, 0);
    }

    /// <summary>
    /// The original's header block as it goes out: X-GovVN-* fields a sender put there renamed (see
    /// <see cref="UntrustedHeaders"/>), then the policy's subject tag. Both change only header bytes.
    /// </summary>
    static byte[] OriginalHeaderBlock(SpoolEntry entry, byte[] read, int headerBlockLength)
    {
        var block = UntrustedHeaders.Rename(read[..headerBlockLength]);
        return entry.Envelope.SubjectTag is { Length: > 0 } tag ? SubjectTagger.Apply(block, tag) : block;
    }

    static Header AddSectionAsOneHeader(MimeMessage message, byte[] block, string queueId)
    {
        var colon = Array.IndexOf(block, (byte)':');
        var lineEnd = Array.IndexOf(block, (byte)'\n');
        if (colon > 0 && (lineEnd < 0 || colon < lineEnd))
        {
            var field = Encoding.ASCII.GetString(block, 0, colon);
            // The constructor parses its value for some fields (Content-Type); the placeholder is replaced by the raw bytes.
            foreach (var placeholder in new[] { "", "text/plain" })
            {
                try
                {
                    var header = new Header(field, placeholder);
                    header.SetRawValue(block[(colon + 1)..]);
                    message.Headers.Add(header);
                    return header;
                }
                catch (Exception ex) when (ex is ArgumentException or ParseException)
                {
                    // Not a well-formed field name (e.g. "Subject :"), or a value this field cannot hold.
                }
            }
        }
        // Give the section a well-formed first line of our own: like Received, a header on top changes no signature.
        var ours = new Header("X-GovVN-Queue-ID", "");
        ours.SetRawValue(Encoding.ASCII.GetBytes(" " + queueId + "\r\n").Concat(block).ToArray());
        message.Headers.Add(ours);
        return ours;
    }

    /// <summary>The header lines to write above the original, each ending in CRLF, folds normalised to CRLF.</summary>
    public static byte[] PrependBytes(IEnumerable<string> headers)
    {
        var sb = new StringBuilder();
        foreach (var header in headers)
        {
            var line = header.Replace("\r\n", "\n").TrimEnd('\n').Replace("\n", "\r\n");
            if (line.Length == 0) continue;
            sb.Append(line).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Bytes MailKit will send (before dot-stuffing), for SIZE=.</summary>
    public static long Length(MimeMessage message) =>
        message.Body is RawMessageBody raw ? raw.TotalLength : throw new ArgumentException("Not a raw message.", nameof(message));

    /// <summary>Writes prepended headers + original to <paramref name="destination"/> (used for the outbox).</summary>
    public static async Task CopyToAsync(SpoolEntry entry, Stream destination, CancellationToken ct)
    {
        var prepend = PrependBytes(entry.Envelope.PrependHeaders);
        await destination.WriteAsync(prepend, ct).ConfigureAwait(false);
        // The header block may be rewritten; the blank line and body that follow are copied as they are.
        var (read, headerBlockLength, _) = FindHeaderEnd(entry);
        await destination.WriteAsync(OriginalHeaderBlock(entry, read, headerBlockLength), ct).ConfigureAwait(false);
        await using var source = entry.OpenMessage();
        source.Seek(headerBlockLength, SeekOrigin.Begin);
        await source.CopyToAsync(destination, 64 * 1024, ct).ConfigureAwait(false);
    }

    /// <summary>Never prepared: MimeMessage.Prepare would add a MIME-Version header of its own.</summary>
    sealed class RawMimeMessage : MimeMessage
    {
        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
        }
    }

    /// <summary>The body entity: copies the file from the body offset instead of serialising MIME. It has no headers of its own.</summary>
    sealed class RawMessageBody : MimePart
    {
        readonly SpoolEntry _entry;
        readonly long _offset;
        readonly bool _frozen;

        public RawMessageBody(SpoolEntry entry, long offset, string? bodyType)
        {
            _entry = entry;
            _offset = offset;
            // Read by MailKit only to choose BODY=8BITMIME / BINARYMIME on MAIL FROM; never used to encode.
            ContentTransferEncoding = bodyType?.ToUpperInvariant() switch
            {
                "8BITMIME" => ContentEncoding.EightBit,
                "BINARYMIME" => ContentEncoding.Binary,
                _ => ContentEncoding.SevenBit,
            };
            // MimeMessage writes the body's own headers too (Content-Type, Content-Transfer-Encoding) and, in strict
            // mode, adds MIME-Version when there are any: drop them, keeping the encoding value set above (the
            // base class would reset it when its header goes).
            _frozen = true;
            Headers.Clear();
        }

        protected override void OnHeadersChanged(HeaderListChangedAction action, Header? header)
        {
            if (!_frozen) base.OnHeadersChanged(action, header);
        }

        public long TotalLength { get; set; }

        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
            // Never re-encode: the original bytes are signed.
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            using var source = _entry.OpenMessage();
            source.Seek(_offset, SeekOrigin.Begin);
            source.CopyTo(stream, 64 * 1024);
        }

        public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            await using var source = _entry.OpenMessage();
            source.Seek(_offset, SeekOrigin.Begin);
            await source.CopyToAsync(stream, 64 * 1024, cancellationToken).ConfigureAwait(false);
        }
    }
}
