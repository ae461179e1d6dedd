using GovGateway.Spool;
using GovGateway.FileSystem;

namespace GovGateway.Delivery;

/// <summary>
/// The default when no upstream is configured: each message is written, prepended headers and original
/// bytes, to DATA/outbox/&lt;queueid&gt;.eml (temp file, fsync, rename, directory fsync) for another program to pick up.
/// </summary>
internal sealed class OutboxTransport : IMessageTransport
{
    readonly string _outbox;
    readonly DirectorySyncGroup _sync;

    public OutboxTransport(string dataDir)
    {
        _outbox = Path.Combine(Path.GetFullPath(dataDir), "outbox");
        PrivateFiles.CreateDirectory(_outbox);
        _sync = new DirectorySyncGroup(_outbox);
    }

    public string? RemoteMta => null;

    public async Task<Dictionary<string, RecipientResult>> DeliverAsync(SpoolEntry entry, IReadOnlyList<SpoolRecipient> pending, CancellationToken ct)
    {
        var target = Path.Combine(_outbox, entry.QueueId + ".eml");
        var tmp = Path.Combine(_outbox, "." + entry.QueueId + ".eml.tmp");
        RecipientResult result;
        try
        {
            await using (var file = PrivateFiles.Open(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await RawMessage.CopyToAsync(entry, file, ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            File.Move(tmp, target, overwrite: true);
            await _sync.SyncAsync().ConfigureAwait(false);
            result = new RecipientResult(ResultKind.Outbox, "250 2.0.0 written to outbox " + target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (IOException) { }
            result = new RecipientResult(ResultKind.Deferred, "451 4.3.0 outbox write failed: " + ex.Message);
        }
        return pending.ToDictionary(r => r.Address, _ => result, StringComparer.OrdinalIgnoreCase);
    }

    public Task CloseIdleAsync() => Task.CompletedTask;

    public ValueTask DisposeAsync() => default;
}
