using System.ComponentModel;
using System.Runtime.InteropServices;

namespace GovGateway.FileSystem;

/// <summary>
/// fsync(2) by path, through a read-only descriptor of its own. Needed where .NET offers nothing: a folder, so that a
/// file created or renamed into it survives a power loss (.NET cannot open a folder as a file); and a file another
/// component holds open with a lock (LiteDB's data and log files), since fsync acts on the inode. On Windows, where
/// NTFS journals metadata and folders cannot be flushed, it does nothing.
/// </summary>
public static class Fsync
{
    // O_RDONLY is 0 on every Linux architecture and on macOS; a read-only descriptor is enough for fsync.
    private const int ReadOnly = 0;
    private const int EINTR = 4;

    /// <summary>Flushes <paramref name="path"/> (a file or a folder) to disk; throws IOException when it cannot.</summary>
    public static void Path(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd;
        do fd = open(path, ReadOnly);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (fd < 0) throw Error("open", path);
        try
        {
            if (fsync(fd) != 0) throw Error("fsync", path);
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>As <see cref="Path"/>, for a file that may not have been made yet (nothing to flush then).</summary>
    public static void PathIfExists(string path)
    {
        if (File.Exists(path) || Directory.Exists(path)) Path(path);
    }

    private static IOException Error(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}({path}) failed: {new Win32Exception(errno).Message}", errno);
    }

    // DllImport rather than LibraryImport: the generated marshaller would need AllowUnsafeBlocks in the project.
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
