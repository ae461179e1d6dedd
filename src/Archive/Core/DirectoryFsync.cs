using System.Runtime.InteropServices;

namespace GovGateway.Archive.Core;

/// <summary>
/// fsync(2) of a folder, so that a document file renamed into it survives a power loss (.NET cannot open a folder as
/// a file). The same as the audit library's internal NativeFsync.
/// </summary>
internal static class DirectoryFsync
{
    private const int ReadOnly = 0;

    public static void Sync(string dir)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = open(dir, ReadOnly);
        if (fd < 0) throw new IOException($"open({dir}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"fsync({dir}) failed: errno {Marshal.GetLastPInvokeError()}");
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
