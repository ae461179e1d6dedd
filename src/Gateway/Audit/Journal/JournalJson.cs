using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GovGateway.Audit;

/// <summary>
/// How journal entries (and the records the spool carries) are serialized: the same JSON as <see cref="AuditJson.Options"/>,
/// through code generated at build time, since every message the gateway handles is serialized once in the SMTP session.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JournalPayload))]
internal sealed partial class JournalJson : JsonSerializerContext
{
    private static readonly JournalJson Instance = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static JsonTypeInfo<JournalPayload> Payload => Instance.JournalPayload;

    public static byte[] Serialize(JournalPayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, Payload);

    public static JournalPayload? Deserialize(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, Payload);
}
