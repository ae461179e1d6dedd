namespace GovGateway.Policies.Signatures.Pdf;

/// <summary>
/// The first <c>length</c> bytes of a seekable stream as a read-only stream of their own, without copying: a
/// signed revision of a PDF is the file cut at the end of the signature's byte range, and PdfPig reads it as a
/// whole document. The source is not disposed with the window.
/// PdfPig reads a byte at a time; those are served from a small buffer of the window's own (the source is shared with
/// the signature checks, which move its position, so each refill seeks first): one byte through the source each time
/// cost a seek, a read and, through <see cref="Stream.ReadByte"/>'s default, an array.
/// </summary>
internal sealed class StreamWindow(Stream source, long length) : Stream
{
    private const int BufferSize = 8 * 1024;

    private readonly byte[] _buffer = new byte[BufferSize];
    private long _bufferStart; // file offset of _buffer[0]
    private int _buffered; // bytes of _buffer that hold the file from _bufferStart
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var left = length - _position;
        if (left <= 0 || buffer.IsEmpty) return 0;
        if (buffer.Length > left) buffer = buffer[..(int)left];
        if (!InBuffer() && buffer.Length >= BufferSize)
        {
            source.Position = _position;
            var direct = source.Read(buffer);
            _position += direct;
            return direct;
        }
        if (!InBuffer() && !Fill()) return 0;
        var offset = (int)(_position - _bufferStart);
        var count = Math.Min(buffer.Length, _buffered - offset);
        _buffer.AsSpan(offset, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override int ReadByte()
    {
        if (_position >= length || (!InBuffer() && !Fill())) return -1;
        return _buffer[(int)(_position++ - _bufferStart)];
    }

    private bool InBuffer() => _position >= _bufferStart && _position < _bufferStart + _buffered;

    /// <summary>Reads the window from the current position into the buffer; false at the source's end.</summary>
    private bool Fill()
    {
        source.Position = _position;
        _bufferStart = _position;
        _buffered = source.Read(_buffer, 0, (int)Math.Min(BufferSize, length - _position));
        return _buffered > 0;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        return _position;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
