using System.Text.Json;
using System.Text.Json.Serialization;
using GovGateway.FileSystem;

namespace GovGateway.Spool;

/// <summary>How envelopes are stored on disk (shared by the spool and the quarantine).</summary>
internal static class EnvelopeJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T? Deserialize<T>(byte[] json) => JsonSerializer.Deserialize<T>(json, Options);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> and fsyncs the file (not its directory).</summary>
    public static void WriteDurable(string path, byte[] bytes)
    {
        using var file = PrivateFiles.Open(path, FileMode.Create, FileAccess.Write, FileShare.None);
        file.Write(bytes);
        file.Flush(flushToDisk: true);
    }
}
