using System.Collections.Concurrent;
using GovGateway.FileSystem;

namespace GovGateway.Spool;

/// <summary>
/// Emptied queue files kept under spool/free/ for the next messages to be received into: creating files right after
/// many deletions is dear on ext4 (docs/storage.md). A spare is truncated when returned, so no delivered message's
/// bytes wait in free/ for the next one.
/// </summary>
internal sealed class SpareFiles
{
    readonly string _dir;
    readonly int _capacity;
    readonly ConcurrentBag<string> _spares = new();
    int _count;

    public SpareFiles(string dir, int capacity)
    {
        _dir = dir;
        _capacity = capacity;
        PrivateFiles.CreateDirectory(dir);
        foreach (var path in Directory.EnumerateFiles(dir))
        {
            if (_count >= capacity) { Spool.TryDelete(path); continue; }
            _spares.Add(path);
            _count++;
        }
    }

    /// <summary>Moves a spare file to <paramref name="path"/> (which must not exist); false when there is none.</summary>
    public bool TryTake(string path)
    {
        while (_spares.TryTake(out var spare))
        {
            Interlocked.Decrement(ref _count);
            try
            {
                File.Move(spare, path);
                return true;
            }
            catch (FileNotFoundException)
            {
                // Taken by another process working on the same spool (an administrator's command): try the next one.
            }
        }
        return false;
    }

    /// <summary>
    /// Takes <paramref name="path"/> out of where it is (one atomic rename: for a queue file that un-commits the
    /// message) and empties it. Returns false when the file did not exist. Beyond the capacity the file is deleted.
    /// </summary>
    public bool Return(string path, string id)
    {
        if (Volatile.Read(ref _count) >= _capacity)
            return Spool.TryDelete(path);
        var spare = Path.Combine(_dir, id);
        try
        {
            File.Move(path, spare, overwrite: true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        try
        {
            using (new FileStream(spare, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { }
            Interlocked.Increment(ref _count);
            _spares.Add(spare);
        }
        catch (IOException)
        {
            Spool.TryDelete(spare);
        }
        return true;
    }
}
