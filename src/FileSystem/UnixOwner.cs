using System.Runtime.InteropServices;

namespace GovGateway.FileSystem;

/// <summary>
/// Who owns a file, and handing a file to that owner. An administrator who runs `gateway users ...` as root on a data
/// folder owned by the service account must not leave a root-owned 0600 users file there, which the running gateway
/// (the service account) then cannot read. .NET has no API for file owners, so this calls statx(2) and chown(2).
/// </summary>
public static class UnixOwner
{
    /// <summary>The process's effective uid (Unix only).</summary>
    public static uint CurrentUid => geteuid();

    /// <summary>True when the process runs as root (effective uid 0); false on Windows.</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && geteuid() == 0;

    /// <summary>The uid and gid owning <paramref name="path"/>; throws <see cref="IOException"/> when it cannot be read.</summary>
    public static (uint Uid, uint Gid) Of(string path)
    {
        // struct statx has one layout on every architecture: stx_uid at byte 20, stx_gid at 24.
        var buffer = new byte[256];
        if (statx(AtFdCwd, path, 0, StatxUid | StatxGid, buffer) != 0)
            throw new IOException($"Cannot read the owner of {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return (BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt32(buffer, 24));
    }

    /// <summary>Gives <paramref name="path"/> to <paramref name="owner"/>; throws <see cref="IOException"/> when that fails.</summary>
    public static void Set(string path, (uint Uid, uint Gid) owner)
    {
        if (chown(path, owner.Uid, owner.Gid) != 0)
            throw new IOException($"Cannot give {path} to uid {owner.Uid}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>
    /// When running as root, the owner that a file created at <paramref name="path"/> should get so that the service
    /// owning the folder keeps access: the owner of the file itself when it exists, else of its nearest existing
    /// folder; null when not root, on Windows, or when that owner is root anyway.
    /// </summary>
    public static (uint Uid, uint Gid)? ForNewFileAt(string path)
    {
        if (!IsRoot) return null;
        string? probe = Path.GetFullPath(path);
        while (probe is not null && !Path.Exists(probe)) probe = Path.GetDirectoryName(probe);
        if (probe is null) return null;
        var owner = Of(probe);
        return owner.Uid == 0 ? null : owner;
    }

    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8, StatxGid = 0x10;

    // DllImport rather than LibraryImport: the generated marshaller would need AllowUnsafeBlocks in the project.
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int chown(string path, uint owner, uint group);

    [DllImport("libc")]
    private static extern uint geteuid();
}
