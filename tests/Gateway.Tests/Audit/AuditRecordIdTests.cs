using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

[TestFixture]
public class AuditRecordIdTests
{
    [Test]
    public void Ids_are_version_7_uuids_carrying_their_time_and_do_not_repeat()
    {
        var time = new DateTimeOffset(2026, 12, 1, 14, 32, 51, 123, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 100_000).Select(_ => AuditRecordId.New(time)).ToList();

        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Count));
        var reference = Guid.CreateVersion7(time).ToString("N");
        foreach (var id in ids.Take(100))
        {
            Assert.That(id, Does.Match("^[0-9a-f]{32}$"));
            var guid = Guid.ParseExact(id, "N");
            Assert.That(guid.Version, Is.EqualTo(7));
            Assert.That(guid.Variant, Is.InRange(8, 11)); // RFC 9562 variant: bits 10xx
            Assert.That(id[..12], Is.EqualTo(reference[..12]), "the 48-bit millisecond timestamp, as .NET writes it");
        }
    }
}
