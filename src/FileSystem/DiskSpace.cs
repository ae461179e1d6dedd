namespace GovGateway.FileSystem;

/// <summary>Free space on the file system holding a path, as an unprivileged user may use it (statvfs f_bavail).</summary>
public static class DiskSpace
{
    /// <summary>Bytes available to this process on the file system of <paramref name="path"/> (an existing folder or file).</summary>
    public static long Available(string path) => new DriveInfo(path).AvailableFreeSpace;
}
