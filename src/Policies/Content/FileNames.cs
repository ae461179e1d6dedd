namespace GovGateway.Policies.Content;

/// <summary>File-name checks for blocked extensions, including double extensions ("bao cao.pdf.exe").</summary>
internal static class FileNames
{
    /// <summary>The blocked extension this name ends with (ignoring trailing dots and spaces), or null.</summary>
    public static string? BlockedExtension(string fileName, IReadOnlySet<string> blocked)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/')).TrimEnd('.', ' ', '\t');
        var dot = name.LastIndexOf('.');
        if (dot < 0 || dot == name.Length - 1) return null;
        var ext = name[(dot + 1)..].Trim().ToLowerInvariant();
        return blocked.Contains(ext) ? ext : null;
    }
}
