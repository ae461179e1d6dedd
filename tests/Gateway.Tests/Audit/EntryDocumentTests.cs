using GovGateway.Audit;
using LiteDB;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

/// <summary>The writer's hand-built documents must be exactly what LiteDB's mapper makes (and reads back) of the same entry.</summary>
[TestFixture]
public class EntryDocumentTests
{
    private static readonly Dictionary<string, AuditEntry> Cases = Entries().ToDictionary(c => c.Name, c => c.Entry);

    private static IEnumerable<string> CaseNames() => Cases.Keys;

    private static IEnumerable<(string Name, AuditEntry Entry)> Entries()
    {
        var t0 = AuditTestData.T0;
        var full = AuditTestData.Accepted("Q1", t0, "a@hanoi.gov.vn", "b@hue.gov.vn");
        full.Id = "0193aa";
        yield return ("full transaction", Entry(1, full));

        var sparse = new AuditTransaction { Id = "x", TimeUtc = t0, Decision = "rejected", MailFrom = "" };
        yield return ("transaction with only what a MAIL FROM rejection has", Entry(2, sparse));

        var odd = AuditTestData.Accepted("Q3", t0);
        odd.Subject = "  Giấy mời  ";
        odd.HeaderFrom = "";
        odd.Smime = new AuditSmime();
        odd.Attachments.Add(new AuditAttachment());
        odd.Rules.Add(new AuditRuleHit { Rule = "r" });
        yield return ("blank and empty strings, empty nested objects", Entry(3, odd));

        var delivery = AuditTestData.Delivery("Q1", "a@hanoi.gov.vn", AuditOutcomes.Delivered, "250 2.0.0 Ok", t0.AddSeconds(2));
        yield return ("delivery", new AuditEntry { Id = 4, Kind = EntryKinds.Delivery, TimeUtc = delivery.TimeUtc, QueueId = "Q1", Delivery = delivery, PrevHash = "p", Hash = "h" });
        var withOutcomes = Entry(6, AuditTestData.Accepted("Q6", t0));
        withOutcomes.Outcomes =
        [
            new AuditEntry { Id = 7, Kind = EntryKinds.Delivery, TimeUtc = t0, QueueId = "Q6", Delivery = AuditTestData.Delivery("Q6", "lanhdao@sotttt.hanoi.gov.vn", "delivered", "250 ok", t0), PrevHash = "h6", Hash = "h7" },
            new AuditEntry { Id = 9, Kind = EntryKinds.Delivery, TimeUtc = t0, QueueId = "Q6", Delivery = new AuditDelivery { QueueId = "Q6", Recipient = "b@hue.gov.vn", Outcome = "deferred", TimeUtc = t0 }, PrevHash = "h8", Hash = "h9" },
        ];
        yield return ("transaction with the outcomes stored inside it", withOutcomes);
        var bare = new AuditDelivery { QueueId = "Q9", Recipient = "c@hue.gov.vn", Outcome = "deferred", TimeUtc = t0 };
        yield return ("delivery without a reply", new AuditEntry { Id = 5, Kind = EntryKinds.Delivery, TimeUtc = t0, QueueId = "Q9", Delivery = bare, PrevHash = "p", Hash = "h" });
    }

    private static AuditEntry Entry(long seq, AuditTransaction t)
    {
        EntryFactory.Normalize(t);
        return new AuditEntry { Id = seq, Kind = EntryKinds.Transaction, TimeUtc = t.TimeUtc, QueueId = t.QueueId, Transaction = t, PrevHash = "p", Hash = "h" };
    }

    [TestCaseSource(nameof(CaseNames))]
    public void Hand_built_document_equals_the_mappers(string name)
    {
        var entry = Cases[name];
        var mapper = AuditStore.CreateMapper();
        var expected = mapper.ToDocument(entry);
        var actual = EntryDocument.From(entry);

        Assert.That(Canonical(actual), Is.EqualTo(Canonical(expected)));
        var back = mapper.ToObject<AuditEntry>(actual);
        Assert.That(ChainHasher.Compute("p", back), Is.EqualTo(ChainHasher.Compute("p", entry)), "reads back to an entry with the same hash");
    }

    /// <summary>The document as JSON with keys sorted at every level, so field order does not matter but everything else does.</summary>
    private static string Canonical(BsonValue value) => LiteDB.JsonSerializer.Serialize(Sorted(value));

    private static BsonValue Sorted(BsonValue value) => value switch
    {
        { IsDocument: true } => new BsonDocument(value.AsDocument.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => Sorted(kv.Value))),
        { IsArray: true } => new BsonArray(value.AsArray.Select(Sorted)),
        _ => value,
    };
}
