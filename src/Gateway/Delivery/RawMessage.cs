using System.Text;
using GovGateway.Spool;
using MimeKit;

namespace GovGateway.Delivery;

/// <summary>
/// Hands MailKit a message whose bytes are exactly the spooled original plus the prepended header lines.
/// MimeMessage.WriteTo writes its own header list (left empty here) and then its body entity; the body is a
/// <see cref="RawMessageBody"/> whose WriteTo copies the file untouched, so MailKit's re-serialisation,
/// re-folding and Prepare() (7bit downgrade) never touch the original: S/MIME and DKIM signatures stay valid.
/// MailKit still does the SMTP dot-stuffing, which the receiver undoes.
/// </summary>
internal static class RawMessage
{
    public static MimeMessage Create(SpoolEntry entry)
    {
        var message = new MimeMessage();
        message.Headers.Clear();
        message.Body = new RawMessageBody(entry.MessagePath, PrependBytes(entry.Envelope.PrependHeaders), entry.Envelope.BodyType);
        return message;
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

    /// <summary>Total bytes MailKit will send (before dot-stuffing), for SIZE=.</summary>
    public static long Length(MimeMessage message) =>
        message.Body is RawMessageBody raw ? raw.Length : throw new ArgumentException("Not a raw message.", nameof(message));

    /// <summary>Writes prepended headers + original to <paramref name="destination"/> (used for the outbox).</summary>
    public static async Task CopyToAsync(SpoolEntry entry, Stream destination, CancellationToken ct)
    {
        var prepend = PrependBytes(entry.Envelope.PrependHeaders);
        await destination.WriteAsync(prepend, ct).ConfigureAwait(false);
        await using var source = entry.OpenMessage();
        await source.CopyToAsync(destination, 64 * 1024, ct).ConfigureAwait(false);
    }

    /// <summary>The body entity that writes the raw bytes instead of serialising MIME.</summary>
    sealed class RawMessageBody : MimePart
    {
        readonly string _path;
        readonly byte[] _prepend;

        public RawMessageBody(string path, byte[] prepend, string? bodyType)
        {
            _path = path;
            _prepend = prepend;
            // Only read by MailKit to choose BODY=8BITMIME / BINARYMIME on MAIL FROM; never used to encode.
            ContentTransferEncoding = bodyType?.ToUpperInvariant() switch
            {
                "8BITMIME" => ContentEncoding.EightBit,
                "BINARYMIME" => ContentEncoding.Binary,
                _ => ContentEncoding.SevenBit,
            };
            Length = prepend.Length + new FileInfo(path).Length;
        }

        public long Length { get; }

        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
            // Never re-encode: the original bytes are signed.
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            stream.Write(_prepend);
            using var source = Open();
            source.CopyTo(stream, 64 * 1024);
        }

        public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            await stream.WriteAsync(_prepend, cancellationToken).ConfigureAwait(false);
            await using var source = Open();
            await source.CopyToAsync(stream, 64 * 1024, cancellationToken).ConfigureAwait(false);
        }

        FileStream Open() => new(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            64 * 1024, FileOptions.SequentialScan | FileOptions.Asynchronous);
    }
}
