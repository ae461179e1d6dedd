using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using GovGateway.Policies;
using GovGateway.Policies.Tests.Fixtures;

// Cost of Policy.Evaluate per message: CPU time of the evaluating thread (getrusage RUSAGE_THREAD),
// for a ~100 KB message carrying one signed PDF report, under the shipped default policy.
if (args.Length > 0 && args[0] == "memory")
{
    MemoryBench.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50);
    return;
}

if (args.Length > 1 && args[0] == "messages")
{
    BenchMessages.Write(args[1]);
    return;
}

if (args.Length > 0 && args[0] == "pades")
{
    PadesBench.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100);
    return;
}

if (args.Length > 0 && args[0] == "hostile")
{
    HostileInputs.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1);
    return;
}

if (args.Length > 0 && args[0] == "legacy")
{
    LegacyBench.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
    return;
}

var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
var warmup = Math.Max(20, iterations / 10);

var pki = TestPki.Instance;
var config = pki.WriteConfig();
var policy = PolicyLoader.Load(config).Policy ?? throw new InvalidOperationException("policy did not load");
var pdf = TestPdf.CreateSigned(pki.Valid, [.. TestDocuments.Report(), .. Enumerable.Range(1, 30).Select(i => $"{i}. Nội dung báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số, mục {i}.")],
    paddingBytes: 32_000);
var message = TestMessages.Message("Báo cáo kết quả chuyển đổi số quý I", "Kính gửi Văn phòng UBND tỉnh.\nXin gửi báo cáo đã ký số.", ("bao-cao-112-BC-STTTT.pdf", "application/pdf", pdf));
var bytes = TestMessages.Bytes(message);
var envelope = TestMessages.Envelope();

var check = policy.Evaluate(new MemoryStream(bytes), envelope);
if (check.Decision != Decision.Accept || check.Attachments.Single().Signature?.Status != SignatureStatus.Valid)
    throw new InvalidOperationException($"unexpected verdict {check.Decision}");

for (var i = 0; i < warmup; i++) policy.Evaluate(new MemoryStream(bytes), envelope);

var cpu = new double[iterations];
var wall = new double[iterations];
var gcBefore = GC.CollectionCount(0);
for (var i = 0; i < iterations; i++)
{
    var c0 = ThreadCpu.Now();
    var w0 = Stopwatch.GetTimestamp();
    policy.Evaluate(new MemoryStream(bytes), envelope);
    wall[i] = Stopwatch.GetElapsedTime(w0).TotalMilliseconds;
    cpu[i] = (ThreadCpu.Now() - c0).TotalMilliseconds;
}
Array.Sort(cpu);
Array.Sort(wall);
double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
Console.WriteLine($"message: {bytes.Length / 1024.0:F1} KiB, signed PDF {pdf.Length / 1024.0:F1} KiB, iterations {iterations} (warm-up {warmup}), gen0 GCs {GC.CollectionCount(0) - gcBefore}");
Console.WriteLine($"thread CPU per message: median {P(cpu, 0.5):F2} ms, p99 {P(cpu, 0.99):F2} ms, max {cpu[^1]:F2} ms");
Console.WriteLine($"wall time per message:  median {P(wall, 0.5):F2} ms, p99 {P(wall, 0.99):F2} ms");
Console.WriteLine($"=> about {1000 / P(cpu, 0.5):F0} messages per CPU-second");

/// <summary>
/// Issue 15 §1: inputs that were quadratic in the regexes. Prints the evaluating thread's CPU time and the verdict for
/// each; `dotnet run -c Release -- hostile [repetitions]`.
/// </summary>
internal static class HostileInputs
{
    public static void Run(int repetitions)
    {
        var policy = PolicyLoader.Load(TestPki.Instance.WriteConfig()).Policy ?? throw new InvalidOperationException("policy did not load");
        var envelope = TestMessages.Envelope();
        // "Số" + 200,000 spaces + a letter: the symbol regex's "\s*[:.]?\s*" tried every split of the spaces. Base64 makes it ~274 KB.
        var spaces = TestMessages.Bytes(TestMessages.Message("Báo cáo", "Số" + new string(' ', 200_000) + "x"));
        // An HTML body of 1.6 million '<': the tag regex "<[^>]*>" scanned to the end from each '<'.
        var html = new MimeKit.MimeMessage();
        html.From.Add(MimeKit.MailboxAddress.Parse(TestMessages.From));
        html.To.Add(MimeKit.MailboxAddress.Parse(TestMessages.To));
        html.Subject = "html";
        html.Body = new MimeKit.BodyBuilder { HtmlBody = new string('<', 1_600_000) }.ToMessageBody();
        var htmlBytes = TestMessages.Bytes(html);
        foreach (var (name, bytes) in new[] { ("'Số' + 200,000 spaces", spaces), ("HTML of 1,600,000 '<'", htmlBytes) })
        {
            for (var i = 0; i < repetitions; i++)
            {
                var c0 = ThreadCpu.Now();
                var w0 = Stopwatch.GetTimestamp();
                var verdict = policy.Evaluate(new MemoryStream(bytes), envelope);
                Console.WriteLine($"{name}: {bytes.Length / 1024.0:F0} KiB message, thread CPU {(ThreadCpu.Now() - c0).TotalSeconds:F3} s, wall {Stopwatch.GetElapsedTime(w0).TotalSeconds:F3} s, verdict {verdict.Decision}");
            }
        }
    }
}

/// <summary>
/// Issue 15 §2: peak memory of evaluating 50 MB messages read from a file (as the gateway reads its spool file).
/// Peak = VmHWM, reset through /proc/self/clear_refs before each step; `dotnet run -c Release -- memory [concurrent]`.
/// </summary>
internal static class MemoryBench
{
    public static void Run(int concurrent)
    {
        var policy = PolicyLoader.Load(TestPki.Instance.WriteConfig()).Policy ?? throw new InvalidOperationException("policy did not load");
        var envelope = TestMessages.Envelope();
        var dir = Directory.CreateTempSubdirectory("policy-memory-bench-").FullName;
        try
        {
            // A 50 MB message as mail clients send it: a 36 MiB attachment, base64 in the message; a PDF report besides.
            var data = new byte[36 * 1024 * 1024];
            new Random(15).NextBytes(data);
            var path = Path.Combine(dir, "50mb.eml");
            using (var file = File.Create(path))
                TestMessages.Message("Dữ liệu quý III", "Xin gửi dữ liệu.", ("du-lieu.bin", "application/octet-stream", data),
                    ("bao-cao.pdf", "application/pdf", TestPdf.Create(TestDocuments.Report()))).WriteTo(file);
            data = null;
            var size = new FileInfo(path).Length;

            Verdict Evaluate(string p)
            {
                using var stream = new FileStream(p, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
                return policy.Evaluate(stream, envelope);
            }

            // Warm up: JIT, regex construction, pools, the temporary folder.
            for (var i = 0; i < 3; i++) Evaluate(path);
            Settle();
            var before = Status("VmRSS");
            ResetPeak();
            var verdict = Evaluate(path);
            var peak = Status("VmHWM");
            Console.WriteLine($"one {size / 1e6:F1} MB message: VmRSS before {before / 1024.0:F1} MiB, peak during {peak / 1024.0:F1} MiB, growth {(peak - before) / 1024.0:F1} MiB; verdict {verdict.Decision}, attachments {verdict.Attachments.Count}");

            Settle();
            before = Status("VmRSS");
            ResetPeak();
            using var start = new ManualResetEventSlim();
            var threads = Enumerable.Range(0, concurrent).Select(_ => new Thread(() => { start.Wait(); Evaluate(path); })).ToList();
            threads.ForEach(t => t.Start());
            start.Set();
            threads.ForEach(t => t.Join());
            peak = Status("VmHWM");
            Console.WriteLine($"{concurrent} of them at once: VmRSS before {before / 1024.0:F1} MiB, peak during {peak / 1024.0:F1} MiB, growth {(peak - before) / 1024.0:F1} MiB");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static void Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, true, true);
    }

    /// <summary>Resets VmHWM to the current RSS (Linux: "5" to /proc/self/clear_refs).</summary>
    private static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    /// <summary>A /proc/self/status field in KiB.</summary>
    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException(field);
    }
}

/// <summary>
/// The messages bench/memory/run.sh sends through the whole gateway: `dotnet run -c Release -- messages DIR` writes
/// DIR/unsigned.eml (a 36 MiB data attachment, base64; the shipped policy accepts it), DIR/signed-pdf.eml (a report PDF of 36 MiB,
/// signed by the test PKI's official, base64), 1 MiB versions of both (*-1m.eml) and DIR/trust (the test root and CRL) for the gateway's trust folder.
/// </summary>
internal static class BenchMessages
{
    public static void Write(string dir)
    {
        Directory.CreateDirectory(Path.Combine(dir, "trust"));
        var pki = TestPki.Instance;
        var config = pki.WriteConfig();
        foreach (var file in Directory.GetFiles(Path.Combine(config, "trust")))
            File.Copy(file, Path.Combine(dir, "trust", Path.GetFileName(file)), overwrite: true);

        // The 1 MiB versions warm the gateway up (JIT, pools) along the same code paths.
        foreach (var (suffix, bytes) in new[] { ("", 36 * 1024 * 1024), ("-1m", 1024 * 1024) })
        {
            var data = new byte[bytes];
            new Random(15).NextBytes(data);
            Save(Path.Combine(dir, $"unsigned{suffix}.eml"), TestMessages.Message("Dữ liệu quý III", "Xin gửi dữ liệu.",
                ("du-lieu.bin", "application/octet-stream", data)));
            var pdf = TestPdf.CreateSigned(pki.Valid, TestDocuments.Report(), paddingBytes: bytes - 40_000);
            Save(Path.Combine(dir, $"signed-pdf{suffix}.eml"), TestMessages.Message("Báo cáo kết quả chuyển đổi số quý III", "Kính gửi Văn phòng UBND tỉnh.\nXin gửi báo cáo đã ký số.",
                ("bao-cao-112-BC-STTTT.pdf", "application/pdf", pdf)));
        }
        Directory.Delete(config, true);
    }

    private static void Save(string path, MimeKit.MimeMessage message)
    {
        // CRLF line ends, as on the wire; the sender streams the file as DATA.
        using (var file = File.Create(path))
            message.WriteTo(new MimeKit.FormatOptions { NewLineFormat = MimeKit.NewLineFormat.Dos }, file);
        Console.WriteLine($"{path}: {new FileInfo(path).Length:N0} bytes");
    }
}

/// <summary>
/// Issue 16 §4: what decoding TCVN3 costs. The same 60-line report as Unicode and as TCVN3 (iconv's bytes), in DOCX
/// (.VnTime runs), PDF (.VnTime font) and plain text (statistics), each in its own message, evaluated in turn;
/// `dotnet run -c Release -- legacy [iterations]`.
/// </summary>
internal static class LegacyBench
{
    public static void Run(int iterations)
    {
        var config = TestPki.Instance.WriteConfig();
        var policy = PolicyLoader.Load(config).Policy ?? throw new InvalidOperationException("policy did not load");
        string[] lines = ["SỞ VĂN HÓA VÀ THỂ THAO", "Số: 07/BC-VHTT", "Hà Tĩnh, ngày 5 tháng 4 năm 2025", "BÁO CÁO", "Kết quả công tác quý I",
            .. Enumerable.Range(1, 55).Select(i => $"{i}. Nội dung báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số của các phòng, mục {i}.")];
        // Capitals lines as ABC writes them for .VnTimeH: the small letters' bytes, plain letters upper case.
        string Tcvn(string l) => l.Any(char.IsLower)
            ? LegacyDocuments.Tcvn3Chars(l)
            : new string(LegacyDocuments.Tcvn3Chars(l.ToLowerInvariant()).Select(c => c is >= 'a' and <= 'z' ? (char)(c - 32) : c).ToArray());
        var legacy = lines.Select(Tcvn).ToArray();
        var cases = new (string Name, string File, string Type, byte[] Data)[]
        {
            ("docx unicode", "bc.docx", "application/octet-stream", LegacyDocuments.Docx(lines.Select(l => ("Times New Roman", l)).ToArray())),
            ("docx tcvn3", "bc.docx", "application/octet-stream", LegacyDocuments.Docx(legacy.Select(l => (".VnTime", l)).ToArray())),
            ("pdf unicode", "bc.pdf", "application/pdf", TestPdf.Create(lines)),
            ("pdf tcvn3", "bc.pdf", "application/pdf", LegacyDocuments.Pdf(".VnTime", legacy)),
            ("text unicode", "bc.txt", "text/plain", System.Text.Encoding.UTF8.GetBytes(string.Join("\r\n", lines))),
            ("text tcvn3", "bc.txt", "text/plain", System.Text.Encoding.Latin1.GetBytes(string.Join("\r\n", legacy))),
        };
        var envelope = TestMessages.Envelope();
        var messages = cases.Select(c => TestMessages.Bytes(TestMessages.Message("Báo cáo", "Kính gửi.", (c.File, c.Type, c.Data)))).ToArray();
        for (var k = 0; k < cases.Length; k++)
        {
            var v = policy.Evaluate(new MemoryStream(messages[k]), envelope);
            var a = v.Attachments.Single();
            if (a.Class != DocumentClass.Report || a.DocumentSymbol != "07/BC-VHTT")
                throw new InvalidOperationException($"{cases[k].Name}: classified {a.Class} {a.DocumentSymbol}");
        }
        // The thread clock ticks in milliseconds here: each case is timed as a batch of `iterations` evaluations, and
        // the batches take turns (five rounds), so a busy moment on the shared machine touches every case alike.
        var total = new double[cases.Length];
        for (var k = 0; k < cases.Length; k++)
            for (var i = 0; i < 20; i++) policy.Evaluate(new MemoryStream(messages[k]), envelope);
        for (var round = 0; round < 5; round++)
            for (var k = 0; k < cases.Length; k++)
            {
                var c0 = ThreadCpu.Now();
                for (var i = 0; i < iterations; i++) policy.Evaluate(new MemoryStream(messages[k]), envelope);
                total[k] += (ThreadCpu.Now() - c0).TotalMilliseconds;
            }
        for (var k = 0; k < cases.Length; k++)
        {
            var perMessage = total[k] / (5.0 * iterations);
            var baseline = total[k - k % 2] / (5.0 * iterations);
            Console.WriteLine($"{cases[k].Name,-14} {messages[k].Length / 1024.0,6:F1} KiB  thread CPU {perMessage:F3} ms per message ({perMessage / baseline:F2} x unicode)");
        }
    }
}
