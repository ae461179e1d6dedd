using System.Runtime.InteropServices;

namespace GovGateway.Archive.Core;

/// <summary>
/// fsync(2) by path through a descriptor of its own: of a folder, so that a document file renamed into it survives a
/// power loss (.NET cannot open a folder as a file), and of archive.db, which LiteDB holds open (fsync acts on the
/// inode, so a second read-only descriptor is enough and no stream of LiteDB's is touched from another thread).
/// The same as the audit library's internal NativeFsync.
/// </summary>
internal static class PathFsync
{
    private const int ReadOnly = 0;

    public static void Sync(string path)
    {
        if (OperatingSystem.IsWindows()) return;
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
