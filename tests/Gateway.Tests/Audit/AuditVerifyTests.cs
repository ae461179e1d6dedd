using GovGateway.Audit;
using LiteDB;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

/// <summary>Tampering done the way an intruder with the file would: through LiteDB, with the log closed.</summary>
[TestFixture]
public class AuditVerifyTests
{
    private static async Task<TempDataDir> SeedAsync(int transactions = 10)
    {
        var dir = new TempDataDir();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        for (int i = 1; i <= transactions; i++)
            await log.AppendAsync(AuditTestData.Accepted($"Q{i}", AuditTestData.T0.AddMinutes(i)));
        return dir;
    }

    private static void Tamper(TempDataDir dir, Action<ILiteCollection<BsonDocument>> change)
    {
        using var db = new LiteDatabase(new ConnectionString { Filename = AuditLog.DatabasePath(dir.Path), Connection = ConnectionType.Direct });
        change(db.GetCollection(AuditStore.TransactionsCollection));
        db.Checkpoint();
    }

    private static async Task<AuditVerifyResult> VerifyAsync(TempDataDir dir)
    {
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        return log.Verify();
    }

    [Test]
    public async Task Untouched_chain_verifies()
    {
        using var dir = await SeedAsync();
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.True, result.Message);
        Assert.That(result.Checked, Is.EqualTo(10));
        Assert.That(result.HeadSeq, Is.EqualTo(10));
        Assert.That(result.HeadHash, Has.Length.EqualTo(64));
    }

    [Test]
    public async Task Changed_field_is_named()
    {
        using var dir = await SeedAsync();
        Tamper(dir, entries =>
        {
            var doc = entries.FindById(4);
            doc["Transaction"]["Decision"] = "rejected";
            entries.Update(doc);
        });
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Problem, Is.EqualTo("changed"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(4));
        Assert.That(result.FirstBadRecord, Does.Contain("queue Q4"));
        Assert.That(result.Checked, Is.EqualTo(3));
    }

    [Test]
    public async Task Changed_field_with_recomputed_hash_is_caught_by_the_next_link()
    {
        using var dir = await SeedAsync();
        Tamper(dir, entries =>
        {
            var doc = entries.FindById(6);
            doc["Transaction"]["Subject"] = "Nội dung đã bị sửa";
            entries.Update(doc);
            var entry = AuditStore.CreateMapper().ToObject<AuditEntry>(entries.FindById(6));
            doc["Hash"] = ChainHasher.Compute(entry.PrevHash, entry);
            entries.Update(doc);
        });
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Problem, Is.EqualTo("changed"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(6));
    }

    [Test]
    public async Task Deleted_record_is_named()
    {
        using var dir = await SeedAsync();
        Tamper(dir, entries => entries.Delete(7));
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Problem, Is.EqualTo("removed"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(7));
    }

    [Test]
    public async Task Changed_or_deleted_delivery_outcome_is_named()
    {
        using var dir = new TempDataDir();
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            await log.AppendAsync(AuditTestData.Accepted("Q1", AuditTestData.T0));
            await log.FlushAsync(); // in LiteDB before its outcome: the outcome gets a document of its own
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", "lanhdao@sotttt.hanoi.gov.vn", "bounced", "550 no", AuditTestData.T0.AddSeconds(1)));
            await log.AppendAsync(AuditTestData.Accepted("Q2", AuditTestData.T0.AddSeconds(2)));
        }
        static ILiteCollection<BsonDocument> Deliveries(LiteDatabase db) => db.GetCollection(AuditStore.DeliveriesCollection);
        using (var db = new LiteDatabase(new ConnectionString { Filename = AuditLog.DatabasePath(dir.Path), Connection = ConnectionType.Direct }))
        {
            var doc = Deliveries(db).FindById(2);
            doc["Delivery"]["Outcome"] = "delivered";
            Deliveries(db).Update(doc);
        }
        var changed = await VerifyAsync(dir);
        Assert.That((changed.Problem, changed.FirstBadSeq), Is.EqualTo(("changed", 2L)));
        Assert.That(changed.FirstBadRecord, Does.Contain("delivery Q1"));

        using (var db = new LiteDatabase(new ConnectionString { Filename = AuditLog.DatabasePath(dir.Path), Connection = ConnectionType.Direct }))
            Deliveries(db).Delete(2);
        var removed = await VerifyAsync(dir);
        Assert.That((removed.Problem, removed.FirstBadSeq), Is.EqualTo(("removed", 2L)));
    }

    [Test]
    public async Task Changed_or_deleted_outcome_stored_inside_its_transaction_is_named()
    {
        using var dir = new TempDataDir();
        var options = AuditTestData.FastOptions();
        options.FlushInterval = TimeSpan.FromMilliseconds(500); // one batch: the outcome is stored inside Q1's document
        await using (var log = await AuditLog.OpenAsync(dir.Path, options))
        {
            await log.AppendAsync(AuditTestData.Accepted("Q1", AuditTestData.T0));
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", "lanhdao@sotttt.hanoi.gov.vn", "bounced", "550 no", AuditTestData.T0.AddSeconds(1)));
            await log.AppendAsync(AuditTestData.Accepted("Q2", AuditTestData.T0.AddSeconds(2)));
            await log.FlushAsync();
            Assert.That(log.Query(new AuditQuery { MessageId = "<Q1@mail.bnv.gov.vn>" }).Records.Single().RecipientStatus.Single().Outcome, Is.EqualTo("bounced"));
            Assert.That(log.Verify().Ok, Is.True);
        }
        void Edit(Action<BsonArray> change) => Tamper(dir, entries =>
        {
            var doc = entries.FindById(1);
            change(doc["Outcomes"].AsArray);
            entries.Update(doc);
        });
        using (var db = new LiteDatabase(new ConnectionString { Filename = AuditLog.DatabasePath(dir.Path), Connection = ConnectionType.Direct }))
            Assert.That(db.GetCollection(AuditStore.DeliveriesCollection).Count(), Is.Zero, "the outcome has no document of its own");

        Edit(outcomes => outcomes[0]["Delivery"]["Outcome"] = "delivered");
        var changed = await VerifyAsync(dir);
        Assert.That((changed.Problem, changed.FirstBadSeq), Is.EqualTo(("changed", 2L)));
        Assert.That(changed.FirstBadRecord, Does.Contain("delivery Q1"));

        Edit(outcomes => outcomes.RemoveAt(0));
        var removed = await VerifyAsync(dir);
        Assert.That((removed.Problem, removed.FirstBadSeq), Is.EqualTo(("removed", 2L)));
    }

    [Test]
    public async Task Deleted_last_record_is_caught_by_the_head()
    {
        using var dir = await SeedAsync();
        Tamper(dir, entries => entries.Delete(10));
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Problem, Is.EqualTo("removed"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(10));
    }

    [Test]
    public async Task Inserted_record_at_the_end_is_named_even_with_a_valid_link()
    {
        using var dir = await SeedAsync();
        Tamper(dir, entries =>
        {
            var mapper = AuditStore.CreateMapper();
            var last = mapper.ToObject<AuditEntry>(entries.FindById(10));
            var forged = new AuditEntry
            {
                Id = 11, Kind = "transaction", TimeUtc = last.TimeUtc.AddMinutes(1), QueueId = "FORGED",
                Transaction = AuditTestData.Accepted("FORGED", last.TimeUtc.AddMinutes(1)), PrevHash = last.Hash,
            };
            forged.Transaction.TimeUtc = forged.TimeUtc;
            forged.Hash = ChainHasher.Compute(forged.PrevHash, forged);
            entries.Insert(mapper.ToDocument(forged));
        });
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Problem, Is.EqualTo("inserted"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(11));
        Assert.That(result.FirstBadRecord, Does.Contain("FORGED"));
    }

    [Test]
    public async Task Inserted_record_in_the_middle_with_renumbering_is_named()
    {
        using var dir = await SeedAsync();
        Tamper(dir, entries =>
        {
            var mapper = AuditStore.CreateMapper();
            // Shift entries 5..10 up by one, then put a forged, correctly linked entry at 5.
            for (long id = 10; id >= 5; id--)
            {
                var doc = entries.FindById(id);
                entries.Delete(id);
                doc["_id"] = id + 1;
                entries.Insert(doc);
            }
            var before = mapper.ToObject<AuditEntry>(entries.FindById(4));
            var forged = new AuditEntry { Id = 5, Kind = "transaction", TimeUtc = before.TimeUtc, QueueId = "FORGED", PrevHash = before.Hash };
            forged.Transaction = AuditTestData.Accepted("FORGED", before.TimeUtc);
            forged.Hash = ChainHasher.Compute(forged.PrevHash, forged);
            entries.Insert(mapper.ToDocument(forged));
        });
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Problem, Is.EqualTo("inserted"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(5));
    }

    [Test]
    public async Task Retention_purge_keeps_verification_green_and_new_records_chain_on()
    {
        using var dir = new TempDataDir();
        var now = DateTime.UtcNow;
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            for (int i = 0; i < 6; i++) await log.AppendAsync(AuditTestData.Accepted($"OLD{i}", now.AddDays(-100 + i)));
            await log.RecordDeliveryAsync(AuditTestData.Delivery("OLD5", "x@y.gov.vn", "delivered", "250 ok", now.AddDays(-94)));
            for (int i = 0; i < 4; i++) await log.AppendAsync(AuditTestData.Accepted($"NEW{i}", now.AddDays(-10 + i)));
            await log.FlushAsync();
            await log.PurgeAsync(now.AddDays(-30));
            var result = log.Verify();
            Assert.That(result.Ok, Is.True, result.Message);
            Assert.That(result.AnchorSeq, Is.EqualTo(7));
            Assert.That(result.Checked, Is.EqualTo(4));
            Assert.That(log.Query(new AuditQuery()).Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { "NEW3", "NEW2", "NEW1", "NEW0" }));
            await log.AppendAsync(AuditTestData.Accepted("AFTER", now));
        }

        // Retention configured: opening purges on its own, and a tampered survivor is still caught.
        var options = AuditTestData.FastOptions();
        options.RetentionDays = 9;
        await using (var log = await AuditLog.OpenAsync(dir.Path, options))
        {
            for (int i = 0; i < 100 && log.Verify().AnchorSeq < 9; i++) await Task.Delay(20);
            var result = log.Verify();
            Assert.That(result.Ok, Is.True, result.Message);
            Assert.That(result.AnchorSeq, Is.EqualTo(9), "NEW0 and NEW1 (10 and 9 days old) purged");
            Assert.That(log.Query(new AuditQuery()).Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { "AFTER", "NEW3", "NEW2" }));
        }
        Tamper(dir, entries => entries.Delete(10));
        var broken = await VerifyAsync(dir);
        Assert.That(broken.Ok, Is.False);
        Assert.That(broken.Problem, Is.EqualTo("removed"));
        Assert.That(broken.FirstBadSeq, Is.EqualTo(10));
    }

    [Test]
    public async Task Purging_a_transaction_takes_the_outcomes_stored_inside_it_even_when_they_are_younger()
    {
        using var dir = new TempDataDir();
        var now = DateTime.UtcNow;
        var options = AuditTestData.FastOptions();
        options.FlushInterval = TimeSpan.FromMilliseconds(500); // OLD and its outcome in one batch
        await using var log = await AuditLog.OpenAsync(dir.Path, options);
        await log.AppendAsync(AuditTestData.Accepted("OLD", now.AddDays(-40)));
        await log.RecordDeliveryAsync(AuditTestData.Delivery("OLD", "lanhdao@sotttt.hanoi.gov.vn", "delivered", "250 ok", now.AddDays(-20)));
        await log.AppendAsync(AuditTestData.Accepted("NEW", now));
        await log.FlushAsync();
        await log.RecordDeliveryAsync(AuditTestData.Delivery("NEW", "lanhdao@sotttt.hanoi.gov.vn", "delivered", "250 ok", now));
        await log.FlushAsync();

        await log.PurgeAsync(now.AddDays(-30));
        var result = log.Verify();
        Assert.That(result.Ok, Is.True, result.Message);
        Assert.That((result.AnchorSeq, result.Checked), Is.EqualTo((2L, 2)), "OLD and the outcome stored with it are gone; NEW and its outcome remain");
        var remaining = log.Query(new AuditQuery()).Records.Single();
        Assert.That(remaining.Transaction.QueueId, Is.EqualTo("NEW"));
        Assert.That(remaining.RecipientStatus.Single().Outcome, Is.EqualTo("delivered"));
    }

    [Test]
    public async Task Entry_reinserted_before_the_anchor_is_named()
    {
        using var dir = new TempDataDir();
        var now = DateTime.UtcNow;
        BsonDocument? purged = null;
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            await log.AppendAsync(AuditTestData.Accepted("OLD", now.AddDays(-50)));
            await log.AppendAsync(AuditTestData.Accepted("NEW", now));
        }
        Tamper(dir, entries => purged = entries.FindById(1));
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
            await log.PurgeAsync(now.AddDays(-1));
        Tamper(dir, entries => entries.Insert(purged!));
        var result = await VerifyAsync(dir);
        Assert.That(result.Problem, Is.EqualTo("inserted"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(1));
    }
}
