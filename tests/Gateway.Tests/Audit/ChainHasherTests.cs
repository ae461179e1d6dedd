using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

/// <summary>The hash of an entry is part of every audit log already written: its canonical form must never drift.</summary>
[TestFixture]
public class ChainHasherTests
{
    [Test]
    public void The_hash_of_a_known_entry_is_the_one_earlier_versions_wrote()
    {
        var t = AuditTestData.Accepted("Q1", AuditTestData.T0, "a@hanoi.gov.vn");
        t.Id = "0193aaaa";
        EntryFactory.Normalize(t);
        var tx = new AuditEntry { Id = 7, Kind = EntryKinds.Transaction, TimeUtc = t.TimeUtc, QueueId = "Q1", Transaction = t };
        var d = AuditTestData.Delivery("Q1", "a@hanoi.gov.vn", AuditOutcomes.Delivered, "250 2.0.0 Ok", AuditTestData.T0.AddSeconds(1));
        var dl = new AuditEntry { Id = 8, Kind = EntryKinds.Delivery, TimeUtc = d.TimeUtc, QueueId = "Q1", Delivery = d };

        Assert.That(ChainHasher.Link(ChainHasher.Genesis, tx).Hash, Is.EqualTo("a2bd7a61002b667c861fe8edaa00302cccd00b41ba2dca227d6f92010c159350"));
        Assert.That(ChainHasher.Link("ab", dl).Hash, Is.EqualTo("9ea015a7a6ca1ad43a2191d85fe6b1d1271f5575fa3e56419a5962567c511268"));
    }

    [Test]
    public void Times_are_written_as_the_format_string_of_version_1_writes_them()
    {
        var times = new List<DateTime>
        {
            default, DateTime.MaxValue, new(1, 2, 3, 4, 5, 6, 7, DateTimeKind.Utc), new(999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc),
            new DateTime(2026, 12, 1, 16, 49, 56, DateTimeKind.Utc).AddTicks(1_234_567), new DateTime(2026, 3, 9, 7, 0, 0, DateTimeKind.Unspecified),
            new DateTime(2026, 6, 30, 23, 30, 0, DateTimeKind.Local),
        };
        var random = new Random(5);
        for (int i = 0; i < 10_000; i++) times.Add(new DateTime(random.NextInt64(DateTime.MaxValue.Ticks), (DateTimeKind)random.Next(3)));

        foreach (var t in times)
        {
            var expected = ChainHasher.Normalize(t).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(CanonicalWriter.FormatTime(t), Is.EqualTo(expected), $"{t:o} ({t.Kind})");
        }
    }

    /// <summary>
    /// The canonical form as it was first defined, through System.Text.Json's serializer: declaration order, C# names,
    /// defaults and empty lists left out, times to the millisecond. <see cref="CanonicalWriter"/> must write exactly this.
    /// </summary>
    private static readonly JsonSerializerOptions Definition = CreateDefinition();

    [Test]
    public void The_writer_writes_what_the_definition_writes_for_every_field_set()
    {
        var tx = Filled<AuditTransaction>(1);
        var delivery = Filled<AuditDelivery>(2);
        Assert.Multiple(() =>
        {
            Assert.That(Written(w => CanonicalWriter.Write(w, tx)), Is.EqualTo(JsonSerializer.Serialize(tx, Definition)));
            Assert.That(Written(w => CanonicalWriter.Write(w, delivery)), Is.EqualTo(JsonSerializer.Serialize(delivery, Definition)));
        });
        Assert.That(Written(w => CanonicalWriter.Write(w, tx)), Does.Contain("\\u1EA1").And.Contain("\\u0022").And.Contain(".120Z"), "escapes and three-digit milliseconds");
    }

    [Test]
    public void The_writer_leaves_out_what_the_definition_leaves_out()
    {
        var bare = new AuditTransaction();
        var sparse = AuditTestData.Accepted("Q1", AuditTestData.T0);
        sparse.Smime = new AuditSmime();
        sparse.Attachments = [new AuditAttachment { Name = "a.pdf" }, null!];
        sparse.Recipients = ["x@bnv.gov.vn", null!];
        sparse.Classes = null!;
        var delivery = new AuditDelivery();
        foreach (var tx in new[] { bare, sparse })
            Assert.That(Written(w => CanonicalWriter.Write(w, tx)), Is.EqualTo(JsonSerializer.Serialize(tx, Definition)));
        Assert.That(Written(w => CanonicalWriter.Write(w, delivery)), Is.EqualTo(JsonSerializer.Serialize(delivery, Definition)));
    }

    private static string Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>An object with every public property set (through reflection, so a property added later is set too).</summary>
    private static T Filled<T>(int n) where T : new() => (T)Fill(typeof(T), n);

    private static object Fill(Type type, int n)
    {
        var value = Activator.CreateInstance(type)!;
        int i = 0;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            i++;
            object item = p.PropertyType switch
            {
                var t when t == typeof(string) => $"{p.Name} {n}.{i} Giấy mời \"họp\" <45/GM-STTTT> & ạ",
                var t when t == typeof(long) => 1000L * n + i,
                var t when t == typeof(int?) => (int?)(100 * n + i),
                var t when t == typeof(int) => 100 * n + i,
                var t when t == typeof(bool) => true,
                var t when t == typeof(DateTime) || t == typeof(DateTime?) => new DateTime(2026, 12, 1, 8, 30, i, DateTimeKind.Utc).AddTicks(1_200_000 + 1234),
                var t when t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) => List(t.GetGenericArguments()[0], n * 10 + i),
                var t when t.IsClass => Fill(t, n * 10 + i),
                var t => throw new AssertionException($"Fill does not know {t} ({type.Name}.{p.Name}): teach it, and CanonicalWriter"),
            };
            p.SetValue(value, item);
        }
        return value;
    }

    private static IList List(Type element, int n)
    {
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        for (int k = 0; k < 2; k++) list.Add(element == typeof(string) ? $"item {n}.{k}@bnv.gov.vn" : Fill(element, n * 10 + k));
        return list;
    }

    private static JsonSerializerOptions CreateDefinition()
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            foreach (var property in info.Properties)
            {
                if (typeof(ICollection).IsAssignableFrom(property.PropertyType))
                    property.ShouldSerialize = (_, value) => value is ICollection { Count: > 0 };
            }
        });
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
            Converters = { new MillisecondTime() },
        };
        options.MakeReadOnly();
        return options;
    }

    private sealed class MillisecondTime : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(ChainHasher.Normalize(value).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
    }
}
