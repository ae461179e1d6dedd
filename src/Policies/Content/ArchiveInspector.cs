using GovGateway.Policies.Configuration;
using SharpCompress.Archives;
using SharpCompress.Readers;

namespace GovGateway.Policies.Content;

/// <summary>Result of looking into an attachment: blocked content, encryption and readable findings.</summary>
internal sealed class InspectionResult
{
    public bool Blocked { get; set; }
    public bool Encrypted { get; set; }
    /// <summary>Some content could not be looked at (corrupt or encrypted archive).</summary>
    public bool Unreadable { get; set; }
    public List<string> Findings { get; } = [];
}

/// <summary>
/// Looks for executables and scripts in an attachment and, recursively, in archives inside it,
/// within depth, entry-count and size limits so that a zip bomb costs bounded work.
/// Anything that exceeds a limit or cannot be read is blocked: the gateway cannot vouch for it.
/// </summary>
internal sealed class ArchiveInspector(PolicySettings settings)
{
    private readonly ArchiveLimits _limits = settings.Archives;

    public InspectionResult Inspect(string fileName, string detectedType, Stream data, CancellationToken ct)
    {
        var result = new InspectionResult();
        var budget = new Budget(_limits.MaxEntries, _limits.MaxTotalBytes);
        CheckFile(fileName, detectedType, data, depth: 0, budget, result, ct);
        return result;
    }

    private void CheckFile(string path, string type, Stream data, int depth, Budget budget, InspectionResult result, CancellationToken ct)
    {
        if (settings.BlockedTypes.Contains(type))
        {
            result.Blocked = true;
            result.Findings.Add($"blocked executable content ({type}): {path}");
        }
        else if (FileNames.BlockedExtension(path, settings.BlockedExtensions) is { } ext)
        {
            result.Blocked = true;
            result.Findings.Add($"blocked file type (.{ext}): {path}");
        }
        if (!ContentSniffer.IsArchive(type)) return;
        if (depth >= _limits.MaxDepth)
        {
            result.Blocked = true;
            result.Findings.Add($"blocked archive nested deeper than {_limits.MaxDepth} levels: {path}");
            return;
        }
        InspectArchive(path, data, depth + 1, budget, result, ct);
    }

    private void InspectArchive(string path, Stream data, int depth, Budget budget, InspectionResult result, CancellationToken ct)
    {
        IArchive archive;
        try
        {
            data.Position = 0;
            archive = ArchiveFactory.OpenArchive(data, new ReaderOptions { LeaveStreamOpen = true });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result.Blocked = true;
            result.Unreadable = true;
            result.Findings.Add($"blocked unreadable archive: {path} ({ex.Message})");
            return;
        }
        using (archive)
        {
            try
            {
                foreach (var entry in archive.Entries)
                {
                    ct.ThrowIfCancellationRequested();
                    if (entry.IsDirectory) continue;
                    var entryPath = $"{path}/{entry.Key}";
                    if (--budget.Entries < 0)
                    {
                        result.Blocked = true;
                        result.Findings.Add($"blocked archive with more than {_limits.MaxEntries} entries: {path}");
                        return;
                    }
                    if (entry.IsEncrypted)
                    {
                        result.Encrypted = true;
                        result.Unreadable = true;
                        result.Findings.Add($"encrypted archive entry: {entryPath}");
                        // The name is still visible: a blocked name inside an encrypted archive is blocked.
                        if (FileNames.BlockedExtension(entry.Key ?? string.Empty, settings.BlockedExtensions) is { } ext)
                        {
                            result.Blocked = true;
                            result.Findings.Add($"blocked file type (.{ext}): {entryPath}");
                        }
                        continue;
                    }
                    if (entry.Size > _limits.MaxEntryBytes)
                    {
                        result.Blocked = true;
                        result.Findings.Add($"blocked archive entry larger than {_limits.MaxEntryBytes} bytes: {entryPath}");
                        continue;
                    }
                    var content = ReadLimited(entry, budget, out var exceeded);
                    if (exceeded)
                    {
                        result.Blocked = true;
                        result.Findings.Add($"blocked archive expanding beyond the size limits: {entryPath}");
                        return;
                    }
                    var type = ContentSniffer.Detect(content);
                    if (type == "zip") type = ContentSniffer.RefineZip(content);
                    CheckFile(entryPath, type, new MemoryStream(content, writable: false), depth, budget, result, ct);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result.Blocked = true;
                result.Unreadable = true;
                result.Findings.Add($"blocked unreadable archive: {path} ({ex.Message})");
            }
        }
    }

    /// <summary>Reads an entry while counting against the budgets; declared sizes are not trusted.</summary>
    private byte[] ReadLimited(IArchiveEntry entry, Budget budget, out bool exceeded)
    {
        using var source = entry.OpenEntryStream();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = source.Read(chunk, 0, chunk.Length)) > 0)
        {
            budget.Bytes -= read;
            if (budget.Bytes < 0 || buffer.Length + read > _limits.MaxEntryBytes)
            {
                exceeded = true;
                return [];
            }
            buffer.Write(chunk, 0, read);
        }
        exceeded = false;
        return buffer.ToArray();
    }

    private sealed class Budget(int entries, long bytes)
    {
        public int Entries = entries;
        public long Bytes = bytes;
    }
}
