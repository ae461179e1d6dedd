namespace GovGateway.FileSystem;

/// <summary>
/// Creates the gateway's files and folders closed to other local users (0600 files, 0700 folders) from the first
/// byte: the mode is given to open(2)/mkdir(2) itself, so no umask and no chmod afterwards can leave a window in
/// which another user opens the file. (The umask can only take bits away from 0600/0700.)
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> and every missing parent as 0700; an existing folder is left as it is.</summary>
    public static DirectoryInfo CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) return Directory.CreateDirectory(path);
        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; its parents would get
        // 0777 less the umask. Create each missing one with the mode, outermost first.
        var missing = new Stack<string>();
        for (var dir = Path.GetFullPath(path); dir is not null && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir))
            missing.Push(dir);
        var info = new DirectoryInfo(path);
        while (missing.TryPop(out var dir)) info = Directory.CreateDirectory(dir, DirectoryMode);
        return info;
    }

    /// <summary>
    /// Closes the gateway's data folder to other users when it is open to them (made by hand, or by a version that
    /// created it 0755): with the folder 0700 nothing inside can be read, and no lock inside can be taken first, by
    /// another local user. Returns what was done or found, for the log; null when there was nothing to say.
    /// </summary>
    public static string? CloseDataFolder(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        var mode = File.GetUnixFileMode(path);
        var open = mode & ~DirectoryMode;
        if (open == 0) return null;
        if (UnixOwner.Of(path).Uid != UnixOwner.CurrentUid)
            return $"The data folder {path} is open to other users (mode {Convert.ToString((int)mode, 8)}) and belongs to another account; make it 0700 and the gateway's own.";
        File.SetUnixFileMode(path, mode & DirectoryMode);
        return $"The data folder {path} was open to other users (mode {Convert.ToString((int)mode, 8)}); it is now 0700.";
    }

    /// <summary>A <see cref="FileStream"/> whose file, when this call creates it, is 0600.</summary>
    public static FileStream Open(string path, System.IO.FileMode mode, FileAccess access, FileShare share,
        int bufferSize = 4096, FileOptions options = FileOptions.None) =>
        new(path, Options(mode, access, share, bufferSize, options));

    /// <summary>Options for <see cref="FileStream"/> that create the file 0600.</summary>
    public static FileStreamOptions Options(System.IO.FileMode mode, FileAccess access, FileShare share,
        int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        var o = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize, Options = options };
        // .NET refuses a create mode with modes that never create a file.
        if (!OperatingSystem.IsWindows() && mode is not (System.IO.FileMode.Open or System.IO.FileMode.Truncate))
            o.UnixCreateMode = FileMode;
        return o;
    }

    /// <summary><see cref="File.WriteAllBytes(string, byte[])"/> with the file created 0600.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = Open(path, System.IO.FileMode.Create, FileAccess.Write, FileShare.None);
        file.Write(bytes);
    }
}
