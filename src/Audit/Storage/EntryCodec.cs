using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovGateway.Audit;

/// <summary>
/// Reads a stored chain entry back from its canonical form (<see cref="ChainHasher"/>), which is what the chain keeps:
/// the number, the previous entry's hash, the kind, time, queue id and content all come from the text that is hashed,
/// so nothing about an entry can change without changing its hash.
/// </summary>
internal static class EntryCodec
{
    /// <summary>The entry in <paramref name="canonical"/>; throws <see cref="JsonException"/> when it is not an entry.</summary>
    public static AuditEntry Parse(string canonical)
    {
        var form = JsonSerializer.Deserialize(canonical, CanonicalFormJson.Default.CanonicalForm)
            ?? throw new JsonException("The entry is empty.");
        if (form.Seq <= 0 || string.IsNullOrEmpty(form.Kind) || form.Prev is null)
            throw new JsonException("The entry lacks its number, kind or previous hash.");
        var entry = new AuditEntry
        {
            Id = form.Seq,
            Kind = form.Kind,
            Node = form.Node,
            TimeUtc = form.Time,
            QueueId = form.Queue,
            PrevHash = form.Prev,
            Transaction = form.Transaction is { } t ? EntryFactory.Normalize(t) : null,
            Delivery = form.Delivery is { } d ? EntryFactory.Normalize(d) : null,
            Canonical = canonical,
        };
        return entry;
    }

    /// <summary>
    /// Whether the text is a delivery outcome, without parsing it: the canonical form names its kind as
    /// "kind":"delivery", which no content can contain (the encoder writes a quote inside a string as \u0022).
    /// </summary>
    public static bool IsDelivery(string canonical) => canonical.Contains("\"kind\":\"delivery\"", StringComparison.Ordinal);

    /// <summary>Like <see cref="Parse"/>, but null instead of an exception for text that is not an entry.</summary>
    public static AuditEntry? TryParse(string? canonical)
    {
        if (string.IsNullOrEmpty(canonical)) return null;
        try
        {
            return Parse(canonical);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The top level of the canonical form, as <see cref="ChainHasher"/> writes it.</summary>
internal sealed class CanonicalForm
{
    [JsonPropertyName("v")] public int Version { get; set; }
    [JsonPropertyName("prev")] public string? Prev { get; set; }
    [JsonPropertyName("node")] public string? Node { get; set; }
    [JsonPropertyName("seq")] public long Seq { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("time")] public DateTime Time { get; set; }
    [JsonPropertyName("queue")] public string? Queue { get; set; }
    [JsonPropertyName("transaction")] public AuditTransaction? Transaction { get; set; }
    [JsonPropertyName("delivery")] public AuditDelivery? Delivery { get; set; }
}

/// <summary>Generated reader for the canonical form: property names as written (C# names inside the content).</summary>
[JsonSerializable(typeof(CanonicalForm))]
internal sealed partial class CanonicalFormJson : JsonSerializerContext;
