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
