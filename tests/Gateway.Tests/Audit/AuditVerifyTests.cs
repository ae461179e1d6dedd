using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

/// <summary>Tampering done the way an intruder with the file would: through LiteDB, with the log closed (<see cref="ChainFile"/>).</summary>
[TestFixture]
public class AuditVerifyTests
{
    private static async Task<TempFolder> SeedAsync(int transactions = 10)
    {
        var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        for (int i = 1; i <= transactions; i++)
            await log.AppendAsync(AuditTestData.Accepted($"Q{i}", AuditTestData.T0.AddMinutes(i)));
        return dir;
    }

    private static void Tamper(TempFolder dir, Action<ChainFile> change)
    {
        using var chain = new ChainFile(dir);
        change(chain);
    }

    private static async Task<AuditVerifyResult> VerifyAsync(TempFolder dir)
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
        Tamper(dir, chain => chain.Edit(4, entry => entry["transaction"]!["Decision"] = "rejected"));
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Problem, Is.EqualTo("changed"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(4));
        Assert.That(result.FirstBadRecord, Does.Contain("queue Q4"));
        Assert.That(result.Checked, Is.EqualTo(3));
    }

    [Test]
    public async Task Changed_last_record_is_caught_by_the_head()
    {
        using var dir = await SeedAsync();
        Tamper(dir, chain => chain.Edit(10, entry => entry["transaction"]!["Subject"] = "Nội dung đã bị sửa"));
        var result = await VerifyAsync(dir);
        Assert.That((result.Problem, result.FirstBadSeq), Is.EqualTo(("changed", 10L)));
        Assert.That(result.FirstBadRecord, Does.Contain("queue Q10"));
        Assert.That(result.Checked, Is.EqualTo(9));
    }

    [Test]
    public async Task Relinking_the_next_record_to_a_changed_one_moves_the_break_but_does_not_hide_it()
    {
        using var dir = await SeedAsync();
        Tamper(dir, chain =>
        {
            chain.Edit(6, entry => entry["transaction"]!["Subject"] = "Nội dung đã bị sửa");
            var changedHash = ChainHasher.HashOf(chain.Text(6));
            chain.Edit(7, entry => entry["prev"] = changedHash);
        });
        var result = await VerifyAsync(dir);
        Assert.That((result.Ok, result.Problem, result.FirstBadSeq), Is.EqualTo((false, "changed", 7L)), result.Message);
    }

    [Test]
    public async Task Text_that_is_no_longer_an_entry_is_named()
    {
        using var dir = await SeedAsync();
        Tamper(dir, chain => chain.Replace(3, "{\"note\": \"xoá\"}"));
        var result = await VerifyAsync(dir);
        Assert.That((result.Problem, result.FirstBadSeq), Is.EqualTo(("changed", 3L)));
    }

    [Test]
    public async Task Deleted_record_is_named()
    {
        using var dir = await SeedAsync();
        Tamper(dir, chain => chain.Delete(7));
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Problem, Is.EqualTo("removed"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(7));
    }

    [Test]
    public async Task Changed_or_deleted_delivery_outcome_is_named()
    {
        using var dir = new TempFolder();
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            await log.AppendAsync(AuditTestData.Accepted("Q1", AuditTestData.T0));
            await log.FlushAsync(); // in LiteDB before its outcome: the outcome is stored in a later chunk
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", "lanhdao@sotttt.hanoi.gov.vn", "bounced", "550 no", AuditTestData.T0.AddSeconds(1)));
            await log.AppendAsync(AuditTestData.Accepted("Q2", AuditTestData.T0.AddSeconds(2)));
        }
        using (var chain = new ChainFile(dir))
        {
            Assert.That(chain.Database.GetCollection(AuditStore.ChainCollection).FindAll().First()["_id"].AsInt64, Is.EqualTo(1L),
                "the outcome is stored after its transaction's chunk");
            chain.Edit(2, entry => entry["delivery"]!["Outcome"] = "delivered");
        }
        var changed = await VerifyAsync(dir);
        Assert.That((changed.Problem, changed.FirstBadSeq), Is.EqualTo(("changed", 2L)));
        Assert.That(changed.FirstBadRecord, Does.Contain("delivery Q1"));

        Tamper(dir, chain => chain.Delete(2));
        var removed = await VerifyAsync(dir);
        Assert.That((removed.Problem, removed.FirstBadSeq), Is.EqualTo(("removed", 2L)));
    }

    [Test]
    public async Task Changed_or_deleted_outcome_stored_inside_its_transaction_is_named()
    {
        using var dir = new TempFolder();
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
        using (var chain = new ChainFile(dir))
        {
            Assert.That(chain.Database.GetCollection(OutcomeRefs.Collection).Count(), Is.Zero, "the outcome is in its transaction's chunk: no reference");
            Assert.That(chain.Database.GetCollection(AuditStore.ChainCollection).Count(), Is.EqualTo(1), "one batch, one chunk");
        }

        Tamper(dir, chain => chain.Edit(2, entry => entry["delivery"]!["Outcome"] = "delivered"));
        var changed = await VerifyAsync(dir);
        Assert.That((changed.Problem, changed.FirstBadSeq), Is.EqualTo(("changed", 2L)));
        Assert.That(changed.FirstBadRecord, Does.Contain("delivery Q1"));

        Tamper(dir, chain => chain.Delete(2));
        var removed = await VerifyAsync(dir);
        Assert.That((removed.Problem, removed.FirstBadSeq), Is.EqualTo(("removed", 2L)));
    }

    [Test]
    public async Task Deleted_last_record_is_caught_by_the_head()
    {
        using var dir = await SeedAsync();
        Tamper(dir, chain => chain.Delete(10));
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Problem, Is.EqualTo("removed"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(10));
    }

    [Test]
    public async Task Inserted_record_at_the_end_is_named_even_with_a_valid_link()
    {
        using var dir = await SeedAsync();
        Tamper(dir, chain =>
        {
            var last = chain.Entry(10);
            var forged = new AuditEntry
            {
                Id = 11, Kind = "transaction", TimeUtc = last.TimeUtc.AddMinutes(1), QueueId = "FORGED",
                Transaction = AuditTestData.Accepted("FORGED", last.TimeUtc.AddMinutes(1)),
            };
            forged.Transaction.TimeUtc = forged.TimeUtc;
            chain.AddChunk(ChainHasher.Link(last.Hash, forged).Canonical);
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
        Tamper(dir, chain =>
        {
            // Renumber entries 5..10 up by one, then put a forged, correctly linked entry at 5.
            for (long id = 10; id >= 5; id--) chain.Edit(id, entry => entry["seq"] = id + 1);
            var before = chain.Entry(4);
            var forged = new AuditEntry { Id = 5, Kind = "transaction", TimeUtc = before.TimeUtc, QueueId = "FORGED" };
            forged.Transaction = AuditTestData.Accepted("FORGED", before.TimeUtc);
            chain.InsertBefore(6, ChainHasher.Link(before.Hash, forged).Canonical);
        });
        var result = await VerifyAsync(dir);
        Assert.That(result.Ok, Is.False);
        Assert.That(result.Problem, Is.EqualTo("inserted"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(5));
        Assert.That(result.FirstBadRecord, Does.Contain("FORGED"));
    }

    [Test]
    public async Task Retention_purge_keeps_verification_green_and_new_records_chain_on()
    {
        using var dir = new TempFolder();
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
        Tamper(dir, chain => chain.Delete(10));
        var broken = await VerifyAsync(dir);
        Assert.That(broken.Ok, Is.False);
        Assert.That(broken.Problem, Is.EqualTo("removed"));
        Assert.That(broken.FirstBadSeq, Is.EqualTo(10));
    }

    [Test]
    public async Task Purging_a_transaction_takes_the_outcomes_stored_inside_it_even_when_they_are_younger()
    {
        using var dir = new TempFolder();
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
        using var dir = new TempFolder();
        var now = DateTime.UtcNow;
        string? purged = null;
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            await log.AppendAsync(AuditTestData.Accepted("OLD", now.AddDays(-50)));
            await log.AppendAsync(AuditTestData.Accepted("NEW", now));
        }
        Tamper(dir, chain => purged = chain.Text(1));
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
            await log.PurgeAsync(now.AddDays(-1));
        Tamper(dir, chain => chain.AddChunk(purged!));
        var result = await VerifyAsync(dir);
        Assert.That(result.Problem, Is.EqualTo("inserted"));
        Assert.That(result.FirstBadSeq, Is.EqualTo(1));
    }
}
