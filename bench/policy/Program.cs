using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using GovGateway.Policies;
using GovGateway.Policies.Tests.Fixtures;

// Cost of Policy.Evaluate per message: CPU time of the evaluating thread (getrusage RUSAGE_THREAD),
// for a ~100 KB message carrying one signed PDF report, under the shipped default policy.
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

/// <summary>CPU time of the calling thread (Linux getrusage RUSAGE_THREAD, microsecond resolution).</summary>
internal static class ThreadCpu
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal { public long Sec; public long Usec; }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public TimeVal User;
        public TimeVal System;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)] public long[] Rest;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, ref RUsage usage);

    public static TimeSpan Now()
    {
        if (!OperatingSystem.IsLinux()) return Process.GetCurrentProcess().TotalProcessorTime;
        var usage = new RUsage { Rest = new long[14] };
        if (getrusage(1 /* RUSAGE_THREAD */, ref usage) != 0) return Process.GetCurrentProcess().TotalProcessorTime;
        var micros = (usage.User.Sec + usage.System.Sec) * 1_000_000 + usage.User.Usec + usage.System.Usec;
        return TimeSpan.FromTicks(micros * 10);
    }
}
