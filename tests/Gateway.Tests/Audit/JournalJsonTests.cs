using System.Text.Json;
using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

/// <summary>The generated journal serializer writes what the shared options write, so older journals and carried records read back.</summary>
[TestFixture]
public class JournalJsonTests
{
    [Test]
    public void Generated_serializer_writes_the_same_bytes_as_the_shared_options_and_reads_them_back()
    {
        var tx = AuditTestData.Accepted("Q1", AuditTestData.T0, "a@hanoi.gov.vn");
        tx.Id = "0193";
        tx.Subject = "Giấy mời \"họp\" <khẩn> & số 45/GM-STTTT\u0001";
        var payloads = new[]
        {
            new JournalPayload { Kind = EntryKinds.Transaction, Transaction = tx },
            new JournalPayload { Kind = EntryKinds.Delivery, Delivery = AuditTestData.Delivery("Q1", "a@hanoi.gov.vn", "delivered", "250 ok", AuditTestData.T0) },
        };
        foreach (var payload in payloads)
        {
            var shared = JsonSerializer.SerializeToUtf8Bytes(payload, AuditJson.Options);
            Assert.That(JournalJson.Serialize(payload), Is.EqualTo(shared));
            var back = JournalJson.Deserialize(shared)!;
            Assert.That(JsonSerializer.SerializeToUtf8Bytes(back, AuditJson.Options), Is.EqualTo(shared));
        }
    }
}
