using MimeKit;

namespace GovGateway.Policies.Content;

/// <summary>
/// The decoded content of an attachment as a seekable stream, without holding it in memory: a part that is not
/// transfer-encoded is read where it lies (a range of the spool file when the message was parsed persistently); an
/// encoded one (base64, quoted-printable) is decoded once, streaming, into a temporary file that only this process can
/// read (0600, in a 0700 folder, deleted on close). Small parts stay in memory, where a file would cost more than it saves.
/// </summary>
internal static class PartContent
{
    /// <summary>Decoded parts up to this size are kept in memory.</summary>
    public const int InMemoryLimit = 256 * 1024;

    private static readonly Lazy<string> TempFolder = new(() => Directory.CreateTempSubdirectory("govgateway-parts-").FullName);

    /// <summary>A stream the caller disposes; disposing it never disposes the message's own streams.</summary>
    public static Stream Open(MimePart part, CancellationToken ct)
    {
        if (part.Content?.Stream is not { } raw) return new MemoryStream([], writable: false);
        if (part.Content.Encoding is ContentEncoding.Default or ContentEncoding.SevenBit or ContentEncoding.EightBit or ContentEncoding.Binary
            && raw.CanSeek)
        {
            raw.Seek(0, SeekOrigin.Begin);
            return new ReadOnlyView(raw);
        }
        var estimate = raw.CanSeek ? raw.Length : long.MaxValue;
        if (estimate <= InMemoryLimit)
        {
            var memory = new MemoryStream((int)estimate);
            part.Content.DecodeTo(memory, ct);
            memory.Position = 0;
            return memory;
        }
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Options = FileOptions.DeleteOnClose,
            BufferSize = 64 * 1024,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var file = new FileStream(Path.Combine(TempFolder.Value, Path.GetRandomFileName()), options);
        try
        {
            part.Content.DecodeTo(file, ct);
            file.Flush();
            file.Position = 0;
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads up to <paramref name="max"/> bytes from the start of <paramref name="stream"/>.</summary>
    public static byte[] Head(Stream stream, int max)
    {
        stream.Position = 0;
        var buffer = new byte[(int)Math.Min(max, stream.Length)];
        stream.ReadExactly(buffer);
        stream.Position = 0;
        return buffer;
    }

    /// <summary>A view of <paramref name="stream"/> for a library that closes what it is given (PdfPig, Open XML SDK).</summary>
    public static Stream Borrow(Stream stream)
    {
        stream.Position = 0;
        return new ReadOnlyView(stream);
    }

    /// <summary>A seekable, read-only window on the part's stream that leaves it open when disposed.</summary>
    private sealed class ReadOnlyView(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        // PdfPig reads a byte at a time: Stream's default would allocate an array and make two calls for each.
        public override int ReadByte() => inner.ReadByte();
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
