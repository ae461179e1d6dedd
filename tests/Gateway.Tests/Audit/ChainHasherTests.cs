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
}
