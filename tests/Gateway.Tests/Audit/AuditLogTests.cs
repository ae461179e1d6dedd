using NUnit.Framework;
using GovGateway.Audit;

namespace Gateway.Tests.Audit;

[TestFixture]
public class AuditLogTests
{
    [Test]
    public async Task A_batch_bigger_than_a_chunk_is_split_and_every_entry_stays_readable_and_verifiable()
    {
        using var dir = new TempFolder();
        var options = AuditTestData.FastOptions();
        options.FlushInterval = TimeSpan.FromMilliseconds(300); // all of it in one batch
        // ~100 KB per entry: 400 attachments with long names (within AuditRecordLimits).
        static string Name(int tx, int k) => $"Báo cáo tổng hợp {tx}-{k} " + new string('x', 200) + ".pdf";
        await using (var log = await AuditLog.OpenAsync(dir.Path, options))
        {
            for (int i = 0; i < 30; i++)
            {
                var tx = AuditTestData.Accepted($"BIG{i}", AuditTestData.T0.AddSeconds(i));
                tx.Attachments = Enumerable.Range(0, 400).Select(k => new AuditAttachment { Name = Name(i, k), Class = "report", Size = 1000 + k }).ToList();
                log.AppendCarried(log.Carry(tx));
            }
            await log.WhenDurableAsync(now: true);
            await log.FlushAsync();
            var all = log.Query(new AuditQuery { Limit = 100 });
            Assert.That(all.Records.Select(r => r.Transaction.Attachments[^1].Name), Is.EqualTo(Enumerable.Range(0, 30).Reverse().Select(i => Name(i, 399))));
            Assert.That(all.Records.Select(r => r.Transaction.Attachments.Count).Distinct(), Is.EqualTo(new[] { 400 }));
            var verify = log.Verify();
            Assert.That((verify.Ok, verify.Checked), Is.EqualTo((true, 30)), verify.Message);
        }
        using var chain = new ChainFile(dir);
        var chunks = chain.Database.GetCollection(AuditStore.ChainCollection).FindAll().ToList();
        Assert.That(chunks, Has.Count.GreaterThanOrEqualTo(3), "3 MB of entries do not fit one chunk");
        foreach (var chunk in chunks)
            Assert.That(chunk["Entries"].AsArray.Sum(e => e.AsString.Length), Is.LessThanOrEqualTo(ChainChunk.MaxBytes));
        Assert.That(chain.Entries().Select(e => e.Id), Is.EqualTo(Enumerable.Range(1, 30).Select(i => (long)i)));
    }

    [Test]
    public async Task Accept_reject_quarantine_deferral_and_bounce_are_recorded_and_joined()
    {
        using var dir = new TempFolder();
        var t0 = AuditTestData.T0;
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            await log.AppendAsync(AuditTestData.Accepted("Q1", t0, "a@hanoi.gov.vn", "b@hue.gov.vn"));
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", "a@hanoi.gov.vn", AuditOutcomes.Queued, null, t0.AddSeconds(1)));
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", "b@hue.gov.vn", AuditOutcomes.Queued, null, t0.AddSeconds(1)));
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", "a@hanoi.gov.vn", AuditOutcomes.Delivered, "250 2.0.0 Ok: queued as 4XyZ", t0.AddSeconds(2)));
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", "b@hue.gov.vn", AuditOutcomes.Deferred, "451 4.3.0 try again later", t0.AddSeconds(3)));
            await log.RecordDeliveryAsync(AuditTestData.Delivery("Q1", "b@hue.gov.vn", AuditOutcomes.Bounced, "550 5.1.1 user unknown", t0.AddSeconds(60)));
            await log.AppendAsync(AuditTestData.Rejected("Q2", t0.AddMinutes(1)));
            await log.AppendAsync(AuditTestData.Quarantined("Q3", t0.AddMinutes(2)));
            await log.FlushAsync();

            var all = log.Query(new AuditQuery());
            Assert.That(all.Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { "Q3", "Q2", "Q1" }), "newest first");
            Assert.That(all.Records.Select(r => r.Transaction.Decision), Is.EqualTo(new[] { "quarantined", "rejected", "accepted" }));

            var q1 = all.Records[2];
            Assert.That(q1.Deliveries, Has.Count.EqualTo(5));
            var status = q1.RecipientStatus.ToDictionary(s => s.Recipient);
            Assert.That(status["a@hanoi.gov.vn"].Outcome, Is.EqualTo("delivered"));
            Assert.That(status["a@hanoi.gov.vn"].Reply, Is.EqualTo("250 2.0.0 Ok: queued as 4XyZ"));
            Assert.That(status["b@hue.gov.vn"].Outcome, Is.EqualTo("bounced"));
            Assert.That(status["b@hue.gov.vn"].Reply, Is.EqualTo("550 5.1.1 user unknown"));
            Assert.That(all.Records[1].RecipientStatus.Single().Outcome, Is.EqualTo("none"), "a rejected message has no delivery");
            Assert.That(log.Verify().Ok, Is.True);
        }

        // Everything survives a clean close and reopen, field for field.
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            var q3 = log.Query(new AuditQuery { Decision = "quarantined" }).Records.Single().Transaction;
            var expected = AuditTestData.Quarantined("Q3", t0.AddMinutes(2));
            Assert.That(q3.Subject, Is.EqualTo(expected.Subject));
            Assert.That(q3.Smime!.Issuer, Is.EqualTo("CN=CA phục vụ các cơ quan Nhà nước G2"));
            Assert.That(q3.Smime.Serial, Is.EqualTo("0A1B"));
            Assert.That(q3.Attachments.Single().DetectedType, Is.EqualTo("application/x-dosexec"));
            Assert.That(q3.Rules.Single().Mode, Is.EqualTo("enforce"));
            Assert.That(q3.HeaderFrom, Is.EqualTo(expected.HeaderFrom));
            Assert.That(q3.TimeUtc, Is.EqualTo(expected.TimeUtc));
            Assert.That(q3.TimeUtc.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(q3.Size, Is.EqualTo(expected.Size));
            Assert.That(q3.Id, Is.Not.Empty);
            var verify = log.Verify();
            Assert.That(verify.Ok, Is.True, verify.Message);
            Assert.That(verify.Checked, Is.EqualTo(8));
            Assert.That(Directory.GetFiles(Path.Combine(dir.Path, "audit", "journal")), Has.Length.EqualTo(1), "only the fresh segment remains");
        }
    }

    [Test]
    public async Task Append_fills_id_and_time_and_keeps_strings_exactly()
    {
        using var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        var t = new AuditTransaction { Decision = "failed", Subject = "  lề trắng  ", MailFrom = "", Recipients = ["x@y.vn"] };
        await log.AppendAsync(t);
        Assert.That(t.Id, Is.Not.Empty);
        Assert.That(t.TimeUtc, Is.EqualTo(DateTime.UtcNow).Within(TimeSpan.FromMinutes(1)));
        await log.FlushAsync();
        var stored = log.Query(new AuditQuery()).Records.Single().Transaction;
        Assert.That(stored.Subject, Is.EqualTo("  lề trắng  "), "LiteDB's default trimming is off");
        Assert.That(stored.MailFrom, Is.EqualTo(""), "the null sender stays an empty string");
        Assert.That(stored.Id, Is.EqualTo(t.Id));
        Assert.That(log.Verify().Ok, Is.True);
    }

    [Test]
    public async Task Concurrent_appends_share_fsyncs_and_form_one_contiguous_chain()
    {
        using var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        const int Callers = 40, Each = 25;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            for (int i = 0; i < Each; i++)
                await log.AppendAsync(AuditTestData.Accepted($"C{c}-{i}", AuditTestData.T0.AddSeconds(i)));
        })));
        await log.FlushAsync();
        var result = log.Query(new AuditQuery { Limit = 5000 });
        Assert.That(result.Records, Has.Count.EqualTo(Callers * Each));
        Assert.That(result.Records.Select(r => r.Seq).Order(), Is.EqualTo(Enumerable.Range(1, Callers * Each).Select(i => (long)i)));
        var verify = log.Verify();
        Assert.That(verify.Ok, Is.True, verify.Message);
        Assert.That(verify.Checked, Is.EqualTo(Callers * Each));
    }

    [Test]
    public async Task A_second_process_or_instance_cannot_open_the_same_log()
    {
        using var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        var ex = Assert.ThrowsAsync<IOException>(async () => await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()));
        Assert.That(ex!.Message, Does.Contain("open in another process"));
    }

    [Test]
    public void Bad_options_are_refused_clearly()
    {
        using var dir = new TempFolder();
        var ex = Assert.ThrowsAsync<ArgumentException>(async () => await AuditLog.OpenAsync(dir.Path, new AuditOptions { RetentionDays = -1 }));
        Assert.That(ex!.Message, Does.Contain("RetentionDays"));
    }

    [Test]
    public async Task Journal_rotates_and_applied_segments_are_deleted()
    {
        using var dir = new TempFolder();
        var options = AuditTestData.FastOptions();
        options.JournalSegmentBytes = 8192;
        await using var log = await AuditLog.OpenAsync(dir.Path, options);
        for (int i = 0; i < 60; i++) await log.AppendAsync(AuditTestData.Accepted($"R{i}", AuditTestData.T0.AddSeconds(i)));
        await log.FlushAsync();
        // The writer deletes covered segments right after the batch that covers them.
        var journal = Path.Combine(dir.Path, "audit", "journal");
        for (int i = 0; i < 100 && Directory.GetFiles(journal).Length > 1; i++) await Task.Delay(20);
        Assert.That(Directory.GetFiles(journal), Has.Length.EqualTo(1));
        Assert.That(log.Query(new AuditQuery { Limit = 1000 }).Records, Has.Count.EqualTo(60));
    }
}
