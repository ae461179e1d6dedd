namespace GovGateway.Archive.Core;

/// <summary>Document ids: the SHA-256 of the bytes in lowercase hex, or a prefix of at least 8 hex digits when finding one.</summary>
internal static class ArchiveIds
{
    public const int MinPrefix = 8;

    public static bool IsFull(string id) => id.Length == 64 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>The id or prefix lowercased; a bilingual <see cref="ArchiveException"/> when it cannot be one.</summary>
    public static string Normalize(string? id)
    {
        var value = (id ?? "").Trim().ToLowerInvariant();
        if (value.Length < MinPrefix || value.Length > 64 || !value.All(char.IsAsciiHexDigitLower))
            throw new ArchiveException(
                $"Mã tài liệu '{id}' không hợp lệ: cần mã SHA-256 (64 ký tự hex) hoặc ít nhất {MinPrefix} ký tự đầu của nó. / " +
                $"Document id '{id}' is not valid: give its SHA-256 (64 hex digits) or at least its first {MinPrefix}.");
        return value;
    }

    public static ArchiveException NotFound(string id) => new(
        $"Không có tài liệu lưu trữ nào có mã '{id}'. / No archived document has the id '{id}'.");

    public static ArchiveException Ambiguous(string prefix, IEnumerable<string> ids) => new(
        $"Mã '{prefix}' khớp với nhiều tài liệu ({string.Join(", ", ids)}); hãy nhập thêm ký tự. / " +
        $"The id '{prefix}' matches more than one document ({string.Join(", ", ids)}); give more of it.");

    public static ArchiveIntegrityException Changed(string id, string actual) => new(id, actual,
        $"Tài liệu {id} đã bị thay đổi: nội dung lưu trữ có SHA-256 {actual}, không còn khớp với mã của nó; không trả về nội dung này. / " +
        $"Document {id} has been changed: the stored bytes hash to {actual}, not to its id; they are not returned.");
}
