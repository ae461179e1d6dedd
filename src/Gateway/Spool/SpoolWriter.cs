using GovGateway.FileSystem;
namespace GovGateway.Spool;

/// <summary>
/// The file a message is received into (DATA/spool/incoming/&lt;id&gt;.eml). The SMTP engine streams the raw
/// bytes into it; <see cref="Spool.CommitAsync"/> makes it durable and moves it into the queue. Disposing a
/// writer that was not committed (or handed to the quarantine) deletes the file: that message never got 250.
/// </summary>
internal sealed class SpoolWriter : Stream
{
    readonly Spool _owner;
    FileStream? _file;
    int _state; // 0 writing, 1 consumed (committed or quarantined), 2 disposed

    /// <param name="reuse">The file at <paramref name="path"/> is a spare moved there: open it emptied instead of creating one.</param>
    internal SpoolWriter(Spool owner, string queueId, string path, bool reuse = false)
    {
        _owner = owner;
        QueueId = queueId;
        FilePath = path;
        _file = PrivateFiles.Open(path, reuse ? FileMode.Truncate : FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete,
            WriteBufferSize, FileOptions.None);
    }

    // Every FileStream allocates its buffer anew, and a message passes through four of them (received, checked,
    // read twice for delivery): at 64 KB each they were half of everything the gateway allocated for a 10 KB message.
    // Reads get a buffer the size of the file (up to 64 KB); the write buffer is 16 KB (a 1 MB message: 64 writes).
    const int WriteBufferSize = 16 * 1024;
    internal const int MaxReadBuffer = 64 * 1024;

    internal static int ReadBufferSize(long fileLength) => (int)Math.Clamp(fileLength + 1, 4096, MaxReadBuffer);

    public string QueueId { get; }
    /// <summary>Where the bytes are while being received.</summary>
    public string FilePath { get; }
    public bool IsCommitted => Volatile.Read(ref _state) == 1;

    FileStream File => _file ?? throw new ObjectDisposedException(nameof(SpoolWriter), "The message was already committed or discarded.");

    /// <summary>Opens the bytes written so far for reading (e.g. for policy checks) without ending the writer.</summary>
    public Stream OpenRead()
    {
        _file?.Flush(flushToDisk: false);
        return new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            bufferSize: ReadBufferSize(_file?.Length ?? MaxReadBuffer), FileOptions.SequentialScan);
    }

    /// <summary>fsyncs the content and closes the file; after this only a move or delete can follow.</summary>
    internal void SyncAndClose() => SealAndClose(null);

    /// <summary>Appends the envelope (see <see cref="QueueFile"/>) when given, fsyncs once and closes the file.</summary>
    internal void SealAndClose(byte[]? envelopeJson)
    {
        var file = File;
        if (envelopeJson is not null) QueueFile.Seal(file, envelopeJson);
        else file.Flush(flushToDisk: true);
        file.Dispose();
        _file = null;
    }

    /// <summary>The file now belongs to the queue or the quarantine; disposing must no longer delete it.</summary>
    /// <param name="release">False when the caller ends the id's "being committed" state itself (see <see cref="Spool.IsBeingCommitted"/>).</param>
    internal void MarkConsumed(bool release = true)
    {
        Volatile.Write(ref _state, 1);
        if (release) _owner.WriterClosed(QueueId);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => _file is not null;
    public override long Length => File.Length;
    public override long Position { get => File.Position; set => throw new NotSupportedException(); }
    public override void Flush() => File.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => File.FlushAsync(cancellationToken);
    public override void Write(byte[] buffer, int offset, int count) => File.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => File.Write(buffer);
    public override void WriteByte(byte value) => File.WriteByte(value);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        File.WriteAsync(buffer, offset, count, cancellationToken);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        File.WriteAsync(buffer, cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            var consumed = Interlocked.CompareExchange(ref _state, 2, 0) != 0;
            try
            {
                _file?.Dispose();
            }
            catch (IOException)
            {
                // A failed final flush (disk full) only matters for a message that was going to be kept.
            }
            _file = null;
            if (!consumed)
            {
                try { System.IO.File.Delete(FilePath); } catch (IOException) { }
                _owner.WriterClosed(QueueId);
            }
        }
        base.Dispose(disposing);
    }
}
