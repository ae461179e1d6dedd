using System.IO.Compression;
using System.Text;

namespace GovGateway.Policies.Content;

/// <summary>Identifies a file's type from its bytes (magic numbers), never from its name.</summary>
internal static class ContentSniffer
{
    /// <summary>How much of the start of a file <see cref="Detect"/> looks at (the text check reads the most).</summary>
    public const int HeadBytes = 4096;

    public static string Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0) return "empty";
        if (StartsWith(data, "MZ"u8)) return "pe";
        if (StartsWith(data, [0x7F, (byte)'E', (byte)'L', (byte)'F'])) return "elf";
        if (StartsWith(data, [0xFE, 0xED, 0xFA, 0xCE]) || StartsWith(data, [0xFE, 0xED, 0xFA, 0xCF]) ||
            StartsWith(data, [0xCE, 0xFA, 0xED, 0xFE]) || StartsWith(data, [0xCF, 0xFA, 0xED, 0xFE]) ||
            StartsWith(data, [0xCA, 0xFE, 0xBA, 0xBE])) return "macho";
        if (StartsWith(data, [0x4C, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00])) return "lnk";
        if (StartsWith(data, "%PDF-"u8)) return "pdf";
        if (StartsWith(data, "PK\x03\x04"u8) || StartsWith(data, "PK\x05\x06"u8)) return "zip";
        if (StartsWith(data, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])) return "ole";
        if (StartsWith(data, "Rar!\x1A\x07"u8)) return "rar";
        if (StartsWith(data, [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])) return "7z";
        if (StartsWith(data, [0x1F, 0x8B])) return "gzip";
        if (StartsWith(data, [0x89, (byte)'P', (byte)'N', (byte)'G'])) return "png";
        if (StartsWith(data, [0xFF, 0xD8, 0xFF])) return "jpeg";
        if (StartsWith(data, "GIF8"u8)) return "gif";
        if (StartsWith(data, "II*\0"u8) || StartsWith(data, "MM\0*"u8)) return "tiff";
        if (StartsWith(data, "BM"u8) && data.Length > 14) return "bmp";
        if (StartsWith(data, "{\\rtf"u8)) return "rtf";
        if (StartsWith(data, "#!"u8)) return "script";
        if (data.Length > 262 && data.Slice(257, 5).SequenceEqual("ustar"u8)) return "tar";
        // Readers accept a PDF header within the first 1024 bytes, after other formats' magic was ruled out.
        if (data[..Math.Min(data.Length, 1024)].IndexOf("%PDF-"u8) >= 0) return "pdf";
        if (LooksLikeText(data))
        {
            var head = Encoding.UTF8.GetString(data[..Math.Min(data.Length, 512)]).TrimStart('\uFEFF', ' ', '\r', '\n', '\t').ToLowerInvariant();
            if (head.StartsWith("begin:vcalendar", StringComparison.Ordinal)) return "ics";
            if (head.StartsWith("<!doctype html", StringComparison.Ordinal) || head.StartsWith("<html", StringComparison.Ordinal) || head.Contains("<hta:application", StringComparison.Ordinal)) return "html";
            return "text";
        }
        return "binary";
    }

    /// <summary>Refines "zip" into docx/xlsx/pptx/odt/ods/odp/jar/apk from the archive's entry names.</summary>
    public static string RefineZip(byte[] data) => RefineZip(new MemoryStream(data, writable: false));

    /// <inheritdoc cref="RefineZip(byte[])"/>
    public static string RefineZip(Stream data)
    {
        try
        {
            data.Position = 0;
            using var zip = new ZipArchive(data, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            if (names.Contains("[Content_Types].xml"))
            {
                if (names.Any(n => n.StartsWith("word/", StringComparison.Ordinal))) return "docx";
                if (names.Any(n => n.StartsWith("xl/", StringComparison.Ordinal))) return "xlsx";
                if (names.Any(n => n.StartsWith("ppt/", StringComparison.Ordinal))) return "pptx";
            }
            if (zip.GetEntry("mimetype") is { } mimetypeEntry && mimetypeEntry.Length < 200)
            {
                using var reader = new StreamReader(mimetypeEntry.Open());
                var mime = reader.ReadToEnd().Trim();
                if (mime == "application/vnd.oasis.opendocument.text") return "odt";
                if (mime == "application/vnd.oasis.opendocument.spreadsheet") return "ods";
                if (mime == "application/vnd.oasis.opendocument.presentation") return "odp";
            }
            if (names.Contains("AndroidManifest.xml") && names.Contains("classes.dex")) return "apk";
            if (names.Contains("META-INF/MANIFEST.MF") || names.Any(n => n.EndsWith(".class", StringComparison.Ordinal))) return "jar";
        }
        catch (InvalidDataException)
        {
            // Not a readable zip (e.g. encrypted or truncated); ArchiveInspector reports details.
        }
        return "zip";
    }

    public static bool IsArchive(string type) => type is "zip" or "rar" or "7z" or "gzip" or "tar";

    private static bool StartsWith(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix) => data.StartsWith(prefix);

    private static bool LooksLikeText(ReadOnlySpan<byte> data)
    {
        var sample = data[..Math.Min(data.Length, 4096)];
        var control = 0;
        foreach (var b in sample)
        {
            if (b == 0) return false;
            if (b < 0x09 || (b > 0x0D && b < 0x20)) control++;
        }
        return control * 20 < sample.Length;
    }
}
