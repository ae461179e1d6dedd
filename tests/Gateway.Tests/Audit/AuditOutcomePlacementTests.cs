using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

/// <summary>
/// Where the writer stores a delivery outcome and how a query finds it again: in its transaction's chunk, in the chunk
/// right after it (no reference), or later still or after a restart (a reference in "delivery_refs").
/// </summary>
[TestFixture]
public class AuditOutcomePlacementTests
{
    private const string Rcpt = "lanhdao@sotttt.hanoi.gov.vn";

    [Test]
    public async Task Outcomes_in_the_next_chunk_need_no_reference_later_ones_and_those_after_a_restart_get_one()
    {
        using var dir = new TempFolder();
        var t0 = AuditTestData.T0;
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            await log.AppendAsync(AuditTestData.Accepted("Q1", t0));
            await log.FlushAsync();                                                                            // chunk [1]
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", Rcpt, "deferred", "451 later", t0.AddSeconds(1)));
            await log.FlushAsync();                                                                            // chunk [2]: right after Q1's
            await log.AppendAsync(AuditTestData.Accepted("Q2", t0.AddSeconds(2)));
            await log.FlushAsync();                                                                            // chunk [3]
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", Rcpt, "delivered", "250 ok", t0.AddMinutes(5)));
            await log.FlushAsync();                                                                            // chunk [4]: two after Q1's
        }
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q2", Rcpt, "delivered", "250 ok", t0.AddMinutes(6)));
            await log.FlushAsync();                                                                            // chunk [5]: after a restart

            var q1 = log.Query(new AuditQuery { MessageId = "<Q1@mail.bnv.gov.vn>" }).Records.Single();
            Assert.That(q1.Deliveries.Select(d => d.Outcome), Is.EqualTo(new[] { "deferred", "delivered" }), "one from the next chunk, one through its reference");
            Assert.That(q1.RecipientStatus.Single().Outcome, Is.EqualTo("delivered"));
            var q2 = log.Query(new AuditQuery { MessageId = "<Q2@mail.bnv.gov.vn>" }).Records.Single();
            Assert.That(q2.Deliveries.Select(d => d.Outcome), Is.EqualTo(new[] { "delivered" }), "found in the next chunk and through its reference, listed once");
            var all = log.Query(new AuditQuery()).Records;
            Assert.That(all.Select(r => (r.Transaction.QueueId, r.Deliveries.Count)), Is.EqualTo(new[] { ("Q2", 1), ("Q1", 2) }));
            Assert.That(log.Verify().Ok, Is.True, log.Verify().Message);
        }
        using var chain = new ChainFile(dir);
        Assert.That(chain.Database.GetCollection(AuditStore.ChainCollection).FindAll().Select(d => d["_id"].AsInt64), Is.EqualTo(new[] { 1L, 2L, 3L, 4L, 5L }));
        Assert.That(ReferencedSeqs(chain), Is.EqualTo(new[] { 4L, 5L }),
            "entry 2 is in the chunk after its transaction's; 4 is two chunks after; 5 follows a restart, when the writer no longer knows the chunk before");
    }

    [Test]
    public async Task An_outcome_in_the_next_chunk_is_not_given_to_a_transaction_of_another_queue_id_or_to_a_quarantined_one()
    {
        using var dir = new TempFolder();
        var t0 = AuditTestData.T0;
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            await log.AppendAsync(AuditTestData.Accepted("Q1", t0));
            var held = AuditTestData.Accepted("R1", t0.AddSeconds(1));
            held.Decision = AuditDecisions.Quarantined; // released from quarantine and delivered later
            await log.AppendAsync(held);
            await log.FlushAsync();
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", Rcpt, "delivered", "250 ok", t0.AddSeconds(2)));
            await log.RecordDeliveryAsync(AuditTestData.Delivery("R1", Rcpt, "delivered", "250 ok", t0.AddSeconds(3)));
            await log.FlushAsync();

            var records = log.Query(new AuditQuery()).Records;
            Assert.That(records.Select(r => (r.Transaction.QueueId, r.Deliveries.Count)), Is.EqualTo(new[] { ("R1", 1), ("Q1", 1) }),
                "R1's outcome (after a release from quarantine) is joined through its reference, Q1's from the next chunk");
            Assert.That(records[1].Deliveries.Single().QueueId, Is.EqualTo("Q1"));
        }
        using var chain = new ChainFile(dir);
        Assert.That(chain.Database.GetCollection(OutcomeRefs.Collection).FindAll().SelectMany(d => d["Queues"].AsArray).Select(v => v.AsString), Is.EqualTo(new[] { "R1" }));
    }

    [Test]
    public async Task A_batch_across_a_lookup_block_boundary_keeps_its_transactions_listed_when_an_outcome_falls_in_the_earlier_block()
    {
        using var dir = new TempFolder();
        var t0 = AuditTestData.T0;
        var options = AuditTestData.FastOptions();
        options.BatchSize = 2000;
        await using (var log = await AuditLog.OpenAsync(dir.Path, options))
        {
            await log.AppendAsync(AuditTestData.Accepted("Q0", t0));
            await log.FlushAsync();                                                   // chunk [1]
            await log.AppendAsync(AuditTestData.Accepted("QX", t0.AddSeconds(1)));
            await log.FlushAsync();                                                   // chunk [2]
            options.FlushInterval = TimeSpan.FromSeconds(2);                          // the rest in one batch
            for (int i = 3; i <= 1022; i++) log.AppendCarried(log.Carry(AuditTestData.Accepted($"B{i}", t0.AddSeconds(i))));
            log.RecordDelivery(AuditTestData.Delivery("Q0", Rcpt, "delivered", "250 ok", t0.AddSeconds(1023))); // 1023: block 0, referenced
            log.AppendCarried(log.Carry(AuditTestData.Accepted("B1024", t0.AddSeconds(1024))));                 // 1024: block 1
            await log.WhenDurableAsync(now: true);
            await log.FlushAsync();

            var verify = log.Verify();
            Assert.That(verify.Ok, Is.True, verify.Message);
            Assert.That(log.Query(new AuditQuery { MessageId = "<B1022@mail.bnv.gov.vn>" }).Records, Has.Count.EqualTo(1));
            Assert.That(log.Query(new AuditQuery { MessageId = "<Q0@mail.bnv.gov.vn>" }).Records.Single().RecipientStatus.Single().Outcome, Is.EqualTo("delivered"));
        }
        using var chain = new ChainFile(dir);
        Assert.That(ReferencedSeqs(chain), Is.EqualTo(new[] { 1023L }));
    }

    [Test]
    public async Task Verify_names_an_outcome_whose_reference_was_removed_and_rebuild_lookup_restores_it()
    {
        using var dir = new TempFolder();
        var t0 = AuditTestData.T0;
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            await log.AppendAsync(AuditTestData.Accepted("Q1", t0));
            await log.FlushAsync();                                                                            // chunk [1]
            await log.AppendAsync(AuditTestData.Accepted("Q2", t0.AddSeconds(1)));
            await log.FlushAsync();                                                                            // chunk [2]
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q2", Rcpt, "delivered", "250 ok", t0.AddSeconds(2)));
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", Rcpt, "delivered", "250 ok", t0.AddSeconds(3)));
            await log.FlushAsync();                                                                            // chunk [3, 4]
            Assert.That(log.Verify().Ok, Is.True, log.Verify().Message);
        }
        using (var chain = new ChainFile(dir))
        {
            Assert.That(ReferencedSeqs(chain), Is.EqualTo(new[] { 4L }), "Q2's outcome is in the chunk after Q2's; Q1's two chunks after Q1's");
            // Someone hides Q1's delivery from queries without touching the chain.
            var refs = chain.Database.GetCollection(OutcomeRefs.Collection);
            var doc = refs.FindById(0L);
            doc["Queues"] = new LiteDB.BsonArray();
            doc["Seqs"] = new LiteDB.BsonArray();
            refs.Update(doc);
            chain.Database.Checkpoint();
        }
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            Assert.That(log.Query(new AuditQuery { MessageId = "<Q1@mail.bnv.gov.vn>" }).Records.Single().Deliveries, Is.Empty, "hidden");
            var broken = log.Verify();
            Assert.That(broken.Ok, Is.False);
            Assert.That(broken.Problem, Is.EqualTo("unlisted"));
            Assert.That(broken.FirstBadSeq, Is.EqualTo(4));
            Assert.That(broken.Message, Does.Contain("delivery outcome 4").And.Contain("rebuild-lookup"));

            log.RebuildLookup();
            Assert.That(log.Verify().Ok, Is.True, log.Verify().Message);
            Assert.That(log.Query(new AuditQuery { MessageId = "<Q1@mail.bnv.gov.vn>" }).Records.Single().Deliveries.Select(d => d.Outcome), Is.EqualTo(new[] { "delivered" }));
        }
    }

    private static List<long> ReferencedSeqs(ChainFile chain) =>
        chain.Database.GetCollection(OutcomeRefs.Collection).FindAll().SelectMany(d => d["Seqs"].AsArray).Select(v => v.AsInt64).Order().ToList();
}
