using System.Text.Json;
using GovGateway.Spool;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using GovGateway.FileSystem;

namespace GovGateway.Quarantine;

/// <summary>What is stored beside a quarantined message.</summary>
internal sealed class QuarantineRecord
{
    public SpoolEnvelope Envelope { get; set; } = new();
    public string Reason { get; set; } = "";
    public DateTime QuarantinedUtc { get; set; }
}

/// <summary>A quarantined message.</summary>
internal sealed class QuarantineEntry
{
    internal QuarantineEntry(string id, QuarantineRecord record, string messagePath, long size)
    {
        Id = id;
        Record = record;
        MessagePath = messagePath;
        Size = size;
    }

    public string Id { get; }
    public QuarantineRecord Record { get; }
    public string MessagePath { get; }
    public long Size { get; }

    public Stream OpenMessage() => new FileStream(MessagePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
        64 * 1024, FileOptions.SequentialScan);
}

/// <summary>
/// Messages held back for an administrator, under DATA/quarantine/ (&lt;id&gt;.eml + &lt;id&gt;.json, written like the
/// spool: fsync, atomic rename, directory fsync). Release moves a message into the spool queue for delivery.
/// The id is the queue id the message was received under.
/// </summary>
internal sealed class QuarantineStore
{
    const string MessageExt = ".eml";
    const string RecordExt = ".json";

    readonly string _dataDir;
    readonly GovGateway.Spool.Spool? _spool;
    readonly ILogger _logger;
    readonly DirectorySyncGroup _sync;

    /// <param name="spool">The running gateway's spool, so a release is delivered at once; other processes leave it null
    /// and the delivery service finds released messages on its next scan.</param>
    public QuarantineStore(string dataDir, GovGateway.Spool.Spool? spool = null, ILogger<QuarantineStore>? logger = null)
    {
        _dataDir = Path.GetFullPath(dataDir);
        _spool = spool;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Directory = Path.Combine(_dataDir, "quarantine");
        PrivateFiles.CreateDirectory(Directory);
        _sync = new DirectorySyncGroup(Directory);
    }

    public string Directory { get; }

    /// <summary>Durably moves a received message into the quarantine instead of the queue. Returns its id.</summary>
    public async Task<string> AddAsync(SpoolWriter writer, SpoolEnvelope envelope, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(envelope);
        if (writer.IsCommitted) throw new InvalidOperationException($"Message {writer.QueueId} was already committed.");
        ct.ThrowIfCancellationRequested();
        var id = writer.QueueId;
        envelope.QueueId = id;
        if (envelope.ReceivedUtc == default) envelope.ReceivedUtc = DateTime.UtcNow;
        var record = new QuarantineRecord { Envelope = envelope, Reason = reason, QuarantinedUtc = DateTime.UtcNow };
        var eml = Path.Combine(Directory, id + MessageExt);
        var json = Path.Combine(Directory, id + RecordExt);
        var tmp = json + ".tmp";
        try
        {
            writer.SyncAndClose();
            EnvelopeJson.WriteDurable(tmp, EnvelopeJson.Serialize(record));
            File.Move(writer.FilePath, eml);
            File.Move(tmp, json);
            await _sync.SyncAsync().ConfigureAwait(false);
            writer.MarkConsumed();
        }
        catch
        {
            Spool.Spool.TryDelete(json);
            Spool.Spool.TryDelete(eml);
            Spool.Spool.TryDelete(tmp);
            throw;
        }
        _logger.LogDebug("Quarantined message {QueueId}: {Reason}", id, reason); // the message's own line says it, with the client's reply
        return id;
    }

    /// <summary>Every quarantined message, oldest first.</summary>
    public IEnumerable<QuarantineEntry> List()
    {
        var ids = System.IO.Directory.EnumerateFiles(Directory, "*" + RecordExt)
            .Select(Path.GetFileNameWithoutExtension)
            .Where(QueueId.IsValid)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var id in ids)
        {
            var entry = Get(id!);
            if (entry is not null) yield return entry;
        }
    }

    public QuarantineEntry? Get(string id)
    {
        if (!QueueId.IsValid(id)) return null;
        var eml = Path.Combine(Directory, id + MessageExt);
        try
        {
            var record = EnvelopeJson.Deserialize<QuarantineRecord>(File.ReadAllBytes(Path.Combine(Directory, id + RecordExt)));
            if (record is null) return null;
            return new QuarantineEntry(id, record, eml, new FileInfo(eml).Length);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException ex)
        {
            _logger.LogError(ex, "Quarantine record {Id} is unreadable", id);
            return null;
        }
    }

    /// <summary>Moves a quarantined message into the spool queue for delivery now. Returns null when there is no such message.</summary>
    public async Task<SpoolEntry?> ReleaseAsync(string id, CancellationToken ct = default)
    {
        var entry = Get(id);
        if (entry is null) return null;
        var envelope = entry.Record.Envelope;
        envelope.QueueId = id;
        envelope.NextAttemptUtc = DateTime.UtcNow;
        var spool = _spool ?? new GovGateway.Spool.Spool(_dataDir);
        var queued = await spool.AdoptAsync(entry.MessagePath, envelope, ct).ConfigureAwait(false);
        Spool.Spool.TryDelete(Path.Combine(Directory, id + RecordExt));
        await _sync.SyncAsync().ConfigureAwait(false);
        _logger.LogInformation("Released quarantined message {QueueId} for delivery", id);
        return queued;
    }

    /// <summary>Synchronous <see cref="ReleaseAsync"/> for command-line use.</summary>
    public SpoolEntry? Release(string id) => ReleaseAsync(id).GetAwaiter().GetResult();

    /// <summary>Deletes a quarantined message. Returns false when there was no such message.</summary>
    public bool Delete(string id)
    {
        if (!QueueId.IsValid(id)) return false;
        var existed = Spool.Spool.TryDelete(Path.Combine(Directory, id + RecordExt));
        Spool.Spool.TryDelete(Path.Combine(Directory, id + MessageExt));
        return existed;
    }

}
