using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovGateway.Spool;

/// <summary>A JSON value the spool stores for someone else without knowing its shape, written and read back byte for byte as given.</summary>
[JsonConverter(typeof(RawJsonConverter))]
internal sealed class RawJson(byte[] utf8)
{
    /// <summary>The value as UTF-8 JSON.</summary>
    public byte[] Utf8 { get; } = utf8 ?? throw new ArgumentNullException(nameof(utf8));

    private sealed class RawJsonConverter : JsonConverter<RawJson>
    {
        public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return new RawJson(Encoding.UTF8.GetBytes(document.RootElement.GetRawText()));
        }

        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Utf8, skipInputValidation: true);
    }
}
