using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using GovGateway.Archive;
using GovGateway.Archive.Bench;
using GovGateway.Archive.Embedded;
using GovGateway.FileSystem;
using Microsoft.Extensions.Logging.Abstractions;

// Measures the document archive (issue 19 §3): documents stored and indexed per second, index size per 100,000
// documents, and search times (p50, p99) over what was stored, for the embedded store (files + LiteDB + Lucene) or
// PostgreSQL. Documents are generated from Decree 30 layouts (DocumentGenerator), the same set every run.
// Usage: dotnet run -c Release --project bench/archive -- [--documents N] [--seconds S] [--concurrency C] [--queries Q]
//        [--search-seconds T] [--dir PATH] [--postgres CONNECTION-STRING] [--search-only]
// Storing stops at N documents or after S seconds, whichever comes first (the figures then say how many were stored);
// searching stops after Q queries or T seconds. --search-only searches what the store already holds (the PostgreSQL
// tables, or the embedded store in --dir) without emptying it or storing anything.
// Baseline, measured in the same run: writing each document's bytes to its own file, fsynced and renamed into place
// (what any archive of files pays at least), for the first 2,000 documents.
int documents = Arg("--documents", 100_000);
int seconds = Arg("--seconds", 150);
int concurrency = Arg("--concurrency", 4);
int queries = Arg("--queries", 400);
int searchSeconds = Arg("--search-seconds", 120);
bool searchOnly = args.Contains("--search-only");
string dir = ArgS("--dir", Path.Combine(Path.GetTempPath(), "archive-bench-" + Guid.NewGuid().ToString("N")[..8]));
string? postgres = args.Contains("--postgres") ? ArgS("--postgres", "") : null;
if (!searchOnly && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
PrivateFiles.CreateDirectory(dir);

// Baseline: the bytes alone.
var baseGen = new DocumentGenerator(seed: 19);
int baseCount = searchOnly ? 0 : Math.Min(2000, documents);
var baseDir = Path.Combine(dir, "baseline");
PrivateFiles.CreateDirectory(baseDir);
var baseClock = Stopwatch.StartNew();
for (int i = 0; i < baseCount; i++)
{
    var (_, bytes) = baseGen.Next(i);
    var tmp = Path.Combine(baseDir, i + ".part");
    using (var f = PrivateFiles.Open(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
    {
        f.Write(bytes);
        f.Flush(flushToDisk: true);
    }
    File.Move(tmp, Path.Combine(baseDir, Convert.ToHexStringLower(SHA256.HashData(bytes))));
}
double baseRate = baseCount / Math.Max(1e-9, baseClock.Elapsed.TotalSeconds);
Directory.Delete(baseDir, recursive: true);

IDocumentArchive archive;
if (postgres is not null)
{
    if (!searchOnly)
    await using (var conn = new Npgsql.NpgsqlConnection(postgres))
    {
        await conn.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand("DROP TABLE IF EXISTS archive_exchanges, archive_holds, archive_files, archive_documents", conn);
        await drop.ExecuteNonQueryAsync();
    }
    archive = DocumentArchive.OpenPostgres(postgres, NullLoggerFactory.Instance);
}
else archive = DocumentArchive.OpenEmbedded(Path.Combine(dir, "archive"), NullLoggerFactory.Instance);

var generator = new DocumentGenerator(seed: 19);
var genLock = new object();
int next = -1, stored = 0;
long textBytes = 0;
var storeLatency = new List<double>();
var deadline = Stopwatch.StartNew();
var clock = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
{
    var mine = new List<double>();
    while (!searchOnly && deadline.Elapsed.TotalSeconds < seconds)
    {
        (ArchiveItem Item, byte[] Bytes) doc;
        lock (genLock)
        {
            int i = ++next;
            if (i >= documents) break;
            doc = generator.Next(i);
        }
        long start = Stopwatch.GetTimestamp();
        await archive.StoreAsync(doc.Item, new MemoryStream(doc.Bytes));
        mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        Interlocked.Increment(ref stored);
        Interlocked.Add(ref textBytes, doc.Item.Text.Length);
    }
    lock (storeLatency) storeLatency.AddRange(mine);
})));
if (archive is EmbeddedArchive embedded) embedded.Flush();
double storeSeconds = clock.Elapsed.TotalSeconds;
var stats = archive.Stats();
if (searchOnly) stored = (int)stats.Documents;

string sizes = "";
if (postgres is not null)
{
    await using var conn = new Npgsql.NpgsqlConnection(postgres);
    await conn.OpenAsync();
    await using var cmd = new Npgsql.NpgsqlCommand("""
        SELECT pg_relation_size('archive_documents_tsv'),
               pg_indexes_size('archive_documents'),
               pg_total_relation_size('archive_documents'),
               pg_total_relation_size('archive_files') + pg_total_relation_size('archive_exchanges')
        """, conn);
    await using var r = await cmd.ExecuteReaderAsync();
    await r.ReadAsync();
    sizes = $"GIN text index {Mb(r.GetInt64(0))}, all indexes of archive_documents {Mb(r.GetInt64(1))}, archive_documents with its text, tsvector and TOAST {Mb(r.GetInt64(2))}, files+exchanges {Mb(r.GetInt64(3))}";
}
else
{
    long dbBytes = new FileInfo(Path.Combine(dir, "archive", "archive.db")).Length;
    sizes = $"Lucene index {Mb(stats.IndexBytes)}, archive.db (metadata, text, exchanges) {Mb(dbBytes)}";
}

// Searches: the kinds the CLI and console send, drawn from the generator's vocabulary.
var random = new Random(7);
var kinds = new List<(string Kind, ArchiveQuery Query)>();
var topics = DocumentGenerator.TopicWords;
var issuers = DocumentGenerator.IssuerList;
for (int i = 0; i < queries; i++)
{
    var topic = topics[random.Next(topics.Count)];
    var (organ, abbr) = issuers[random.Next(issuers.Count)];
    kinds.Add((i % 6) switch
    {
        0 => ("words, no diacritics", new ArchiveQuery { Text = GovGateway.Audit.TextFold.Fold(topic) }),
        1 => ("phrase", new ArchiveQuery { Text = "\"" + topic + "\"" }),
        2 => ("symbol", new ArchiveQuery { Symbol = $"{random.Next(1, 200):00}/GM-{abbr}" }),
        3 => ("words + issuer + signed", new ArchiveQuery { Text = topic, Issuer = organ, Signed = true }),
        4 => ("since/until + urgent", new ArchiveQuery { SinceUtc = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(600)), UntilUtc = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), Urgent = true }),
        _ => ("newest, no filter", new ArchiveQuery()),
    });
}
foreach (var (_, q) in kinds.Take(6)) archive.Search(q);
var byKind = new Dictionary<string, List<double>>();
long hitsTotal = 0;
var searchClock = Stopwatch.StartNew();
foreach (var (kind, q) in kinds)
{
    if (searchClock.Elapsed.TotalSeconds > searchSeconds) break;
    long start = Stopwatch.GetTimestamp();
    var result = archive.Search(q);
    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    hitsTotal += result.Total;
    (byKind.TryGetValue(kind, out var list) ? list : byKind[kind] = []).Add(ms);
}
var all = byKind.Values.SelectMany(v => v).ToList();

string store = postgres is null ? "embedded (files + LiteDB + Lucene)" : "PostgreSQL";
if (searchOnly) Console.WriteLine($"store: {store}; search only, over the {stored} documents it holds");
else Console.WriteLine($"store: {store}; concurrency {concurrency}; {stored} documents stored in {storeSeconds:F1} s (asked {documents}, limit {seconds} s); average text {textBytes / Math.Max(1, stored)} chars");
if (!searchOnly) Console.WriteLine($"stored and indexed: {stored / storeSeconds:F0} documents/s; store latency p50 {P(storeLatency, 50):F2} ms, p99 {P(storeLatency, 99):F2} ms");
if (!searchOnly) Console.WriteLine($"baseline (bytes to a file, fsynced, renamed; {baseCount} documents): {baseRate:F0} documents/s; archive/baseline = {stored / storeSeconds / baseRate:F2}");
Console.WriteLine($"sizes for {stored} documents: {sizes}; documents' bytes {Mb(stats.Bytes)}");
Console.WriteLine($"index for {stored} documents: {Mb(stats.IndexBytes)}, {stats.IndexBytes / Math.Max(1, stored)} bytes per document (measured, not scaled)");
Console.WriteLine($"search over {stored} documents, {all.Count} of {queries} queries in {searchClock.Elapsed.TotalSeconds:F0} s (limit {searchSeconds} s): p50 {P(all, 50):F2} ms, p99 {P(all, 99):F2} ms; average matches {hitsTotal / Math.Max(1, all.Count)}");
foreach (var (kind, list) in byKind)
    Console.WriteLine($"  {kind,-26} n={list.Count,4}  p50 {P(list, 50),8:F2} ms  p99 {P(list, 99),8:F2} ms");
archive.Dispose();
if (!args.Contains("--dir") && !searchOnly) Directory.Delete(dir, recursive: true);

static double P(List<double> values, int percentile)
{
    if (values.Count == 0) return 0;
    var sorted = values.OrderBy(v => v).ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
}

static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

string ArgS(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
