using System.Diagnostics;
using GovGateway.Policies;
using GovGateway.Policies.Tests.Fixtures;

/// <summary>
/// `pades N`: Policy.Evaluate's CPU per message for a report signed as agencies sign it: the signer's CAdES signature
/// with an RFC 3161 timestamp (openssl ts as the TSA), then the organisation's signature added by pdfsig as an
/// incremental update (which embeds a font, bringing the PDF to about 1.1 MB). Compared in the same run with
/// pdfsig's own verification of the same PDF (a process per run, so its start-up is included).
/// </summary>
internal static class PadesBench
{
    public static void Run(int iterations)
    {
        var pki = TestPki.Instance;
        var policy = PolicyLoader.Load(pki.WriteConfig()).Policy ?? throw new InvalidOperationException("policy did not load");
        var lines = (string[])[.. TestDocuments.Report(), .. Enumerable.Range(1, 30).Select(i => $"{i}. Nội dung báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số, mục {i}.")];
        var first = TestPdf.CreateSigned(pki.Person, lines, "ETSI.CAdES.detached", timestamp: OpensslTsa.Instance.Stamp);
        var pdf = PdfsigSigner.Instance.Sign(first, "organisation", "CoQuan");
        var bytes = TestMessages.Bytes(TestMessages.Message("Báo cáo kết quả chuyển đổi số quý I", "Kính gửi Văn phòng UBND tỉnh.",
            ("bao-cao-112-BC-STTTT.pdf", "application/pdf", pdf)));
        var envelope = TestMessages.Envelope();

        var check = policy.Evaluate(new MemoryStream(bytes), envelope);
        var signatures = check.Attachments.Single().Signature?.Signatures ?? [];
        if (check.Decision != Decision.Accept || signatures.Count != 2 || signatures.Any(s => s.Status != SignatureStatus.Valid)
            || signatures[0].SigningTimeSource != "timestamp")
            throw new InvalidOperationException($"unexpected verdict {check.Decision}: {string.Join("; ", signatures.Select(s => $"{s.Status} {s.Detail}"))}");

        for (var i = 0; i < Math.Max(10, iterations / 10); i++) policy.Evaluate(new MemoryStream(bytes), envelope);
        var cpu = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var c0 = ThreadCpu.Now();
            policy.Evaluate(new MemoryStream(bytes), envelope);
            cpu[i] = (ThreadCpu.Now() - c0).TotalMilliseconds;
        }
        Array.Sort(cpu);

        // Where the time goes: the signature verifier alone, and PDF text extraction alone (classification's share).
        var verifier = new GovGateway.Policies.Signatures.PdfSignatureVerifier(new GovGateway.Policies.Signatures.CmsVerifier(policy.Trust, TimeProvider.System));
        var signaturesOnly = Measure(() => verifier.Verify(new MemoryStream(pdf)));
        var textOnly = Measure(() => GovGateway.Policies.Content.TextExtractor.ExtractLines("pdf", new MemoryStream(pdf)));

        double Measure(Action action)
        {
            var samples = new double[Math.Max(10, iterations / 2)];
            for (var i = 0; i < samples.Length; i++)
            {
                var c0 = ThreadCpu.Now();
                action();
                samples[i] = (ThreadCpu.Now() - c0).TotalMilliseconds;
            }
            Array.Sort(samples);
            return samples[samples.Length / 2];
        }

        // pdfsig verifying the same file, CPU of the child process (user + system), median of a few runs.
        var file = Path.Combine(Path.GetTempPath(), $"pades-bench-{Environment.ProcessId}.pdf");
        File.WriteAllBytes(file, pdf);
        var peer = new double[Math.Min(iterations, 20)];
        for (var i = 0; i < peer.Length; i++)
        {
            var before = ThreadCpu.Children();
            using var process = Process.Start(new ProcessStartInfo("pdfsig", ["-nocert", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            peer[i] = (ThreadCpu.Children() - before).TotalMilliseconds;
        }
        File.Delete(file);
        Array.Sort(peer);
        double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"message: {bytes.Length / 1024.0:F1} KiB, PDF {pdf.Length / 1024.0:F1} KiB (2 signatures, 1 signature timestamp), iterations {iterations}");
        Console.WriteLine($"policy thread CPU per message: median {P(cpu, 0.5):F2} ms, p99 {P(cpu, 0.99):F2} ms, max {cpu[^1]:F2} ms");
        Console.WriteLine($"  of which: signature verification alone median {signaturesOnly:F2} ms, PDF text extraction alone median {textOnly:F2} ms");
        Console.WriteLine($"pdfsig -nocert process CPU per file: median {P(peer, 0.5):F2} ms (ratio policy/pdfsig {P(cpu, 0.5) / P(peer, 0.5):F2})");
    }
}
