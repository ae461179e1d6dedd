namespace GovGateway.Spool;

/// <summary>A committed message: its envelope and where its bytes are.</summary>
public sealed class SpoolEntry
{
    internal SpoolEntry(SpoolEnvelope envelope, string messagePath, long size)
    {
        Envelope = envelope;
        MessagePath = messagePath;
        Size = size;
    }

    public string QueueId => Envelope.QueueId;
    public SpoolEnvelope Envelope { get; }
    /// <summary>The original bytes as received (without the prepended headers).</summary>
    public string MessagePath { get; }
    public long Size { get; }

    public Stream OpenMessage() => new FileStream(MessagePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
        64 * 1024, FileOptions.SequentialScan | FileOptions.Asynchronous);
}
