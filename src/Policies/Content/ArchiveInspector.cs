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
            result.Findings.Add(InspectionFindings.Executable(type, path));
        }
        else if (FileNames.BlockedExtension(path, settings.BlockedExtensions) is { } ext)
        {
            result.Blocked = true;
            result.Findings.Add(InspectionFindings.FileType(ext, path));
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
        catch (Exception e) when (e is not OperationCanceledException)
        {
            result.Blocked = true;
            // The library's message is for no one: a damaged file is called damaged (and still not let through).
            result.Unreadable = true;
            result.Findings.Add(InspectionFindings.Damaged(path));
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
                            result.Findings.Add(InspectionFindings.FileType(ext, entryPath));
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
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result.Blocked = true;
                result.Unreadable = true;
                result.Findings.Add(InspectionFindings.Damaged(path));
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

/// <summary>
/// The findings of an inspection, as written to the verdict (English, for logs and the audit log) and as told to the
/// sender in the blocked-attachment rule's "{details}", per file, in both languages: a program, a forbidden file type,
/// a damaged file, or an archive past the inspection limits.
/// </summary>
internal static class InspectionFindings
{
    private const string ExecutablePrefix = "blocked executable content (";
    private const string FileTypePrefix = "blocked file type (.";
    private const string DamagedPrefix = "damaged or unreadable file: ";
    private const string BlockedPrefix = "blocked ";

    public static string Executable(string type, string path) => $"{ExecutablePrefix}{type}): {path}";
    public static string FileType(string ext, string path) => $"{FileTypePrefix}{ext}): {path}";
    public static string Damaged(string path) => DamagedPrefix + path;

    /// <summary>The bilingual "{details}" item for a finding that blocks the file; null for one that does not (encrypted entry).</summary>
    public static string? Describe(string finding)
    {
        if (finding.StartsWith(DamagedPrefix, StringComparison.Ordinal))
        {
            var path = finding[DamagedPrefix.Length..];
            return Rules.Detail.Bilingual($"{path}: tệp bị hỏng hoặc không đọc được", $"{path}: the file is damaged or unreadable");
        }
        if (Split(finding, ExecutablePrefix) is var (type, program))
            return Rules.Detail.Bilingual($"{program}: chương trình hoặc mã lệnh ({type})", $"{program}: a program or script ({type})");
        if (Split(finding, FileTypePrefix) is var (ext, file))
            return Rules.Detail.Bilingual($"{file}: loại tệp bị cấm (.{ext})", $"{file}: a forbidden file type (.{ext})");
        if (finding.StartsWith(BlockedPrefix, StringComparison.Ordinal))
        {
            var at = finding.LastIndexOf(": ", StringComparison.Ordinal);
            var path = at < 0 ? finding : finding[(at + 2)..];
            return Rules.Detail.Bilingual($"{path}: tệp nén vượt giới hạn kiểm tra", $"{path}: an archive beyond the inspection limits ({finding[BlockedPrefix.Length..(at < 0 ? finding.Length : at)]})");
        }
        return null;
    }

    private static (string What, string Path)? Split(string finding, string prefix)
    {
        if (!finding.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var close = finding.IndexOf("): ", prefix.Length, StringComparison.Ordinal);
        return close < 0 ? null : (finding[prefix.Length..close], finding[(close + 3)..]);
    }
}
