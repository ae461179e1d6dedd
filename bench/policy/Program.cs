using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using GovGateway.Policies;
using GovGateway.Policies.Tests.Fixtures;

// Cost of Policy.Evaluate per message: CPU time of the evaluating thread (getrusage RUSAGE_THREAD),
// for a ~100 KB message carrying one signed PDF report, under the shipped default policy.
if (args.Length > 0 && args[0] == "hostile")
{
    HostileInputs.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1);
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
