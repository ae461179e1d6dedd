using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GovGateway.Audit;

/// <summary>
/// How journal entries (and the records the spool carries) are serialized: the same JSON as <see cref="AuditJson.Options"/>,
/// through code generated at build time, since every message the gateway handles is serialized once in the SMTP session.
/// </summary>
/// <remarks>
/// The generated code only runs in its fast (no metadata) mode with the options it was generated for, which cannot name
/// an encoder; the relaxed encoder (Vietnamese written as is) is therefore the writer's. Serializing through options that
/// set the encoder took about 1.5 times as long, in the session's reply path.
/// </remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JournalPayload))]
internal sealed partial class JournalJson : JsonSerializerContext
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public static JsonTypeInfo<JournalPayload> Payload => Default.JournalPayload;

    public static byte[] Serialize(JournalPayload payload)
    {
        // One buffer and writer per thread (the call does not yield): a record is serialized for every message.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        JsonSerializer.Serialize(writer, payload, Payload);
        writer.Flush();
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024) t_buffer = null; // a record with a huge attachment list keeps no big buffer alive
        return bytes;
    }

    public static JournalPayload? Deserialize(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, Payload);
}
