using System.Security.Cryptography;
using GovGateway.FileSystem;

namespace GovGateway.Archive.Core;

/// <summary>
/// Takes a document's bytes into a private temporary file while hashing them, so a document is never held whole in
/// memory to be stored, and its hash is checked before anything is kept.
/// </summary>
internal sealed class ContentIntake : IDisposable
{
    private ContentIntake(string path, string sha256, long size)
    {
        TempPath = path;
        Sha256 = sha256;
        Size = size;
    }

    public string TempPath { get; }
    public string Sha256 { get; }
    public long Size { get; }

    public static async Task<ContentIntake> TakeAsync(Stream content, string tempDir, string? expectedSha256, CancellationToken ct)
    {
        PrivateFiles.CreateDirectory(tempDir);
        var path = Path.Combine(tempDir, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var file = PrivateFiles.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920))
            {
                var buffer = new byte[81920];
                int n;
                while ((n = await content.ReadAsync(buffer, ct)) > 0)
                {
                    sha.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), ct);
                    size += n;
                }
                file.Flush(flushToDisk: true);
            }
            var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (!string.IsNullOrEmpty(expectedSha256) && !string.Equals(expectedSha256, actual, StringComparison.OrdinalIgnoreCase))
                throw new ArchiveIntegrityException(expectedSha256, actual,
                    $"Nội dung tài liệu có SHA-256 {actual}, không phải {expectedSha256} như bản ghi kiểm toán; không lưu trữ. / " +
                    $"The document's bytes hash to {actual}, not to {expectedSha256} as its audit record says; not archived.");
            return new ContentIntake(path, actual, size);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Reads a whole file and checks it against <paramref name="id"/>.</summary>
    public static byte[] Verified(string id, byte[] bytes)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return actual == id ? bytes : throw ArchiveIds.Changed(id, actual);
    }

    public void Dispose()
    {
        try { File.Delete(TempPath); } catch (IOException) { /* moved into place, or already gone */ }
    }
}
