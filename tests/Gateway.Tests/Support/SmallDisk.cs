namespace Gateway.Tests.Support;

/// <summary>
/// A small tmpfs mounted on a temporary folder (needs root), with a filler file that takes its free space and gives
/// it back: a disk that fills up and then has room again.
/// </summary>
public sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }
    private string Filler => System.IO.Path.Combine(Path, "filler");

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/>; null when mounting is not allowed here.</summary>
    public static async Task<SmallDisk?> MountAsync(int megabytes)
    {
        var path = TempFolders.Create("gw-small-disk");
        var mount = await ToolRunner.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", path]);
        if (mount.ExitCode == 0) return new SmallDisk(path);
        Directory.Delete(path);
        return null;
    }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes the filler until at most <paramref name="leaveBytes"/> are free (0: until the disk refuses).</summary>
    public void Fill(long leaveBytes = 0)
    {
        using var file = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, 0);
        var chunk = new byte[4096];
        try
        {
            while (FreeBytes > leaveBytes)
                file.Write(chunk, 0, (int)Math.Min(chunk.Length, Math.Max(1, FreeBytes - leaveBytes)));
        }
        catch (IOException) when (leaveBytes == 0)
        {
            // full
        }
    }

    /// <summary>Gives the filler's space back.</summary>
    public void Free() => File.Delete(Filler);

    public async ValueTask DisposeAsync()
    {
        await ToolRunner.RunAsync("umount", ["-l", Path]);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
