using GovGateway.FileSystem;

namespace GovGateway.TestKit;

/// <summary>Temporary folders closed to other local users (0700), as the gateway's own folders are.</summary>
public static class TempFolders
{
    /// <summary>A fresh folder under the system's temporary folder; the caller removes it (<see cref="Delete"/>).</summary>
    public static string Create(string prefix) =>
        PrivateFiles.CreateDirectory(Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}")).FullName;

    /// <summary>Removes a folder a test made; one still busy (a process lingering on it) is left for the system's cleaner.</summary>
    public static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A temporary private folder (0700) for one test, removed when disposed.</summary>
public sealed class TempFolder : IDisposable
{
    // Short and under /tmp: a Unix socket inside (the audit query socket) must stay within the 107 bytes a socket path may have.
    public string Path { get; } = PrivateFiles.CreateDirectory("/tmp/gw-" + Guid.NewGuid().ToString("N")[..10]).FullName;

    public void Dispose() => TempFolders.Delete(Path);
}
