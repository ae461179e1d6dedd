using System.Runtime.InteropServices;

namespace GovGateway.Audit;

/// <summary>
/// fsync by path. Needed for two things .NET does not offer: making a new journal segment's directory entry durable,
/// and flushing LiteDB's files (which LiteDB holds open with an exclusive lock) after a checkpoint, before the journal
/// entries they now contain are deleted. fsync acts on the inode, so a second read-only descriptor is enough.
/// </summary>
internal static class NativeFsync
{
    private const int ReadOnly = 0;

    public static void Path(string path)
    {
        if (OperatingSystem.IsWindows() || !(File.Exists(path) || Directory.Exists(path))) return;
        int fd = open(path, ReadOnly);
        if (fd < 0) throw new IOException($"open({path}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"fsync({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
