using System.ComponentModel;
using System.Runtime.InteropServices;

namespace GovGateway.Spool;

/// <summary>
/// fsync(2) of a directory, so that a rename or create inside it survives a power loss (what Postfix
/// does after moving a file into its queue). .NET cannot open a directory as a file handle, so this calls
/// libc directly; on Windows, where NTFS journals metadata and directories cannot be flushed, it is a no-op.
/// </summary>
internal static class DirectoryFsync
{
    // O_RDONLY is 0 on every Linux architecture and on macOS; opening a directory read-only is allowed and enough for fsync.
    const int O_RDONLY = 0;
    const int EINTR = 4;

    // DllImport rather than LibraryImport: the generated marshaller would need AllowUnsafeBlocks in the project.
    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    static extern int Close(int fd);

    /// <summary>Flushes the directory entry table of <paramref name="directory"/> to disk; throws IOException on failure.</summary>
    public static void Sync(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd;
        do fd = Open(directory, O_RDONLY);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (fd < 0) throw Error("open", directory);
        try
        {
            if (Fsync(fd) != 0) throw Error("fsync", directory);
        }
        finally
        {
            Close(fd);
        }
    }

    static IOException Error(string call, string directory)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}({directory}) failed: {new Win32Exception(errno).Message}", errno);
    }
}
