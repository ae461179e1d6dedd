using System.Globalization;
using GovGateway.FileSystem;

namespace GovGateway.Audit;

/// <summary>
/// The chain head (last number and hash) kept outside audit.db, in DATA/audit/head, so that a database that was wiped,
/// emptied, truncated or put back to an older copy no longer passes for the log: it is written (temporary file, fsync,
/// rename, folder fsync) each time LiteDB's files are made durable, so it never runs ahead of them, and is checked
/// when the log is opened. Between two checkpoints the journal holds what the head file does not show yet.
/// One line: "&lt;seq&gt; &lt;hash&gt;".
/// </summary>
internal static class HeadFile
{
    public const string Name = "head";

    public static string PathFor(string databasePath) => Path.Combine(Path.GetDirectoryName(databasePath)!, Name);

    /// <summary>The recorded head; null when there is no head file (a new log, or one from before head files).</summary>
    public static (long Seq, string Hash)? Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuditLogDamagedException($"The audit chain head {path} cannot be read ({ex.Message}), so audit.db cannot be checked against it.", ex);
        }
        var parts = text.Trim().Split(' ');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long seq) || parts[1].Length == 0)
            throw new AuditLogDamagedException($"The audit chain head {path} is damaged (it should hold \"<number> <hash>\"), so audit.db cannot be checked against it. "
                + "Restore it from the backup taken with audit.db.");
        return (seq, parts[1]);
    }

    public static void Write(string path, ChainPoint head)
    {
        var temp = path + ".tmp";
        // Run by root (sudo gateway audit verify) on the service account's folder, the head must stay the service's,
        // or the gateway cannot read it at its next start.
        var owner = UnixOwner.ForNewFileAt(Path.GetDirectoryName(path)!);
        File.Delete(temp);
        using (var file = PrivateFiles.Open(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{head.Seq} {head.Hash}\n")));
            file.Flush(flushToDisk: true);
        }
        if (owner is { } o) UnixOwner.Set(temp, o);
        File.Move(temp, path, overwrite: true);
        Fsync.PathIfExists(Path.GetDirectoryName(path)!);
    }

    /// <summary>
    /// Null when the stored chain reaches the recorded head with the same hash (or goes past it, through it);
    /// otherwise what is wrong, for the operator.
    /// </summary>
    public static string? Check(AuditStore store, string databasePath, (long Seq, string Hash) recorded)
    {
        var head = store.StoredHead;
        string headPath = PathFor(databasePath);
        if (head.Seq < recorded.Seq)
            return head.Seq == 0
                ? $"{databasePath} holds no audit entries, but {headPath} records that the chain reached entry {recorded.Seq}: the audit database was wiped, emptied or replaced."
                : $"{databasePath} ends at entry {head.Seq}, but {headPath} records that the chain reached entry {recorded.Seq}: the audit database was truncated or put back to an older copy; entries {head.Seq + 1}..{recorded.Seq} are missing.";
        if (head.Seq == recorded.Seq)
            return head.Hash == recorded.Hash ? null
                : $"Entry {head.Seq} of {databasePath} has hash {head.Hash}, but {headPath} records {recorded.Hash}: the audit database was replaced or rewritten.";

        // The database went on after the head file was written (a crash before the next checkpoint): the entry after the
        // recorded head must link to it.
        long next = recorded.Seq + 1;
        if (next <= store.Anchor.Seq) return null; // purged by retention: nothing left to compare
        var chunk = store.ChunkHolding(next);
        if (chunk is null || next < chunk.First || next - chunk.First >= chunk.Entries.Count)
            return $"{databasePath} has no entry {next} after the head {recorded.Seq} recorded in {headPath}: the audit database was rewritten.";
        var entry = EntryCodec.TryParse(chunk.Entries[(int)(next - chunk.First)]);
        return entry is not null && entry.Id == next && entry.PrevHash == recorded.Hash ? null
            : $"Entry {next} of {databasePath} does not follow the head {recorded.Seq} ({recorded.Hash}) recorded in {headPath}: the audit database was rewritten.";
    }
}
