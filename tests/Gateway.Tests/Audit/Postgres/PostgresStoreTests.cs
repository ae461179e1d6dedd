using NUnit.Framework;
using GovGateway.Audit;
using System.Collections.Concurrent;
using Gateway.Tests.Support;
using GovGateway.Cli;
using MailKit.Net.Smtp;
using MailKit.Security;
using GovGateway.Configuration;

namespace Gateway.Tests.Audit.Postgres;

/// <summary>
/// The shared store against a real PostgreSQL: two nodes ship their chains into one database, either node's
/// `gateway audit query` sees both, `verify` names rows changed or deleted by SQL, and a node keeps recording while
/// PostgreSQL is stopped, then catches up with nothing lost or stored twice.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class PostgresStoreTests
{
    private PostgresCluster _pg = null!;

    [OneTimeSetUp]
    public async Task StartPostgres() => _pg = await PostgresCluster.StartAsync();

    [OneTimeTearDown]
    public async Task StopPostgres()
    {
        if (_pg is not null) await _pg.DisposeAsync();
    }

    [SetUp]
    public async Task EmptyTables()
    {
        await _pg.ExecuteAsync("DROP TABLE IF EXISTS audit_entries, audit_heads, audit_anchors, audit_format");
    }

    private AuditOptions Options() => new()
    {
        Store = AuditStoreKind.PostgreSQL,
        ConnectionString = _pg.ConnectionString,
        FlushInterval = TimeSpan.FromMilliseconds(20),
        BatchSize = 200,
        MinFreeBytes = 0,
        StoreWaitAtStart = TimeSpan.FromSeconds(2),
    };

    private static GatewayPaths NodeConfig(TempFolder dir, string node, string connectionString)
    {
        string config = Path.Combine(dir.Path, "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "appsettings.json"),
            $$"""{ "Node": { "Name": "{{node}}" }, "Audit": { "Store": "PostgreSQL", "ConnectionString": "{{connectionString}}" } }""");
        Directory.CreateDirectory(Path.Combine(dir.Path, "data"));
        return new GatewayPaths(config, Path.Combine(dir.Path, "data"));
    }

    [Test]
    public async Task Two_nodes_ship_their_chains_and_either_node_sees_both_and_verify_passes()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        var pa = NodeConfig(a, "gw-a", _pg.ConnectionString);
        var pb = NodeConfig(b, "gw-b", _pg.ConnectionString);
        await using (var logA = await AuditLog.OpenAsync(pa.DataDir, Options(), node: "gw-a"))
        await using (var logB = await AuditLog.OpenAsync(pb.DataDir, Options(), node: "gw-b"))
        {
            await logA.AppendAsync(AuditTestData.Accepted("QA1", AuditTestData.T0));
            logA.RecordDelivery(AuditTestData.Delivery("QA1", "lanhdao@sotttt.hanoi.gov.vn", AuditOutcomes.Delivered, "250 ok", AuditTestData.T0.AddSeconds(1)));
            await logB.AppendAsync(AuditTestData.Accepted("QB1", AuditTestData.T0.AddSeconds(2)));
            await logB.AppendAsync(AuditTestData.Rejected("QB2", AuditTestData.T0.AddSeconds(3)));
            await logA.FlushAsync();
            await logB.FlushAsync();
            Assert.That(logA.Backlog, Is.Zero);

            var seen = logA.Query(new AuditQuery());
            Assert.That(seen.Records.Select(r => (r.Node, r.Transaction.QueueId)), Is.EqualTo(new[] { ("gw-b", "QB2"), ("gw-b", "QB1"), ("gw-a", "QA1") }));
            Assert.That(seen.Records.Single(r => r.Transaction.QueueId == "QA1").RecipientStatus.Single().Outcome, Is.EqualTo(AuditOutcomes.Delivered));
            // unaccent: the subject is found without its diacritics, by PostgreSQL's index.
            Assert.That(logB.Query(new AuditQuery { Subject = "giay moi hop" }).Records, Has.Count.EqualTo(2));
            Assert.That(logB.Stats(null, null).Transactions, Is.EqualTo(3));
        }
        Assert.That(await _pg.ScalarAsync<long>("SELECT count(*) FROM audit_entries"), Is.EqualTo(4));

        // Node b's own `gateway audit` verbs, with no gateway running, read the shared store: both nodes' records.
        var output = new StringWriter();
        var saved = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.That(await Support.Cli.RunAsync(pb, "audit", "query", "--format", "json"), Is.EqualTo(0));
            Assert.That(await Support.Cli.RunAsync(pb, "audit", "verify"), Is.EqualTo(0));
        }
        finally
        {
            Console.SetOut(saved);
        }
        Assert.That(output.ToString(), Does.Contain("QA1").And.Contain("QB1").And.Contain("QB2"));
        Assert.That(output.ToString(), Does.Contain("4 entries verified on 2 node(s)"));
    }

    [Test]
    public async Task Verify_names_a_row_changed_and_a_row_deleted_by_sql()
    {
        using var a = new TempFolder();
        await using (var log = await AuditLog.OpenAsync(a.Path, Options(), node: "gw-a"))
        {
            for (int i = 1; i <= 5; i++) await log.AppendAsync(AuditTestData.Accepted($"Q{i}", AuditTestData.T0.AddSeconds(i)));
            await log.FlushAsync();
            Assert.That(log.Verify().Ok, Is.True, log.Verify().Message);

            // Someone with database access edits the text of entry 2 (its size), hashes left alone.
            await _pg.ExecuteAsync("UPDATE audit_entries SET canonical = replace(canonical, '\"Size\":48213', '\"Size\":48214') WHERE node = 'gw-a' AND seq = 2");
            var changed = log.Verify();
            Assert.Multiple(() =>
            {
                Assert.That(changed.Ok, Is.False);
                Assert.That(changed.Problem, Is.EqualTo("changed"));
                Assert.That(changed.Node, Is.EqualTo("gw-a"));
                Assert.That(changed.FirstBadSeq, Is.EqualTo(2));
                Assert.That(changed.Message, Does.Contain("Q2"));
            });

            // Only an indexed copy edited (a query by subject would find a record that never said so).
            await _pg.ExecuteAsync("UPDATE audit_entries SET canonical = replace(canonical, '\"Size\":48214', '\"Size\":48213') WHERE node = 'gw-a' AND seq = 2");
            Assert.That(log.Verify().Ok, Is.True);
            await _pg.ExecuteAsync("UPDATE audit_entries SET mail_from = 'giamdoc@bnv.gov.vn' WHERE node = 'gw-a' AND seq = 3");
            var copy = log.Verify();
            Assert.That((copy.Problem, copy.FirstBadSeq), Is.EqualTo(("changed", (long?)3)), copy.Message);
            await _pg.ExecuteAsync("UPDATE audit_entries SET mail_from = 'vanthu@bnv.gov.vn' WHERE node = 'gw-a' AND seq = 3");

            await _pg.ExecuteAsync("DELETE FROM audit_entries WHERE node = 'gw-a' AND seq = 4");
            var removed = log.Verify();
            Assert.That((removed.Ok, removed.Problem, removed.Node, removed.FirstBadSeq), Is.EqualTo((false, "removed", "gw-a", (long?)4)), removed.Message);
            Assert.That(removed.Message, Does.Contain("entry 4 is missing"));

            // The last row deleted: the head recorded in audit_heads still names it.
            await _pg.ExecuteAsync("DELETE FROM audit_entries WHERE node = 'gw-a' AND seq >= 4");
            var truncated = log.Verify();
            Assert.That((truncated.Problem, truncated.FirstBadSeq), Is.EqualTo(("removed", (long?)4)), truncated.Message);
        }
    }

    [Test]
    public async Task A_row_inserted_by_sql_beyond_the_head_is_named()
    {
        using var a = new TempFolder();
        await using var log = await AuditLog.OpenAsync(a.Path, Options(), node: "gw-a");
        for (int i = 1; i <= 3; i++) await log.AppendAsync(AuditTestData.Accepted($"Q{i}", AuditTestData.T0.AddSeconds(i)));
        await log.FlushAsync();
        await _pg.ExecuteAsync("INSERT INTO audit_entries (node, seq, kind, time_utc, queue_id, tx_id, mail_from, message_id, subject, decision, prev_hash, hash, canonical) "
            + "SELECT node, 4, kind, time_utc, queue_id, tx_id, mail_from, message_id, subject, decision, hash, hash, replace(replace(canonical, '\"seq\":3', '\"seq\":4'), prev_hash, hash) FROM audit_entries WHERE node = 'gw-a' AND seq = 3");
        var result = log.Verify();
        Assert.That((result.Ok, result.Problem, result.FirstBadSeq), Is.EqualTo((false, "inserted", (long?)4)), result.Message);
    }

    [Test, CancelAfter(180_000)]
    public async Task While_postgres_is_stopped_the_node_keeps_recording_and_catches_up_with_nothing_lost_or_doubled()
    {
        using var a = new TempFolder();
        int appended = 0;
        long peakBacklog = 0;
        await using (var log = await AuditLog.OpenAsync(a.Path, Options(), node: "gw-a"))
        {
            using var stop = new CancellationTokenSource();
            // Bounded load: one accepted transaction and its outcome every 20 ms, each durable in the journal before "250".
            var load = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested && appended < 5000)
                {
                    int n = Interlocked.Increment(ref appended);
                    await log.AppendAsync(AuditTestData.Accepted($"L{n:D6}", DateTime.UtcNow));
                    log.RecordDelivery(AuditTestData.Delivery($"L{n:D6}", "lanhdao@sotttt.hanoi.gov.vn", AuditOutcomes.Delivered, "250 ok", DateTime.UtcNow));
                    peakBacklog = Math.Max(peakBacklog, log.Backlog);
                    await Task.Delay(20);
                }
            });
            await Task.Delay(2000);
            await _pg.StopServerAsync();
            int appendedAtStop = Volatile.Read(ref appended);
            await Task.Delay(TimeSpan.FromSeconds(30));
            long backlogWhileDown = log.Backlog;
            int appendedWhileDown = Volatile.Read(ref appended);
            await _pg.StartServerAsync();
            await Task.Delay(2000);
            stop.Cancel();
            await load;
            // Each transaction recorded while PostgreSQL was down waits in the journal (with its outcome).
            Assert.That(appendedWhileDown - appendedAtStop, Is.GreaterThan(20), "records kept coming while PostgreSQL was down");
            Assert.That(backlogWhileDown, Is.GreaterThanOrEqualTo(appendedWhileDown - appendedAtStop), "the backlog counts them");
            await log.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.That(log.Backlog, Is.Zero, "the backlog drained");
            Assert.That(log.Verify().Ok, Is.True, log.Verify().Message);
        }
        Assert.Multiple(async () =>
        {
            Assert.That(await _pg.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE kind = 'transaction'"), Is.EqualTo(appended));
            Assert.That(await _pg.ScalarAsync<long>("SELECT count(DISTINCT tx_id) FROM audit_entries WHERE kind = 'transaction'"), Is.EqualTo(appended));
            Assert.That(await _pg.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE kind = 'delivery'"), Is.EqualTo(appended));
            Assert.That(await _pg.ScalarAsync<long>("SELECT max(seq) FROM audit_entries"), Is.EqualTo(2L * appended), "no gap, nothing twice");
        });
        Assert.That(Directory.GetFiles(Path.Combine(a.Path, "audit", "journal")), Is.Empty, "journal segments deleted once PostgreSQL held them");
    }

    [Test, CancelAfter(240_000)]
    public async Task A_gateway_keeps_answering_250_while_postgres_is_stopped_and_every_accepted_message_is_delivered_and_recorded_once()
    {
        await using var upstream = await Upstream.StartNewAsync();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Node:Name"] = "gw-a",
            ["Audit:Store"] = "PostgreSQL",
            ["Audit:ConnectionString"] = _pg.ConnectionString,
            ["Audit:MinFreeBytes"] = "0",
            // The load below may send more than the per-address hourly budget on a quiet machine; that limit is not under test.
            ["Access:RateLimits:MessagesPerIp"] = "0",
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var audit = gateway.Runtime.Audit!;
        var accepted = new ConcurrentBag<string>();
        long peakBacklog = 0;
        using var stop = new CancellationTokenSource();
        // Bounded load: one client, one message at a time, at most 2,000 messages.
        var load = Task.Run(async () =>
        {
            using var client = new SmtpClient();
            await client.ConnectAsync("127.0.0.1", gateway.Relay.Port, SecureSocketOptions.None);
            for (int n = 0; n < 2000 && !stop.IsCancellationRequested; n++)
            {
                var message = Mail.Plain($"Báo cáo số {n}", "Nội dung");
                var reply = await client.SendAsync(message);
                if (reply.Contains("queued as", StringComparison.Ordinal)) accepted.Add(message.MessageId!);
                peakBacklog = Math.Max(peakBacklog, audit.Backlog);
                await Task.Delay(25);
            }
            await client.DisconnectAsync(true);
        });
        await Task.Delay(2000);
        await _pg.StopServerAsync();
        int acceptedAtStop = accepted.Count;
        await Task.Delay(TimeSpan.FromSeconds(30));
        int acceptedWhileDown = accepted.Count;
        await _pg.StartServerAsync();
        await Task.Delay(2000);
        await stop.CancelAsync();
        await load;

        Assert.That(acceptedWhileDown - acceptedAtStop, Is.GreaterThan(10), "the gateway kept answering 250 while PostgreSQL was down");
        Assert.That(peakBacklog, Is.GreaterThanOrEqualTo(acceptedWhileDown - acceptedAtStop), "the backlog counted what waited in the journal");
        var received = await upstream.WaitForAsync(accepted.Count, TimeSpan.FromSeconds(60));
        var receivedIds = received.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(m.Bytes)).MessageId).ToHashSet();
        Assert.That(accepted.Where(id => !receivedIds.Contains(id)), Is.Empty, "every message answered 250 reached the upstream");

        // Every delivery outcome is journaled too; wait until PostgreSQL holds them all.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // If PostgreSQL was stopped before the gateway's first batch, its tables appear only with the first batch after.
        while (DateTime.UtcNow < deadline && await StoredDeliveriesAsync() < accepted.Count) await Task.Delay(250);
        await audit.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(audit.Backlog, Is.Zero, "the backlog drained");
        Assert.Multiple(async () =>
        {
            Assert.That(await _pg.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE kind = 'transaction' AND decision = 'accepted'"), Is.EqualTo(accepted.Count));
            Assert.That(await _pg.ScalarAsync<long>("SELECT count(DISTINCT message_id) FROM audit_entries WHERE kind = 'transaction'"), Is.EqualTo(accepted.Count));
            Assert.That(await _pg.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE kind = 'delivery' AND canonical LIKE '%\"Outcome\":\"delivered\"%'"), Is.EqualTo(accepted.Count));
            Assert.That(await _pg.ScalarAsync<long>("SELECT max(seq) - count(*) FROM audit_entries WHERE node = 'gw-a'"), Is.Zero, "no gap, nothing twice");
        });
        var verify = audit is IAuditReader reader ? reader.Verify() : null;
        Assert.That(verify?.Ok, Is.True, verify?.Message);
    }

    [Test]
    public async Task A_data_folder_holding_a_litedb_log_is_not_switched_to_postgres_silently()
    {
        using var a = new TempFolder();
        await using (var lite = await AuditLog.OpenAsync(a.Path, AuditTestData.FastOptions()))
            await lite.AppendAsync(AuditTestData.Accepted("Q1", AuditTestData.T0));
        var ex = Assert.ThrowsAsync<AuditLogDamagedException>(async () => await AuditLog.OpenAsync(a.Path, Options(), node: "gw-a"));
        Assert.That(ex!.Message, Does.Contain("holds a LiteDB audit log").And.Contain("move the audit folder aside"));
        Assert.That(await _pg.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE tablename = 'audit_entries'"), Is.Zero, "nothing shipped");
    }

    private async Task<long> StoredDeliveriesAsync()
    {
        try
        {
            return await _pg.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE kind = 'delivery'");
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }
}
