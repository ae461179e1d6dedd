using System.Collections.Concurrent;
using System.CommandLine;
using Gateway.Tests.Support;
using GovGateway.Audit;
using GovGateway.Cli;
using GovGateway.Configuration;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Gateway.Tests.Audit.Postgres;

/// <summary>
/// What an operator meets with the shared store on a bad day: PostgreSQL away for a while (one warning, one line when it
/// is back), PostgreSQL restarted under a running node (the first question and batch after it still succeed), and
/// `gateway audit verify` saying what it walked per node and whether this node's head file agrees with the database.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class PostgresOperatorTests
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
    public async Task EmptyTables() => await _pg.ExecuteAsync("DROP TABLE IF EXISTS audit_entries, audit_heads, audit_anchors, audit_format");

    private AuditOptions Options() => new()
    {
        Store = AuditStoreKind.PostgreSQL,
        ConnectionString = _pg.ConnectionString,
        FlushInterval = TimeSpan.FromMilliseconds(20),
        BatchSize = 200,
        MinFreeBytes = 0,
        StoreWaitAtStart = TimeSpan.FromSeconds(2),
    };

    [Test, CancelAfter(120_000)]
    public async Task An_outage_is_one_warning_with_its_reason_and_one_line_when_the_store_has_taken_the_backlog()
    {
        using var a = new TempFolder();
        var logger = new CapturingLogger();
        await using var log = await AuditLog.OpenAsync(a.Path, Options(), logger, node: "gw-a");
        await log.AppendAsync(AuditTestData.Accepted("Q0", DateTime.UtcNow));
        await log.FlushAsync();

        await _pg.StopServerAsync();
        int whileDown = 0;
        var until = DateTime.UtcNow.AddSeconds(6);
        while (DateTime.UtcNow < until)
        {
            await log.AppendAsync(AuditTestData.Accepted($"D{++whileDown}", DateTime.UtcNow));
            await Task.Delay(100);
        }
        var duringOutage = logger.Entries.ToList();
        await _pg.StartServerAsync();
        await log.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await DeliveryWait(() => logger.Entries.Any(e => e.Level == LogLevel.Information && e.Message.Contains("reachable again")), "the recovery line");

        var warnings = duringOutage.Where(e => e.Level >= LogLevel.Warning).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(warnings, Has.Count.EqualTo(1), string.Join("\n", warnings.Select(w => w.Message)));
            Assert.That(warnings[0].Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(warnings[0].Exception, Is.Null, "no stack trace for an unreachable database");
            Assert.That(warnings[0].Message, Does.Contain("unreachable").And.Contain("Connection refused").And.Contain("journal"));
            Assert.That(logger.Entries.Where(e => e.Level >= LogLevel.Information && e.Exception is not null), Is.Empty, "no stack at Information or above");
        });
        var recovered = logger.Entries.Single(e => e.Level == LogLevel.Information && e.Message.Contains("reachable again"));
        Assert.That(recovered.Message, Does.Contain($"; {whileDown} records that waited in the journal are stored"));
        Assert.That(await _pg.ScalarAsync<long>("SELECT count(*) FROM audit_entries"), Is.EqualTo(whileDown + 1));
    }

    [Test, CancelAfter(120_000)]
    public async Task The_first_batch_query_and_verify_after_a_postgres_restart_succeed_on_new_connections()
    {
        using var a = new TempFolder();
        var logger = new CapturingLogger();
        await using var log = await AuditLog.OpenAsync(a.Path, Options(), logger, node: "gw-a");
        for (int i = 1; i <= 3; i++) await log.AppendAsync(AuditTestData.Accepted($"Q{i}", AuditTestData.T0.AddSeconds(i)));
        await log.FlushAsync();
        Assert.That(log.Query(new AuditQuery()).Records, Has.Count.EqualTo(3));

        // Restarted between two batches: the writer's pooled connection is dead; its next batch still goes in at once.
        await _pg.StopServerAsync();
        await _pg.StartServerAsync();
        await log.AppendAsync(AuditTestData.Accepted("Q4", AuditTestData.T0.AddSeconds(4)));
        await log.FlushAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(logger.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty, "a restart the pool has not noticed is not an outage");

        // Restarted between two questions: the reader's pooled connections are dead; the next query and verify answer.
        await _pg.StopServerAsync();
        await _pg.StartServerAsync();
        Assert.That(log.Query(new AuditQuery()).Records, Has.Count.EqualTo(4));
        await _pg.StopServerAsync();
        await _pg.StartServerAsync();
        var verified = log.Verify();
        Assert.That(verified.Ok, Is.True, verified.Message);
        Assert.That(log.Stats(null, null).Transactions, Is.EqualTo(4));
    }

    [Test]
    public async Task Verify_says_per_node_what_it_walked_and_that_the_local_head_matches()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        var pb = NodeConfig(b, "gw-b");
        await using (var logA = await AuditLog.OpenAsync(a.Path, Options(), node: "gw-a"))
        await using (var logB = await AuditLog.OpenAsync(pb.DataDir, Options(), node: "gw-b"))
        {
            await logA.AppendAsync(AuditTestData.Accepted("QA1", AuditTestData.T0));
            logA.RecordDelivery(AuditTestData.Delivery("QA1", "lanhdao@sotttt.hanoi.gov.vn", AuditOutcomes.Delivered, "250 ok", AuditTestData.T0.AddSeconds(1)));
            await logA.AppendAsync(AuditTestData.Accepted("QA2", AuditTestData.T0.AddSeconds(2)));
            for (int i = 1; i <= 4; i++) await logB.AppendAsync(AuditTestData.Accepted($"QB{i}", AuditTestData.T0.AddSeconds(2 + i)));
            await logA.FlushAsync();
            await logB.FlushAsync();
        }

        var (code, output) = await RunAsync(pb, "audit", "verify");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("node gw-a: 1 chain, 3 entries verified, 1..3, head 3 "));
        Assert.That(output, Does.Contain("node gw-b: 1 chain, 4 entries verified, 1..4, head 4 "));
        Assert.That(output, Does.Contain("local head ").And.Contain("node gw-b entry 4 ").And.Contain("matches"));
        Assert.That(output, Does.Not.Contain("anchor 0, head 0"));
    }

    [Test]
    public async Task Verify_of_an_empty_store_does_not_print_an_empty_anchor_and_head()
    {
        using var b = new TempFolder();
        var pb = NodeConfig(b, "gw-b");
        var (code, output) = await RunAsync(pb, "audit", "verify");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("no entries stored yet"));
        Assert.That(output, Does.Not.Contain("anchor 0, head 0"));
    }

    [Test]
    public async Task Verify_finds_a_database_behind_the_nodes_head_file()
    {
        using var a = new TempFolder();
        var pa = NodeConfig(a, "gw-a");
        await using (var log = await AuditLog.OpenAsync(pa.DataDir, Options(), node: "gw-a"))
        {
            for (int i = 1; i <= 5; i++) await log.AppendAsync(AuditTestData.Accepted($"Q{i}", AuditTestData.T0.AddSeconds(i)));
            await log.FlushAsync();
        }
        // The database put back to an older state: the node's last two rows and its head row with them, consistently.
        await _pg.ExecuteAsync("DELETE FROM audit_entries WHERE node = 'gw-a' AND seq > 3");
        await _pg.ExecuteAsync("UPDATE audit_heads SET seq = 3, hash = (SELECT hash FROM audit_entries WHERE node = 'gw-a' AND seq = 3) WHERE node = 'gw-a'");

        var (code, output) = await RunAsync(pa, "audit", "verify");
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("BROKEN (removed) at entry 4 of node gw-a"));
        Assert.That(output, Does.Contain(Path.Combine(pa.DataDir, "audit", "head")).And.Contain("entries 4..5 are missing"));
    }

    private GatewayPaths NodeConfig(TempFolder dir, string node)
    {
        string config = Path.Combine(dir.Path, "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "appsettings.json"),
            $$"""{ "Node": { "Name": "{{node}}" }, "Audit": { "Store": "PostgreSQL", "ConnectionString": "{{_pg.ConnectionString}}" } }""");
        Directory.CreateDirectory(Path.Combine(dir.Path, "data"));
        return new GatewayPaths(config, Path.Combine(dir.Path, "data"));
    }

    private static async Task<(int Code, string Output)> RunAsync(GatewayPaths paths, params string[] args)
    {
        var output = new StringWriter();
        var config = new InvocationConfiguration { Output = output, Error = output };
        int code = await CommandLine.InvokeAsync([.. args, "--config", paths.ConfigDir, "--data", paths.DataDir], config);
        return (code, output.ToString());
    }

    private static async Task DeliveryWait(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out waiting for " + what);
            await Task.Delay(50);
        }
    }

    /// <summary>Every log entry the audit log writes, with its level, text and exception.</summary>
    private sealed class CapturingLogger : ILogger<AuditLog>
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
