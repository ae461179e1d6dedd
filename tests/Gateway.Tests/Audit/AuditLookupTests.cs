using System.CommandLine;
using GovGateway.Audit;
using LiteDB;
using NUnit.Framework;
using GovGateway.Cli.Audit;

namespace Gateway.Tests.Audit;

/// <summary>The lookup blocks behind queries by Message-ID and sender: their filter, queries across many blocks,
/// time ranges, the upgrade from the LiteDB indexes earlier versions kept, purge, and verify's check that they list every entry.</summary>
[TestFixture]
public class AuditLookupTests
{
    private static AuditEntry Entry(long seq, string messageId, string sender, DateTime time) => new()
    {
        Id = seq,
        Kind = EntryKinds.Transaction,
        TimeUtc = time,
        Transaction = new AuditTransaction { Id = "t" + seq, TimeUtc = time, MessageId = messageId, MailFrom = sender },
    };

    [Test]
    public void A_block_holds_every_key_it_was_given_and_almost_no_other()
    {
        var block = LookupBlock.Empty(0);
        for (int i = 0; i < LookupBlock.Seqs; i++)
            block.Add(Entry(i, $"<{Guid.NewGuid():N}@mail{i}.gov.vn>", $"user{i}@donvi{i}.hanoi.gov.vn", AuditTestData.T0.AddSeconds(i)));
        for (int i = 0; i < LookupBlock.Seqs; i++)
        {
            Assert.That(block.MayContain($"s:user{i}@donvi{i}.hanoi.gov.vn"), Is.True);
            Assert.That(block.MayContain($"d:donvi{i}.hanoi.gov.vn"), Is.True);
        }
        Assert.That(block.MayContain("d:hanoi.gov.vn") && block.MayContain("d:gov.vn") && block.MayContain("d:vn"), Is.True, "parent domains");

        // 1,024 transactions with distinct senders and domains put ~3,100 keys in the filter; absent keys must rarely pass.
        int falsePositives = Enumerable.Range(0, 20_000).Count(i => block.MayContain($"m:{Guid.NewGuid():N}@absent.gov.vn"));
        Assert.That(falsePositives, Is.LessThan(20_000 * 0.02), $"{falsePositives} of 20,000 absent keys passed");
        Assert.That(block.MinTimeUtc, Is.EqualTo(AuditTestData.T0));
        Assert.That(block.MaxTimeUtc, Is.EqualTo(AuditTestData.T0.AddSeconds(LookupBlock.Seqs - 1)));
    }

    [Test]
    public void The_filter_hash_is_stable_across_versions()
    {
        // Blocks are stored: a change of hash or bit layout would hide every record written before it.
        var block = LookupBlock.Empty(3);
        block.Add(Entry(3 * LookupBlock.Seqs, "<56-TB-VPCP@vpcp.gov.vn>", "vanthu@vpcp.gov.vn", AuditTestData.T0));
        var set = Enumerable.Range(0, LookupBlock.Bytes * 8).Where(b => (block.Filter[b >> 3] & (1 << (b & 7))) != 0).ToArray();
        Assert.That(set, Is.EqualTo(GoldenBits), string.Join(", ", set));

        var back = LookupBlock.FromDocument(block.ToDocument())!;
        Assert.That(back.Number, Is.EqualTo(3));
        Assert.That(back.Filter, Is.EqualTo(block.Filter));
        Assert.That(back.MayContain("m:56-tb-vpcp@vpcp.gov.vn"), Is.True, "Message-IDs are looked up without brackets, case folded");
        Assert.That(back.MayContain(LookupKeys.Sender("VanThu@VPCP.gov.vn")!), Is.True);
        Assert.That(back.MayContain(LookupKeys.Sender("@vpcp.gov.vn")!), Is.True);
    }

    private static readonly int[] GoldenBits =
    [
        1080, 1309, 1570, 3161, 3242, 3961, 4142, 6932, 7942, 7967, 9253, 11309, 11923, 13390, 14091, 14364, 14625, 15904,
        17781, 19475, 19885, 21022, 21283, 21471, 21538, 23619, 23866, 24586, 27680, 27847, 28630, 29697, 31767, 31799, 32320,
    ];

    [Test]
    public async Task Queries_across_many_blocks_come_newest_first_and_stop_at_the_limit()
    {
        using var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        const int n = 2600; // three blocks
        var all = new List<AuditTransaction>();
        for (int i = 0; i < n; i++)
        {
            // Times out of chain order (as after a recovery), so blocks overlap in time.
            var t = AuditTestData.Accepted($"Q{i}", AuditTestData.T0.AddSeconds((i * 7919) % n));
            t.MailFrom = i % 3 == 0 ? "vanthu@sotttt.hue.gov.vn" : "vanthu@bnv.gov.vn";
            t.MessageId = $"<m{i}@x.gov.vn>";
            all.Add(t);
            log.AppendCarried(log.Carry(t));
        }
        await log.WhenDurableAsync();
        await log.FlushAsync();

        var expected = all.Where(t => t.MailFrom == "vanthu@sotttt.hue.gov.vn").OrderByDescending(t => t.TimeUtc).Select(t => t.QueueId).ToList();
        var page = log.Query(new AuditQuery { Sender = "VanThu@sotttt.hue.gov.vn", Limit = 120 });
        Assert.That(page.Records.Select(r => r.Transaction.QueueId), Is.EqualTo(expected.Take(120)));
        Assert.That(page.Truncated, Is.True);

        var byDomain = log.Query(new AuditQuery { Sender = "hue.gov.vn", Limit = 10_000 });
        Assert.That(byDomain.Records.Select(r => r.Transaction.QueueId), Is.EqualTo(expected));

        var since = AuditTestData.T0.AddSeconds(1000);
        var until = AuditTestData.T0.AddSeconds(1100);
        var window = log.Query(new AuditQuery { Sender = "@sotttt.hue.gov.vn", Since = since, Until = until, Limit = 10_000 });
        Assert.That(window.Records.Select(r => r.Transaction.QueueId),
            Is.EqualTo(all.Where(t => t.MailFrom!.EndsWith("hue.gov.vn") && t.TimeUtc >= since && t.TimeUtc < until)
                .OrderByDescending(t => t.TimeUtc).Select(t => t.QueueId)));

        var newest = log.Query(new AuditQuery { Limit = 200 });
        Assert.That(newest.Records.Select(r => r.Transaction.QueueId), Is.EqualTo(all.OrderByDescending(t => t.TimeUtc).Take(200).Select(t => t.QueueId)));
        var plain = log.Query(new AuditQuery { Since = since, Until = until, Limit = 10_000 });
        Assert.That(plain.Records.Select(r => r.Transaction.QueueId),
            Is.EqualTo(all.Where(t => t.TimeUtc >= since && t.TimeUtc < until).OrderByDescending(t => t.TimeUtc).Select(t => t.QueueId)));
        Assert.That(log.Stats(since, until).Transactions, Is.EqualTo(100));
        Assert.That(log.Stats(null, null).Transactions, Is.EqualTo(n));

        foreach (int i in new[] { 0, 1023, 1024, 2599 })
            Assert.That(log.Query(new AuditQuery { MessageId = $"M{i}@X.gov.vn" }).Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { $"Q{i}" }));
        Assert.That(log.Query(new AuditQuery { MessageId = "m5@x.gov.vn", Sender = "vanthu@bnv.gov.vn" }).Records, Has.Count.EqualTo(1));
        Assert.That(log.Query(new AuditQuery { MessageId = "m6@x.gov.vn", Sender = "vanthu@bnv.gov.vn" }).Records, Is.Empty, "m6 came from hue");
        Assert.That(log.Query(new AuditQuery { MessageId = "nobody@x.gov.vn" }).Records, Is.Empty);
    }

    [Test]
    public async Task A_cleared_block_is_reported_by_verify_and_rebuild_lookup_repairs_it()
    {
        using var dir = await SeedFiveAsync();

        // An intruder hides Q3 from lookups without touching the chain.
        using (var db = Direct(dir))
        {
            var blocks = db.GetCollection(LookupIndex.Collection);
            var doc = blocks.FindById(0L);
            var stored = LookupBlock.FromDocument(doc)!;
            var rebuilt = LookupBlock.Empty(0);
            foreach (var e in ChainFile.EntriesOf(db).Where(e => e.QueueId != "Q3")) rebuilt.Add(e);
            Assert.That(rebuilt.Filter, Is.Not.EqualTo(stored.Filter));
            doc["Filter"] = rebuilt.Filter;
            blocks.Update(doc);
            db.Checkpoint();
        }

        var root = new RootCommand("test");
        root.Subcommands.Add(AuditCommands.Create());
        async Task<(int Code, string Out)> Cli(params string[] args)
        {
            var output = new StringWriter();
            int code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
            return (code, output.ToString());
        }

        var verify = await Cli("audit", "verify", "--data", dir.Path);
        Assert.That(verify.Code, Is.EqualTo(1), verify.Out);
        Assert.That(verify.Out, Does.Contain("entry 3").And.Contain("queue Q3").And.Contain("lookup block 0"));
        var hidden = await Cli("audit", "query", "--data", dir.Path, "--message-id", "Q3@mail.bnv.gov.vn", "--format", "json");
        Assert.That(hidden.Out, Does.Not.Contain("\"Q3\""));

        var rebuild = await Cli("audit", "rebuild-lookup", "--data", dir.Path);
        Assert.That(rebuild.Code, Is.EqualTo(0), rebuild.Out);
        Assert.That(rebuild.Out, Does.Contain("5 transactions"));
        Assert.That((await Cli("audit", "verify", "--data", dir.Path)).Code, Is.EqualTo(0));
        var found = await Cli("audit", "query", "--data", dir.Path, "--message-id", "Q3@mail.bnv.gov.vn", "--format", "json");
        Assert.That(found.Out, Does.Contain("\"Q3\""));
    }

    [Test]
    public async Task Purge_removes_the_blocks_it_emptied_and_keeps_the_rest_findable()
    {
        using var dir = new TempFolder();
        var now = DateTime.UtcNow;
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        for (int i = 0; i < 1500; i++)
            log.AppendCarried(log.Carry(AuditTestData.Accepted($"Q{i}", i < 1200 ? now.AddDays(-40) : now.AddMinutes(-5))));
        await log.WhenDurableAsync();
        await log.FlushAsync();

        await log.PurgeAsync(now.AddDays(-30));
        Assert.That(log.Verify().Ok, Is.True, log.Verify().Message);
        Assert.That(log.Query(new AuditQuery { MessageId = "Q1300@mail.bnv.gov.vn" }).Records, Has.Count.EqualTo(1));
        Assert.That(log.Query(new AuditQuery { MessageId = "Q100@mail.bnv.gov.vn" }).Records, Is.Empty);
        Assert.That(log.Query(new AuditQuery { Sender = "vanthu@bnv.gov.vn", Limit = 1000 }).Records, Has.Count.EqualTo(300));
        await log.DisposeAsync();

        using var db = Direct(dir);
        Assert.That(db.GetCollection(LookupIndex.Collection).FindAll().Select(d => d["_id"].AsInt64), Is.EqualTo(new[] { 1L }),
            "block 0 (entries 1..1023) was emptied by the purge; block 1 still holds entries");
    }

    [Test]
    public async Task Lookups_find_values_the_stored_text_escapes_or_that_are_not_ASCII_with_their_outcomes()
    {
        using var dir = new TempFolder();
        var options = AuditTestData.FastOptions();
        options.FlushInterval = TimeSpan.FromMilliseconds(300); // the first outcomes in the same chunk as their transactions
        await using var log = await AuditLog.OpenAsync(dir.Path, options);
        var escaped = AuditTestData.Accepted("E1", AuditTestData.T0, "lanhdao@sotttt.hanoi.gov.vn");
        escaped.MessageId = "<CAF+x&y=1'\"q\"@Mail.Gmail.com>";
        escaped.MailFrom = "Van.Thu+gov@BNV.gov.vn";
        var vietnamese = AuditTestData.Accepted("E2", AuditTestData.T0.AddSeconds(1), "lanhdao@sotttt.hanoi.gov.vn");
        vietnamese.MessageId = "<THƯ-mời.45@bộ.gov.vn>";
        log.AppendCarried(log.Carry(escaped));
        log.AppendCarried(log.Carry(vietnamese));
        log.RecordDelivery(AuditTestData.Delivery("E1", "lanhdao@sotttt.hanoi.gov.vn", "deferred", "451 later", AuditTestData.T0.AddSeconds(2)));
        log.RecordDelivery(AuditTestData.Delivery("E2", "lanhdao@sotttt.hanoi.gov.vn", "delivered", "250 ok", AuditTestData.T0.AddSeconds(3)));
        await log.WhenDurableAsync(now: true);
        await log.FlushAsync();
        await log.RecordDeliveryAsync(AuditTestData.Delivery("E1", "lanhdao@sotttt.hanoi.gov.vn", "delivered", "250 ok", AuditTestData.T0.AddMinutes(5)));
        await log.FlushAsync();

        var e1 = log.Query(new AuditQuery { MessageId = "caf+x&y=1'\"q\"@mail.gmail.com" }).Records.Single();
        Assert.That(e1.Transaction.QueueId, Is.EqualTo("E1"));
        Assert.That(e1.Deliveries.Select(d => d.Outcome), Is.EqualTo(new[] { "deferred", "delivered" }), "one outcome from its chunk, one from the chunk after it");
        Assert.That(log.Query(new AuditQuery { Sender = "van.thu+gov@bnv.gov.vn" }).Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { "E1" }));
        var e2 = log.Query(new AuditQuery { MessageId = "thư-mời.45@bộ.gov.vn" }).Records.Single();
        Assert.That((e2.Transaction.QueueId, e2.RecipientStatus.Single().Outcome), Is.EqualTo(("E2", "delivered")));
        Assert.That(log.Query(new AuditQuery { Sender = "bnv.gov.vn" }).Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { "E2", "E1" }), "BNV.gov.vn and bnv.gov.vn alike");
    }

    /// <summary>A closed log holding transactions Q1..Q5, a minute apart.</summary>
    private static async Task<TempFolder> SeedFiveAsync()
    {
        var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        for (int i = 1; i <= 5; i++) await log.AppendAsync(AuditTestData.Accepted($"Q{i}", AuditTestData.T0.AddMinutes(i)));
        return dir;
    }

    private static LiteDatabase Direct(TempFolder dir) =>
        new(new ConnectionString { Filename = AuditLog.DatabasePath(dir.Path), Connection = ConnectionType.Direct });
}
