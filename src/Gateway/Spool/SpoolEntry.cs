namespace GovGateway.Spool;

/// <summary>A committed message: its envelope and where its bytes are.</summary>
internal sealed class SpoolEntry
{
    internal SpoolEntry(SpoolEnvelope envelope, string messagePath, long size)
    {
        Envelope = envelope;
        MessagePath = messagePath;
        Size = size;
    }

    public string QueueId => Envelope.QueueId;
    public SpoolEnvelope Envelope { get; }
    /// <summary>The queue file: the original bytes as received, then the envelope it was committed with (<see cref="QueueFile"/>).</summary>
    public string MessagePath { get; }
    /// <summary>Length of the original bytes, where the queue file's envelope starts.</summary>
    public long Size { get; }

    /// <summary>The original bytes as received (without the prepended headers or the envelope).</summary>
    public Stream OpenMessage() => new MimeKit.IO.BoundStream(
        new FileStream(MessagePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, SpoolWriter.ReadBufferSize(Size),
            FileOptions.SequentialScan | FileOptions.Asynchronous),
        0, Size, leaveOpen: false);
}
