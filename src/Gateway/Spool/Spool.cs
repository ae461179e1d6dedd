using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using GovGateway.FileSystem;

namespace GovGateway.Spool;

/// <summary>
/// The durable message queue under DATA/spool. A message is received into incoming/&lt;id&gt;.eml; committing
/// appends its envelope (<see cref="QueueFile"/>), fsyncs the file once, renames it to queue/&lt;id&gt;.msg and
/// fsyncs queue/ (shared with concurrent commits). That rename is the commit point.
/// A later change of the envelope (delivery attempts, administrators) is written to queue/&lt;id&gt;.json, which
/// then supersedes the one inside the .msg. Administrators' tools (another process) read and change the same
/// files; every change is a write to a temporary file followed by an atomic rename, so readers never see half a file.
/// </summary>
internal sealed class Spool
{
    const string IncomingExt = ".eml";
    const string MessageExt = ".msg";
    const string EnvelopeExt = ".json";
    const string TempExt = ".tmp";
    const string RetryExt = ".retry";
    const string ReasonExt = ".reason";

    /// <summary>How many emptied queue files are kept for reuse (see <see cref="SpareFiles"/>).</summary>
    const int SpareCapacity = 512;

    readonly ILogger _logger;
    readonly SpareFiles _spares;
    readonly DirectorySyncGroup _queueSync;
    // Ids whose files are still owned by this process (being received or being committed), so recovery leaves them alone.
    readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);

    readonly string _nodeTag;

    /// <param name="nodeName">This node's name (Node:Name), tagged into every queue id; null: the host name.</param>
    public Spool(string dataDir, ILogger<Spool>? logger = null, string? nodeName = null)
    {
        _nodeTag = QueueId.NodeTag(nodeName ?? Environment.MachineName);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Root = Path.Combine(Path.GetFullPath(dataDir), "spool");
        IncomingDir = Path.Combine(Root, "incoming");
        QueueDir = Path.Combine(Root, "queue");
        PrivateFiles.CreateDirectory(IncomingDir);
        PrivateFiles.CreateDirectory(QueueDir);
        _spares = new SpareFiles(Path.Combine(Root, "free"), SpareCapacity);
        _queueSync = new DirectorySyncGroup(QueueDir);
    }

    public string Root { get; }
    public string IncomingDir { get; }
    public string QueueDir { get; }
    /// <summary>spool/corrupt/: queue files moved aside because their envelope is damaged or their bytes changed (<see cref="MoveAside"/>).</summary>
    public string CorruptDir => Path.Combine(Root, "corrupt");

    int _movedAside;

    /// <summary>How many queue files this process has moved aside.</summary>
    public int MovedAsideCount => Volatile.Read(ref _movedAside);

    /// <summary>Raised after a message is committed (in this process), so delivery can start at once.</summary>
    public event Action<SpoolEntry>? MessageCommitted;

    /// <summary>Raised when <see cref="MarkForRetry"/> is called in this process.</summary>
    public event Action<string>? RetryRequested;

    /// <summary>Starts receiving a message into incoming/.</summary>
    public SpoolWriter BeginMessage()
    {
        while (true)
        {
            var id = QueueId.New(nodeTag: _nodeTag);
            if (!_active.TryAdd(id, 0)) continue;
            try
            {
                var path = Path.Combine(IncomingDir, id + IncomingExt);
                return new SpoolWriter(this, id, path, reuse: _spares.TryTake(path));
            }
            catch
            {
                _active.TryRemove(id, out _);
                throw;
            }
        }
    }

    internal void WriterClosed(string queueId) => _active.TryRemove(queueId, out _);

    /// <summary>
    /// Makes the message durable in the queue. Only after this returns may the SMTP server answer 250; any
    /// exception (disk full, I/O error) means nothing was committed and the client must be told 451/452.
    /// </summary>
    public Task<SpoolEntry> CommitAsync(SpoolWriter writer, SpoolEnvelope envelope, CancellationToken ct = default) =>
        CommitAsync(writer, envelope, committed: null, ct);

    /// <summary>
    /// <see cref="CommitAsync(SpoolWriter, SpoolEnvelope, CancellationToken)"/>, running <paramref name="committed"/> once
    /// the message is durable and before delivery is told of it, for what must happen before the message can be
    /// delivered and removed (the audit log takes the record the message carries).
    /// </summary>
    public Task<SpoolEntry> CommitAsync(SpoolWriter writer, SpoolEnvelope envelope, Action<SpoolEntry>? committed, CancellationToken ct = default) =>
        CommitAsync(writer, envelope, committed, hold: false, ct);

    /// <summary>
    /// Commits like <see cref="CommitAsync(SpoolWriter, SpoolEnvelope, Action{SpoolEntry}?, CancellationToken)"/> (durable,
    /// <paramref name="committed"/> run), but holds the message back from delivery until <see cref="ReleaseHeld"/> (the
    /// 250 reached the client) or <see cref="WithdrawHeld"/> (it did not: the client will send again). Until then it counts
    /// as being committed, so queue scans leave it alone. After a crash it is an ordinary queued message and is delivered.
    /// </summary>
    public Task<SpoolEntry> CommitHeldAsync(SpoolWriter writer, SpoolEnvelope envelope, Action<SpoolEntry>? committed, CancellationToken ct = default) =>
        CommitAsync(writer, envelope, committed, hold: true, ct);

    /// <summary>Hands a message committed with <see cref="CommitHeldAsync"/> to delivery.</summary>
    public void ReleaseHeld(SpoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try { Tell(MessageCommitted, entry, "MessageCommitted handler"); }
        finally { _active.TryRemove(entry.QueueId, out _); }
    }

    /// <summary>
    /// Removes a message committed with <see cref="CommitHeldAsync"/> before delivery ever saw it. Returns false when its
    /// file could not be removed (it then stays queued and is delivered: a duplicate rather than a loss).
    /// </summary>
    public bool WithdrawHeld(SpoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            if (Delete(entry.QueueId) && !File.Exists(entry.MessagePath))
            {
                Fsync.Path(QueueDir); // rare: only a client that left before its 250
                _active.TryRemove(entry.QueueId, out _);
                return true;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "Could not withdraw message {QueueId}", entry.QueueId);
        }
        ReleaseHeld(entry);
        return false;
    }

    async Task<SpoolEntry> CommitAsync(SpoolWriter writer, SpoolEnvelope envelope, Action<SpoolEntry>? committed, bool hold, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(envelope);
        if (writer.IsCommitted) throw new InvalidOperationException($"Message {writer.QueueId} was already committed.");
        ct.ThrowIfCancellationRequested();

        var id = writer.QueueId;
        var now = DateTime.UtcNow;
        envelope.QueueId = id;
        if (envelope.ReceivedUtc == default) envelope.ReceivedUtc = now;
        if (envelope.NextAttemptUtc == default) envelope.NextAttemptUtc = envelope.ReceivedUtc;

        var queued = Path.Combine(QueueDir, id + MessageExt);
        long size;
        try
        {
            size = writer.Length;
            writer.SealAndClose(EnvelopeJson.Serialize(envelope));
            File.Move(writer.FilePath, queued);
            await _queueSync.SyncAsync().ConfigureAwait(false);
            writer.MarkConsumed(release: false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Commit of message {QueueId} failed; nothing was queued", id);
            TryDelete(queued);
            TryDelete(writer.FilePath);
            _active.TryRemove(id, out _);
            throw;
        }

        var entry = new SpoolEntry(envelope, queued, size);
        _logger.LogDebug("Committed message {QueueId} ({Size} bytes, {Recipients} recipients)", id, entry.Size, envelope.Recipients.Count);
        if (hold) Tell(committed, entry, "commit callback"); // delivery is told at ReleaseHeld
        else Publish(entry, committed);
        return entry;
    }

    /// <summary>Tells the committer's callback and then the listeners of a message now durable in queue/, then ends its "being committed" state.</summary>
    void Publish(SpoolEntry entry, Action<SpoolEntry>? committed = null)
    {
        try
        {
            Tell(committed, entry, "commit callback");
            Tell(MessageCommitted, entry, "MessageCommitted handler");
        }
        finally
        {
            // Only now, with the listeners told, may a queue scan treat the message as found on disk.
            _active.TryRemove(entry.QueueId, out _);
        }
    }

    void Tell(Action<SpoolEntry>? listener, SpoolEntry entry, string what)
    {
        try
        {
            listener?.Invoke(entry);
        }
        catch (Exception ex)
        {
            // The message is durable; a failing listener must not turn a committed message into a 451.
            _logger.LogError(ex, "A {Listener} failed for {QueueId}", what, entry.QueueId);
        }
    }

    /// <summary>
    /// Moves an already durable message file (e.g. from the quarantine) into the queue with a new envelope.
    /// The file must be on the same file system as the spool.
    /// </summary>
    internal async Task<SpoolEntry> AdoptAsync(string messagePath, SpoolEnvelope envelope, CancellationToken ct)
    {
        var id = envelope.QueueId;
        if (!QueueId.IsValid(id)) throw new ArgumentException($"Invalid queue id '{id}'.", nameof(envelope));
        var queued = Path.Combine(QueueDir, id + MessageExt);
        if (File.Exists(queued)) throw new IOException($"Message {id} is already in the queue.");
        _active.TryAdd(id, 0);
        long size = -1;
        try
        {
            using (var file = new FileStream(messagePath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
            {
                size = file.Length;
                QueueFile.Seal(file, EnvelopeJson.Serialize(envelope));
            }
            File.Move(messagePath, queued);
            await _queueSync.SyncAsync().ConfigureAwait(false);
        }
        catch
        {
            // Leave the source as it was: the bytes as received, without the envelope appended above.
            if (size >= 0 && File.Exists(messagePath))
            {
                try { using var file = new FileStream(messagePath, FileMode.Open, FileAccess.Write, FileShare.Read); file.SetLength(size); }
                catch (IOException) { /* reported by the exception below */ }
            }
            _active.TryRemove(id, out _);
            throw;
        }
        var entry = new SpoolEntry(envelope, queued, size);
        Publish(entry);
        return entry;
    }

    /// <summary>Every committed message, oldest first. Messages removed while listing are skipped.</summary>
    public IEnumerable<SpoolEntry> List()
    {
        foreach (var id in ListIds())
        {
            var entry = Get(id);
            if (entry is not null) yield return entry;
        }
    }

    /// <summary>Ids of the committed messages (the .msg files in queue/), sorted, without reading them.</summary>
    public IReadOnlyList<string> ListIds()
    {
        var ids = new List<string>();
        foreach (var path in Directory.EnumerateFiles(QueueDir, "*" + MessageExt))
        {
            var id = Path.GetFileNameWithoutExtension(path);
            if (QueueId.IsValid(id)) ids.Add(id);
        }
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <summary>
    /// True while this process is committing the message: it may already be in queue/, but <see cref="MessageCommitted"/>
    /// has not been raised for it yet.
    /// </summary>
    public bool IsBeingCommitted(string id) => _active.ContainsKey(id);

    /// <summary>True when a message with this id is committed in the queue now.</summary>
    public bool Contains(string id) => QueueId.IsValid(id) && File.Exists(Path.Combine(QueueDir, id + MessageExt));

    /// <summary>The committed message with this id, or null (unknown id, not committed, or unreadable envelope).</summary>
    public SpoolEntry? Get(string id) => Get(id, out _);

    /// <summary>
    /// The committed message with this id, or null; when its file is there but its envelope cannot be read,
    /// <paramref name="damage"/> says what is wrong (see <see cref="MoveAside"/>).
    /// </summary>
    public SpoolEntry? Get(string id, out string? damage)
    {
        damage = null;
        if (!QueueId.IsValid(id)) return null;
        var path = Path.Combine(QueueDir, id + MessageExt);
        try
        {
            (long Length, byte[] Json)? sealedEnvelope;
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None))
                sealedEnvelope = QueueFile.ReadEnvelope(file);
            if (sealedEnvelope is not { } found)
            {
                damage = "the queue file has no envelope at its end (truncated or overwritten)";
                _logger.LogError("Queued message {QueueId} has no envelope at its end", id);
                return null;
            }
            var json = found.Json;
            try
            {
                // A rewritten envelope (delivery attempts, administrators) supersedes the one sealed into the file.
                json = File.ReadAllBytes(Path.Combine(QueueDir, id + EnvelopeExt));
            }
            catch (FileNotFoundException) { }
            var envelope = EnvelopeJson.Deserialize<SpoolEnvelope>(json);
            if (envelope is null)
            {
                damage = "the envelope is empty";
                return null;
            }
            envelope.QueueId = id;
            return new SpoolEntry(envelope, path, found.Length);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException ex)
        {
            damage = "the envelope is unreadable: " + ex.Message;
            _logger.LogError(ex, "Envelope of queued message {QueueId} is unreadable", id);
            return null;
        }
    }

    /// <summary>
    /// Null when the message bytes still have the SHA-256 recorded when they were accepted (or none was recorded);
    /// otherwise what is wrong. A message that changed on disk after its 250 is not the one the policy passed.
    /// </summary>
    public static string? CheckContent(SpoolEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Envelope.Sha256 is not { } expected) return null;
        string actual;
        using (var stream = entry.OpenMessage())
            actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        return string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase) ? null
            : $"the message bytes changed after acceptance (SHA-256 recorded {expected}, now {actual})";
    }

    /// <summary>
    /// Takes a damaged message out of the queue into spool/corrupt/ (with its newer envelope, if any, and a .reason
    /// file saying why), so it is neither delivered nor retried, and stays for an administrator (`gateway queue list`).
    /// Returns false when the message was no longer queued.
    /// </summary>
    public bool MoveAside(string id, string reason)
    {
        if (!QueueId.IsValid(id)) return false;
        var message = Path.Combine(QueueDir, id + MessageExt);
        if (!File.Exists(message)) return false;
        PrivateFiles.CreateDirectory(CorruptDir);
        var reasonPath = Path.Combine(CorruptDir, id + ReasonExt);
        // The reason first: a file in corrupt/ always says why it is there.
        EnvelopeJson.WriteDurable(reasonPath, System.Text.Encoding.UTF8.GetBytes($"{DateTime.UtcNow:O} {reason}\n"));
        try
        {
            File.Move(message, Path.Combine(CorruptDir, id + MessageExt), overwrite: true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            TryDelete(reasonPath);
            return false;
        }
        try { File.Move(Path.Combine(QueueDir, id + EnvelopeExt), Path.Combine(CorruptDir, id + EnvelopeExt), overwrite: true); }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException) { }
        TryDelete(Path.Combine(QueueDir, id + RetryExt));
        Fsync.Path(QueueDir);
        Fsync.Path(CorruptDir);
        Interlocked.Increment(ref _movedAside);
        _logger.LogError("Queued message {QueueId} moved aside to {Dir} and not delivered: {Reason}", id, CorruptDir, reason);
        return true;
    }

    /// <summary>The messages in spool/corrupt/, oldest first, with why they were moved there.</summary>
    public IReadOnlyList<CorruptQueueFile> ListCorrupt()
    {
        if (!Directory.Exists(CorruptDir)) return [];
        var list = new List<CorruptQueueFile>();
        foreach (var path in Directory.EnumerateFiles(CorruptDir, "*" + MessageExt))
        {
            var id = Path.GetFileNameWithoutExtension(path);
            string reason;
            try { reason = File.ReadAllText(Path.Combine(CorruptDir, id + ReasonExt)).Trim(); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { reason = "(no reason recorded)"; }
            var info = new FileInfo(path);
            list.Add(new CorruptQueueFile(id, reason, info.LastWriteTimeUtc, info.Exists ? info.Length : 0));
        }
        return list.OrderBy(c => c.QueueId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The envelope of a message moved aside to spool/corrupt/ when it can still be read (its newer .json, else the
    /// one sealed into the file), or null; <paramref name="exists"/> says whether there is such a message at all.
    /// </summary>
    public SpoolEnvelope? GetCorruptEnvelope(string id, out bool exists)
    {
        exists = false;
        if (!QueueId.IsValid(id)) return null;
        var message = Path.Combine(CorruptDir, id + MessageExt);
        exists = File.Exists(message);
        if (!exists) return null;
        try
        {
            byte[]? json = null;
            try { json = File.ReadAllBytes(Path.Combine(CorruptDir, id + EnvelopeExt)); }
            catch (FileNotFoundException) { }
            if (json is null)
            {
                using var file = new FileStream(message, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                json = QueueFile.ReadEnvelope(file)?.EnvelopeJson;
            }
            var envelope = json is null ? null : EnvelopeJson.Deserialize<SpoolEnvelope>(json);
            if (envelope is not null) envelope.QueueId = id;
            return envelope;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null; // damaged: that is why it is there
        }
    }

    /// <summary>Removes a message moved aside to spool/corrupt/ with its envelope and reason. False when there was none.</summary>
    public bool DeleteCorrupt(string id)
    {
        if (!QueueId.IsValid(id)) return false;
        var existed = TryDelete(Path.Combine(CorruptDir, id + MessageExt));
        TryDelete(Path.Combine(CorruptDir, id + EnvelopeExt));
        TryDelete(Path.Combine(CorruptDir, id + ReasonExt));
        if (existed) Fsync.Path(CorruptDir);
        return existed;
    }

    /// <summary>Removes a message from the queue. Returns false when there was no such message.</summary>
    public bool Delete(string id)
    {
        if (!QueueId.IsValid(id)) return false;
        var json = Path.Combine(QueueDir, id + EnvelopeExt);
        // The .msg first: that un-commits the message; what is left is removed by recovery if this stops halfway.
        var existed = _spares.Return(Path.Combine(QueueDir, id + MessageExt), id);
        TryDelete(json);
        TryDelete(Path.Combine(QueueDir, id + RetryExt));
        TryDelete(json + TempExt);
        return existed;
    }

    /// <summary>
    /// Asks for an immediate delivery attempt. Works across processes: it leaves a marker file that the
    /// running delivery service picks up on its next scan (and at once when called in the same process).
    /// </summary>
    public bool MarkForRetry(string id)
    {
        if (!QueueId.IsValid(id) || !File.Exists(Path.Combine(QueueDir, id + MessageExt))) return false;
        PrivateFiles.WriteAllBytes(Path.Combine(QueueDir, id + RetryExt), []);
        RetryRequested?.Invoke(id);
        return true;
    }

    /// <summary>Ids with a pending retry request; the markers are removed as they are returned.</summary>
    internal List<string> TakeRetryRequests()
    {
        var ids = new List<string>();
        foreach (var path in Directory.EnumerateFiles(QueueDir, "*" + RetryExt))
        {
            var id = Path.GetFileNameWithoutExtension(path);
            TryDelete(path);
            if (QueueId.IsValid(id)) ids.Add(id);
        }
        return ids;
    }

    /// <summary>
    /// Durably rewrites a queued message's envelope (temp file, fsync, rename, directory fsync). Returns false
    /// when the message was deleted meanwhile (e.g. by an administrator), in which case it is not recreated.
    /// </summary>
    public async Task<bool> UpdateAsync(SpoolEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var id = entry.QueueId;
        var json = Path.Combine(QueueDir, id + EnvelopeExt);
        var tmp = json + TempExt;
        EnvelopeJson.WriteDurable(tmp, EnvelopeJson.Serialize(entry.Envelope));
        if (!File.Exists(entry.MessagePath))
        {
            TryDelete(tmp);
            return false;
        }
        File.Move(tmp, json, overwrite: true);
        await _queueSync.SyncAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Crash recovery, run once when the gateway starts: removes messages that were still being received
    /// (they never got 250; only the gateway writes incoming/, and its own live writers are skipped), and, in
    /// queue/, envelopes and retry markers whose message is gone, and temporary files. Those may belong to another
    /// process working right now (`gateway quarantine release`), so only ones older than
    /// <paramref name="queueGrace"/> (default 30 s) are removed. Returns how many files were removed.
    /// </summary>
    public int RecoverIncomplete(TimeSpan? queueGrace = null)
    {
        MigrateLegacyQueue();
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(IncomingDir))
        {
            if (_active.ContainsKey(IdOf(path))) continue;
            if (TryDelete(path)) removed++;
        }
        var cutoff = DateTime.UtcNow - (queueGrace ?? TimeSpan.FromSeconds(30));
        foreach (var path in Directory.EnumerateFiles(QueueDir))
        {
            var name = Path.GetFileName(path);
            var id = IdOf(path);
            if (_active.ContainsKey(id)) continue;
            var orphan = name.EndsWith(TempExt, StringComparison.Ordinal)
                || ((name.EndsWith(EnvelopeExt, StringComparison.Ordinal) || name.EndsWith(RetryExt, StringComparison.Ordinal))
                    && !File.Exists(Path.Combine(QueueDir, id + MessageExt)));
            if (orphan && File.GetLastWriteTimeUtc(path) < cutoff && TryDelete(path)) removed++;
        }
        if (removed > 0) _logger.LogWarning("Spool recovery removed {Count} incomplete files", removed);
        return removed;
    }

    /// <summary>
    /// Queues written before the single-file format hold &lt;id&gt;.eml with its envelope in &lt;id&gt;.json: seal each
    /// such pair into a .msg (the .json stays as the current envelope, which it is), so an upgrade loses nothing.
    /// </summary>
    void MigrateLegacyQueue()
    {
        foreach (var eml in Directory.EnumerateFiles(QueueDir, "*" + IncomingExt))
        {
            var id = IdOf(eml);
            var json = Path.Combine(QueueDir, id + EnvelopeExt);
            if (!QueueId.IsValid(id) || !File.Exists(json)) continue;
            try
            {
                using (var file = new FileStream(eml, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
                    QueueFile.Seal(file, File.ReadAllBytes(json));
                File.Move(eml, Path.Combine(QueueDir, id + MessageExt));
                Fsync.Path(QueueDir);
                _logger.LogInformation("Spool: queued message {QueueId} moved to the single-file format", id);
            }
            catch (IOException ex)
            {
                _logger.LogError(ex, "Spool: could not convert queued message {QueueId}; it stays as it is", id);
            }
        }
    }

    static string IdOf(string path)
    {
        var name = Path.GetFileName(path);
        var dot = name.IndexOf('.');
        return dot < 0 ? name : name[..dot];
    }

    internal static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>A queue file moved to spool/corrupt/ (see <see cref="Spool.MoveAside"/>).</summary>
internal sealed record CorruptQueueFile(string QueueId, string Reason, DateTime MovedUtc, long Size);
