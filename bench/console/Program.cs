// The console's response times over a large audit log, and a dashboard refresher for the throughput comparison.
//   generate --dir DATA --records N [--days D]   fill DATA/audit with N realistic records spread over the last D days
//   measure --url URL --user U --password P --detail QUEUEID [--repeat R]   time the searches and the dashboard (p50/p99)
//   refresh --url URL --user U --password P [--every S]    load the dashboard every S seconds until killed
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using GovGateway.Audit;

var ci = CultureInfo.InvariantCulture;
var mode = args.Length > 0 ? args[0] : "";
switch (mode)
{
    case "generate": return await GenerateAsync();
    case "measure": return await MeasureAsync();
    case "refresh": return await RefreshAsync();
    default:
        Console.Error.WriteLine("usage: ConsoleBench generate|measure|refresh ... (see the head of Program.cs)");
        return 2;
}

async Task<int> GenerateAsync()
{
    var dir = ArgS("--dir", "");
    int records = Arg("--records", 1_000_000), days = Arg("--days", 365);
    var log = await AuditLog.OpenAsync(dir, new AuditOptions());
    var end = DateTime.UtcNow.AddMinutes(-1);
    var start = end.AddDays(-days);
    var step = (end - start).Ticks / records;
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < records; i++)
    {
        var record = Record(i, start.AddTicks(step * i));
        if (i == records / 2) Console.WriteLine($"middle record's queue id: {record.QueueId}");
        log.AppendCarried(log.Carry(record));
        if (i % 5000 == 0) { await log.WhenDurableAsync(); await Task.Yield(); }
    }
    await log.WhenDurableAsync();
    await log.FlushAsync();
    Console.WriteLine(string.Create(ci, $"{records} records over {days} days written in {sw.Elapsed.TotalSeconds:F0} s"));
    await log.DisposeAsync();
    return 0;
}

async Task<int> MeasureAsync()
{
    using var client = await SignInAsync();
    int repeat = Arg("--repeat", 20);
    var since7 = DateTime.UtcNow.AddHours(7).AddDays(-7).ToString("yyyy-MM-dd", ci);
    (string Name, string Path, int Times)[] cases =
    [
        ("newest page (no filter)", "/messages", repeat),
        ("page 5 (no filter)", "/messages?page=5", repeat),
        ("sender address (lookup blocks)", "/messages?sender=user7%40bnv.gov.vn", repeat),
        ("number/symbol, 1 in 1,000 records", "/messages?symbol=77%2FBC-BNV", repeat),
        ("last 7 days, rejected", $"/messages?since={since7}&decision=rejected", repeat),
        ("detail by queue id (middle of the log)", "/messages/" + ArgS("--detail", ""), repeat),
        ("subject matching nothing (whole log)", "/messages?subject=khong+co+thu+nao", Math.Max(3, repeat / 4)),
        ("dashboard, 30 days", "/", repeat),
        ("dashboard, 365 days (whole log)", "/?days=365", Math.Max(3, repeat / 4)),
    ];
    Console.WriteLine("| request | n | p50 ms | p99 ms | rows/bytes |");
    Console.WriteLine("|---|---|---|---|---|");
    foreach (var (name, path, times) in cases)
    {
        var ms = new List<double>();
        long bytes = 0;
        for (int i = 0; i < times; i++)
        {
            var sw = Stopwatch.StartNew();
            using var response = await client.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            ms.Add(sw.Elapsed.TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.OK) { Console.Error.WriteLine($"{path}: {(int)response.StatusCode}"); return 1; }
            bytes = body.Length;
        }
        ms.Sort();
        Console.WriteLine(string.Create(ci, $"| {name} `{path}` | {times} | {ms[ms.Count / 2]:F0} | {ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(ms.Count * 0.99) - 1)]:F0} | {bytes:N0} B |"));
    }
    return 0;
}

async Task<int> RefreshAsync()
{
    using var client = await SignInAsync();
    var every = TimeSpan.FromSeconds(Arg("--every", 3));
    int n = 0;
    while (true)
    {
        var sw = Stopwatch.StartNew();
        using (var response = await client.GetAsync("/")) await response.Content.ReadAsStringAsync();
        n++;
        Console.WriteLine(string.Create(ci, $"refresh {n}: {sw.Elapsed.TotalMilliseconds:F0} ms"));
        var left = every - sw.Elapsed;
        if (left > TimeSpan.Zero) await Task.Delay(left);
    }
}

async Task<HttpClient> SignInAsync()
{
    var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
    { BaseAddress = new Uri(ArgS("--url", "https://127.0.0.1:8443")), Timeout = TimeSpan.FromMinutes(5) };
    var form = await client.GetStringAsync("/login");
    var token = WebUtility.HtmlDecode(Regex.Match(form, "name=\"__af\" value=\"([^\"]+)\"").Groups[1].Value);
    using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
    { ["__af"] = token, ["username"] = ArgS("--user", ""), ["password"] = ArgS("--password", "") }));
    if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in: {(int)response.StatusCode}");
    return client;
}

AuditTransaction Record(int i, DateTime time)
{
    var classes = new[] { "invitation", "report", "notice", "work-document", "meeting-document" };
    var cls = classes[i % classes.Length];
    var abbr = cls switch { "invitation" => "GM", "report" => "BC", "notice" => "TB", "meeting-document" => "TL", _ => "BNV-VP" };
    var rejected = i % 20 == 0;
    return new AuditTransaction
    {
        Id = AuditRecordId.New(new DateTimeOffset(time)),
        TimeUtc = time,
        // Queue ids as the gateway makes them: they begin with their time, which the detail page uses.
        QueueId = GovGateway.Spool.QueueId.New(new DateTimeOffset(time)),
        MessageId = $"m{i}@bnv.gov.vn",
        MailFrom = $"user{i % 500}@{(i % 7 == 0 ? "stttt.hatinh" : i % 3 == 0 ? "bnv" : "ubnd.hue")}.gov.vn",
        Recipients = [$"lanhdao{i % 50}@sotttt.hanoi.gov.vn"],
        HeaderFrom = $"Nguyễn Văn {i % 500} <user{i % 500}@bnv.gov.vn>",
        Subject = $"Báo cáo quý 2 số {i % 1000} về chuyển đổi số, gửi các sở",
        Size = 40_000 + i % 10_000,
        ClientIp = "10.0.0." + (i % 250),
        TlsProtocol = "Tls13",
        AuthenticatedUser = $"user{i % 500}",
        Listener = "submission",
        Decision = rejected ? "rejected" : i % 97 == 0 ? "quarantined" : "accepted",
        SmtpReply = rejected ? "550 5.7.1 refused" : "250 2.0.0 Ok: queued",
        Classes = [cls],
        Attachments = [new AuditAttachment { Name = $"{i % 1000}-{abbr}.pdf", DetectedType = "application/pdf", Size = 38_000, Class = cls, Symbol = $"{i % 1000}/{abbr}-BNV", SignatureStatus = i % 3 == 0 ? "none" : "valid" }],
        Rules = rejected ? [new AuditRuleHit { Rule = i % 40 == 0 ? "recipient-domain" : "sender-domain", Mode = "enforce", Action = "reject", Message = "refused" }] : [],
        PolicyVersion = "sha256:0123456789abcdef",
    };
}

int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], ci) : fallback;
string ArgS(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
