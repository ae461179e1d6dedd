using System.Diagnostics;
using System.Globalization;
using GovGateway.Audit;

// Measures the audit log: durable appends/s (journal, group commit), LiteDB inserts/s (background writer),
// file size per 100,000 records, and query/stats/verify times on the result.
// Usage: dotnet run -c Release --project bench/audit -- [--records N] [--concurrency C] [--deliveries D] [--carried] [--dir PATH]
//        [--postgres CONNECTION-STRING --postgres-data PGDATA]
// --postgres stores into PostgreSQL (Audit:Store=PostgreSQL, node "bench") instead of LiteDB; the tables are emptied
// first. --postgres-data is the cluster's data folder: the CPU of its server processes (postmaster.pid and children) is
// added to this process's, so CPU per entry counts both sides.
// --carried appends as the gateway does for accepted messages: Carry + AppendCarried (the spool holds the record, the
// journal takes it with its next group commit) and RecordDelivery, then waits once for all of it to be durable; without
// it, every append is AppendAsync/RecordDeliveryAsync (fsynced before it returns, as for rejections).
int records = Arg("--records", 100_000);
bool carriedMode = args.Contains("--carried");
int concurrency = Arg("--concurrency", 64);
int deliveries = Arg("--deliveries", 1);
string dir = ArgS("--dir", Path.Combine(Path.GetTempPath(), "audit-bench-" + Guid.NewGuid().ToString("N")[..8]));
if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
Directory.CreateDirectory(dir);

string? postgres = args.Contains("--postgres") ? ArgS("--postgres", "") : null;
string? pgData = args.Contains("--postgres-data") ? ArgS("--postgres-data", "") : null;
var options = new AuditOptions();
if (postgres is not null)
{
    options.Store = AuditStoreKind.PostgreSQL;
    options.ConnectionString = postgres;
    await using var conn = new Npgsql.NpgsqlConnection(postgres);
    await conn.OpenAsync();
    await using var drop = new Npgsql.NpgsqlCommand("DROP TABLE IF EXISTS audit_entries, audit_heads, audit_anchors, audit_format", conn);
    await drop.ExecuteNonQueryAsync();
}
var log = await AuditLog.OpenAsync(dir, options, node: "bench");
double pgCpuStart = PostgresCpuSeconds();
var latencies = new double[records];
int next = -1;
var t0 = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
var total = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
{
    int i;
    while ((i = Interlocked.Increment(ref next)) < records)
    {
        var tx = Record(i);
        long start = Stopwatch.GetTimestamp();
        if (carriedMode) log.AppendCarried(log.Carry(tx));
        else await log.AppendAsync(tx);
        latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        for (int d = 0; d < deliveries; d++)
        {
            var outcome = new AuditDelivery { QueueId = tx.QueueId!, Recipient = tx.Recipients[0], Outcome = "delivered", Reply = "250 2.0.0 Ok", TimeUtc = tx.TimeUtc.AddSeconds(1) };
            if (carriedMode) log.RecordDelivery(outcome);
            else await log.RecordDeliveryAsync(outcome);
        }
        if (carriedMode && i % 64 == 0) await Task.Yield();
    }
})));
await log.WhenDurableAsync();
double appendSeconds = total.Elapsed.TotalSeconds;
await log.FlushAsync();
double storedSeconds = total.Elapsed.TotalSeconds;
double processCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
double serverCpu = PostgresCpuSeconds() - pgCpuStart;
double cpuSeconds = processCpu + serverCpu;
long dbBytesOpen = postgres is null
    ? FileSize(Path.Combine(dir, "audit", "audit.db")) + FileSize(Path.Combine(dir, "audit", "audit-log.db"))
    : await PostgresBytesAsync();

var sw = Stopwatch.StartNew();
var recent = log.Query(new AuditQuery { Limit = 100 });
double qRecent = sw.Elapsed.TotalMilliseconds;
sw.Restart();
var bySubject = log.Query(new AuditQuery { Subject = "bao cao quy 2 so 77", Limit = 100 });
double qSubject = sw.Elapsed.TotalMilliseconds;
sw.Restart();
var byMsgId = log.Query(new AuditQuery { MessageId = $"m{records / 2}@bnv.gov.vn" });
double qMsgId = sw.Elapsed.TotalMilliseconds;
sw.Restart();
var stats = log.Stats(null, null);
double tStats = sw.Elapsed.TotalMilliseconds;
sw.Restart();
var verify = log.Verify();
double tVerify = sw.Elapsed.TotalMilliseconds;
await log.DisposeAsync();
long dbBytes = postgres is null
    ? FileSize(Path.Combine(dir, "audit", "audit.db")) + FileSize(Path.Combine(dir, "audit", "audit-log.db"))
    : await PostgresBytesAsync();
long journalBytes = Directory.GetFiles(Path.Combine(dir, "audit", "journal")).Sum(FileSize);

Array.Sort(latencies);
long entries = records * (1L + deliveries);
var ci = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(ci, $"records (transactions): {records}, delivery entries each: {deliveries}, chain entries: {entries}, concurrent callers: {concurrency}, cores: {Environment.ProcessorCount}, mode: {(carriedMode ? "carried (journal commit within Audit:CommitDelay)" : "durable on return")}"));
Console.WriteLine(string.Create(ci, $"durable appends (journal fsynced): {entries / appendSeconds:F0} entries/s ({records / appendSeconds:F0} transactions/s) over {appendSeconds:F2} s"));
Console.WriteLine(string.Create(ci, $"{(carriedMode ? "Carry + AppendCarried" : "AppendAsync")} latency ms: p50 {latencies[records / 2]:F2}, p99 {latencies[(int)(records * 0.99)]:F2}, max {latencies[^1]:F2}"));
Console.WriteLine(string.Create(ci, $"in {options.Store} (all batches committed): {entries / storedSeconds:F0} entries/s, {storedSeconds:F2} s total"));
Console.WriteLine(string.Create(ci, $"CPU for appends + {options.Store} writes: {cpuSeconds:F2} s (this process {processCpu:F2} s, PostgreSQL server {serverCpu:F2} s)"));
Console.WriteLine(string.Create(ci, $"CPU total: {cpuSeconds:F2} s = {cpuSeconds * 1e6 / entries:F0} µs CPU per entry ({entries / cpuSeconds:F0} entries per CPU-second); load average at end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
Console.WriteLine(string.Create(ci, $"database size open (db + -log): {dbBytesOpen / 1048576.0:F1} MiB; after close/checkpoint: {dbBytes / 1048576.0:F1} MiB = {dbBytes * 100_000.0 / records / 1048576.0:F1} MiB per 100,000 transactions; journal left: {journalBytes} bytes"));
Console.WriteLine(string.Create(ci, $"query newest 100: {qRecent:F0} ms ({recent.Records.Count}); subject filter: {qSubject:F0} ms ({bySubject.Records.Count}); message-id: {qMsgId:F1} ms ({byMsgId.Records.Count})"));
Console.WriteLine(string.Create(ci, $"stats over all: {tStats:F0} ms ({stats.Transactions}); verify: {tVerify:F0} ms ({verify.Checked} entries, ok={verify.Ok})"));
if (!verify.Ok) Console.WriteLine($"verify: {verify.Message}");
Directory.Delete(dir, recursive: true);
return verify.Ok && stats.Transactions == records ? 0 : 1;

AuditTransaction Record(int i) => new()
{
    TimeUtc = t0.AddSeconds(i),
    QueueId = "Q" + i.ToString("D8", CultureInfo.InvariantCulture),
    MessageId = $"m{i}@bnv.gov.vn",
    MailFrom = $"user{i % 500}@bnv.gov.vn",
    Recipients = [$"lanhdao{i % 50}@sotttt.hanoi.gov.vn", "vanthu@ubnd.hue.gov.vn"],
    HeaderFrom = $"Nguyễn Văn {i % 500} <user{i % 500}@bnv.gov.vn>",
    Subject = $"Báo cáo quý 2 số {i % 1000} về chuyển đổi số, gửi các sở",
    Size = 40_000 + i % 10_000,
    Sha256 = Convert.ToHexStringLower(BitConverter.GetBytes((long)i).Concat(new byte[24]).ToArray()),
    ClientIp = "10.0.0." + (i % 250),
    Helo = "ws.bnv.gov.vn",
    TlsProtocol = "Tls13",
    AuthenticatedUser = $"user{i % 500}",
    Listener = "submission",
    Decision = i % 20 == 0 ? "rejected" : "accepted",
    SmtpReply = "250 2.0.0 Ok: queued",
    Classes = ["report"],
    Attachments = [new AuditAttachment { Name = $"{i % 1000}-BC-BNV.pdf", DetectedType = "application/pdf", Size = 38_000, Sha256 = new string('b', 64), Class = "report", Symbol = $"{i % 1000}/BC-BNV", SignatureStatus = i % 3 == 0 ? "none" : "valid" }],
    Smime = new AuditSmime { Status = "none" },
    Rules = [new AuditRuleHit { Rule = "official-needs-signature", Mode = "audit", Action = "accept", Message = "Văn bản chưa ký số / document not signed" }],
    PolicyVersion = "sha256:0123456789abcdef",
};

int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
string ArgS(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
static long FileSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

// The PostgreSQL server's CPU so far: the postmaster and its children (backends, WAL writer, checkpointer).
double PostgresCpuSeconds()
{
    if (pgData is null) return 0;
    int postmaster = int.Parse(File.ReadLines(Path.Combine(pgData, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
    long ticks = 0;
    foreach (var stat in Directory.GetDirectories("/proc").Select(d => Path.Combine(d, "stat")))
    {
        string text;
        try { text = File.ReadAllText(stat); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        int pid = int.Parse(Path.GetFileName(Path.GetDirectoryName(stat)!) is var p && p.All(char.IsAsciiDigit) ? p : "0", CultureInfo.InvariantCulture);
        int ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
        if (pid == postmaster || ppid == postmaster) ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
    return ticks / 100.0; // USER_HZ
}

async Task<long> PostgresBytesAsync()
{
    await using var conn = new Npgsql.NpgsqlConnection(postgres);
    await conn.OpenAsync();
    await using var cmd = new Npgsql.NpgsqlCommand("SELECT pg_total_relation_size('audit_entries')", conn);
    return (long)(await cmd.ExecuteScalarAsync())!;
}
