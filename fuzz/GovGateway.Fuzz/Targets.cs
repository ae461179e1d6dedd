using System.Text;
using System.Text.RegularExpressions;
using GovGateway.Policies;
using GovGateway.Policies.Configuration;
using GovGateway.Policies.Content;
using GovGateway.Policies.Signatures;
using GovGateway.Smtp.Protocol;

namespace GovGateway.Fuzz;

/// <summary>
/// One harness per attack surface. Each feeds untrusted bytes to the production code exactly as the
/// gateway does and checks what must hold for every input. None of these entry points is documented
/// to throw on bad input (they report syntax errors, malformed messages, unreadable archives and policy
/// errors as values), so no exception type is expected: anything that escapes is a finding.
/// Static state is created lazily: instrumented code must not run before SharpFuzz has mapped afl-fuzz's
/// coverage memory (it would write through a null map).
/// </summary>
internal static partial class Targets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["smtp-command"] = SmtpCommand,
        ["smtp-data"] = SmtpData,
        ["mime"] = Mime,
        ["pdf-signature"] = PdfSignature,
        ["archive"] = Archive,
        ["policy-yaml"] = PolicyYaml,
    };

    /// <summary>Set to 1 to let the policy-yaml target run inputs shaped like the known, separately tracked issues.</summary>
    private static readonly bool KnownIssues = Environment.GetEnvironmentVariable("FUZZ_KNOWN_ISSUES") == "1";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // ---- (a) SMTP command line: PathParser and EsmtpParameters --------------------------------------

    /// <summary>
    /// A command line as SmtpSession.ExecuteAsync sees it: at most 512 bytes, no CR or LF (a line with a
    /// bare one never reaches the parser), split at the first space into verb and strictly UTF-8 arguments.
    /// </summary>
    private static void SmtpCommand(byte[] data)
    {
        var line = data.AsSpan(0, Math.Min(data.Length, 512));
        int end = line.IndexOfAny((byte)'\r', (byte)'\n');
        if (end >= 0) line = line[..end];
        int space = line.IndexOf((byte)' ');
        var argBytes = space < 0 ? ReadOnlySpan<byte>.Empty : line[(space + 1)..].TrimStart((byte)' ');
        string args;
        try { args = argBytes.IsEmpty ? "" : StrictUtf8.GetString(argBytes).TrimEnd(' '); }
        catch (DecoderFallbackException) { return; } // answered 501 by the session

        // MAIL FROM:<...> and RCPT TO:<...>; anything else is parsed as a path too, for coverage.
        string path = args.StartsWith("FROM:", StringComparison.OrdinalIgnoreCase) ? args[5..].TrimStart(' ')
            : args.StartsWith("TO:", StringComparison.OrdinalIgnoreCase) ? args[3..].TrimStart(' ')
            : args;
        CheckPath(path, allowNull: true, allowPostmaster: false);
        CheckPath(path, allowNull: false, allowPostmaster: true);
        CheckParameters(args);
    }

    private static void CheckPath(string text, bool allowNull, bool allowPostmaster)
    {
        var error = PathParser.TryParse(text, allowNull, allowPostmaster, out var address, out var rest, out _);
        if (error != PathError.None) return;
        // What was accepted must be what was written: the rest is the tail of the input, and the
        // address written back as a path parses to itself (a source route is dropped, nothing else).
        Require(text.EndsWith(rest, StringComparison.Ordinal), $"rest '{rest}' is not the end of '{text}'");
        var again = PathParser.TryParse($"<{address}>{rest}", allowNull, allowPostmaster, out var address2, out var rest2, out _);
        Require(again == PathError.None && address2 == address && rest2 == rest,
            $"'{text}' gave <{address}>, which parses as {again} <{address2}>");
        if (rest.Length == 0 || rest[0] == ' ') CheckParameters(rest);
    }

    private static void CheckParameters(string text)
    {
        if (!EsmtpParameters.TryParse(text, out var parameters)) return;
        foreach (var (keyword, value) in parameters)
        {
            Require(keyword.Length > 0 && !keyword.Contains(' ') && !keyword.Contains('='), $"keyword '{keyword}'");
            if (value is not null) EsmtpParameters.IsXtext(value);
        }
    }

    // ---- (a) DATA content: ContentScanner ------------------------------------------------------------

    /// <summary>
    /// The first two bytes choose the line limit and how the rest is cut into network reads. The
    /// scanner must give the same result however the content arrives, and, for clean content, exactly
    /// the dot-unstuffed text before the first CRLF.CRLF (a reference written the slow, obvious way).
    /// </summary>
    private static void SmtpData(byte[] data)
    {
        if (data.Length < 2) return;
        int maxLine = 3 + data[0] % 64;           // small limits so over-long lines are reachable
        int seed = data[1];
        var content = data.AsSpan(2).ToArray();

        var whole = Scan(content, maxLine, _ => content.Length);
        var rng = new Random(seed);
        var pieces = Scan(content, maxLine, remaining => 1 + rng.Next(Math.Min(remaining, 1 + seed % 17)));
        Require(whole.Stored.SequenceEqual(pieces.Stored) && whole.Consumed == pieces.Consumed && whole.Completed == pieces.Completed
                && whole.Bare == pieces.Bare && whole.TooLong == pieces.TooLong,
            $"one read and many reads differ: {whole} vs {pieces}");

        var expected = Reference(content, maxLine);
        Require(whole.Completed == expected.Completed, $"completed {whole.Completed}, reference {expected.Completed}");
        if (expected.Completed) Require(whole.Consumed == expected.Consumed, $"terminator ends at {whole.Consumed}, reference {expected.Consumed}");
        if (!whole.Bare && expected.Completed)
        {
            Require(!expected.Bare, "reference saw a bare CR/LF the scanner missed");
            Require(whole.Stored.SequenceEqual(expected.Stored), "stored content differs from the reference");
            Require(whole.TooLong == expected.TooLong, $"line too long {whole.TooLong}, reference {expected.TooLong}");
        }
    }

    private sealed record ScanOutcome(byte[] Stored, int Consumed, bool Completed, bool Bare, bool TooLong)
    {
        public override string ToString() => $"(stored {Stored.Length}, consumed {Consumed}, completed {Completed}, bare {Bare}, long {TooLong})";
    }

    /// <summary>Drives the scanner as SmtpSession.ReadDotStuffedAsync does, over reads of the given sizes.</summary>
    private static ScanOutcome Scan(byte[] content, int maxLine, Func<int, int> nextRead)
    {
        var scanner = new ContentScanner(maxLine + 2);
        var stored = new List<byte>();
        int position = 0;
        bool completed = false;
        while (position < content.Length && !completed)
        {
            int readEnd = position + nextRead(content.Length - position);
            while (position < readEnd)
            {
                var segment = content.AsSpan(position, readEnd - position);
                var scan = scanner.Scan(segment);
                Require(scan.Consumed > 0 && scan.Consumed <= segment.Length, $"consumed {scan.Consumed} of {segment.Length}");
                Require(scan.WriteStart >= 0 && scan.WriteLength >= 0 && scan.WriteStart + scan.WriteLength <= scan.Consumed,
                    $"run {scan.WriteStart}+{scan.WriteLength} outside the {scan.Consumed} bytes taken");
                stored.AddRange(segment.Slice(scan.WriteStart, scan.WriteLength).ToArray());
                position += scan.Consumed;
                if (scan.Completed) { completed = true; break; }
            }
        }
        return new ScanOutcome(stored.ToArray(), position, completed, scanner.BareLineBreak, scanner.LineTooLong);
    }

    /// <summary>RFC 5321 4.5.2 by the book: lines end at CRLF; the message ends at a line ".", a leading dot is removed.</summary>
    private static ScanOutcome Reference(byte[] content, int maxLine)
    {
        var stored = new List<byte>();
        bool bare = false, tooLong = false;
        int start = 0;
        while (true)
        {
            int crlf = IndexOfCrLf(content, start);
            if (crlf < 0)
            {
                // An unfinished last line: no terminator.
                return new ScanOutcome(stored.ToArray(), content.Length, false, bare, tooLong);
            }
            var line = content.AsSpan(start, crlf - start);
            if (line.SequenceEqual("."u8)) return new ScanOutcome(stored.ToArray(), crlf + 2, true, bare, tooLong);
            if (line.IndexOfAny((byte)'\r', (byte)'\n') >= 0) bare = true;
            if (line.Length > maxLine) tooLong = true;
            stored.AddRange((line.Length > 0 && line[0] == '.' ? line[1..] : line).ToArray());
            stored.Add((byte)'\r');
            stored.Add((byte)'\n');
            start = crlf + 2;
        }
    }

    private static int IndexOfCrLf(byte[] data, int from)
    {
        int i = data.AsSpan(from).IndexOf("\r\n"u8);
        return i < 0 ? -1 : from + i;
    }

    // ---- (b) MIME and attachments: Policy.Evaluate -> MessageAnalyzer, Content/* ---------------------

    private static readonly Lazy<Policy> DefaultPolicy = new(() =>
    {
        // No policy.yaml and no trust folder in an empty folder: the shipped default policy, no anchors.
        var dir = Directory.CreateTempSubdirectory("govgateway-fuzz-");
        try
        {
            var loaded = PolicyLoader.Load(dir.FullName);
            return loaded.Policy ?? throw new InvalidOperationException("the shipped policy does not load: " + string.Join("; ", loaded.Errors));
        }
        finally { dir.Delete(recursive: true); }
    });

    private static readonly Lazy<PolicyEnvelope> Envelope =
        new(() => new("vanthu@stttt.hatinh.gov.vn", ["vanphong@ubnd.hatinh.gov.vn", "someone@gmail.com"], "vanthu", "127.0.0.1", "submission"));

    /// <summary>A whole message through the shipped policy, as the gateway evaluates a spooled message.</summary>
    private static void Mime(byte[] data)
    {
        var verdict = DefaultPolicy.Value.Evaluate(new ReadOnlyMemory<byte>(data), Envelope.Value);
        CheckVerdict(verdict);
    }

    private static void CheckVerdict(Verdict verdict)
    {
        // A refusal or quarantine always says why, in both languages.
        if (verdict.Decision != Decision.Accept)
            Require(verdict.Reasons.Count > 0, $"{verdict.Decision} without a reason");
        foreach (var attachment in verdict.Attachments)
            Require(attachment.Sha256.Length == 64, $"attachment {attachment.FileName} has no hash");
    }

    // ---- (c) PDF signatures: PdfSignatureVerifier ------------------------------------------------------

    private static readonly Lazy<PdfSignatureVerifier> Pdf = new(() => new(new CmsVerifier(TrustStore.Empty, TimeProvider.System)));

    private static void PdfSignature(byte[] data)
    {
        var report = Pdf.Value.Verify(data);
        if (report is not null)
        {
            Require(report.Signatures.Count > 0, "a signature report without signatures");
            // With no trust anchors nothing can be valid.
            Require(report.Status != SignatureStatus.Valid, "a PDF signature is valid without any trust anchor");
        }
        // PdfPig's text extraction is fuzzed by the archive target (a PDF seed there): it is ten times slower
        // than the signature finder and would take most of this target's executions.
    }

    // ---- (d) Archives: ArchiveInspector, ContentSniffer, the DOCX/ODT/PDF text readers ----------------

    private static readonly Lazy<ArchiveInspector> Inspector = new(() =>
    {
        var (settings, _, errors) = PolicyYamlReader.Read(PolicyLoader.EmbeddedName, Encoding.UTF8.GetString(PolicyLoader.DefaultPolicyBytes()).TrimStart('\uFEFF'));
        return new ArchiveInspector(settings ?? throw new InvalidOperationException(string.Join("; ", errors)));
    });

    private static void Archive(byte[] data)
    {
        // As MessageAnalyzer.AnalyzeAttachment: type from the bytes, then into the archive, then the text.
        var detected = ContentSniffer.Detect(data);
        if (detected == "zip") detected = ContentSniffer.RefineZip(data);
        var result = Inspector.Value.Inspect("fuzz.bin", detected, new MemoryStream(data, writable: false), CancellationToken.None);
        Require(!result.Blocked || result.Findings.Count > 0, "blocked without a finding");
        TextExtractor.ExtractLines(detected, new MemoryStream(data, writable: false));
    }

    // ---- (e) policy.yaml: PolicyYamlReader, then the rules it made, on one message --------------------

    private static readonly byte[] SampleMessage = Encoding.UTF8.GetBytes(
        "From: Văn thư <vanthu@stttt.hatinh.gov.vn>\r\nTo: someone@gmail.com\r\nSubject: =?utf-8?b?QsOhbyBjw6FvIHRow6FuZw==?=\r\n" +
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
        "UỶ BAN NHÂN DÂN\r\nSố: 12/BC-UBND\r\nBÁO CÁO\r\nMẬT\r\n--b\r\nContent-Type: application/octet-stream\r\n" +
        "Content-Disposition: attachment; filename=\"baocao.exe\"\r\n\r\nMZ\r\n--b--\r\n");

    [GeneratedRegex(@"\*[A-Za-z0-9_-]")]
    private static partial Regex Alias();

    private static void PolicyYaml(byte[] data)
    {
        // Known and tracked elsewhere (issue 15 point 7): deep nesting overflows the stack, alias bombs
        // grow exponentially. Inputs that could be either are skipped unless FUZZ_KNOWN_ISSUES=1.
        if (!KnownIssues && (data.Length > 8192 || Alias().Count(Encoding.Latin1.GetString(data)) > 16)) return;
        string text;
        try { text = StrictUtf8.GetString(data).TrimStart('\uFEFF'); }
        catch (DecoderFallbackException) { return; } // PolicyLoader refuses it with an error
        var (settings, rules, errors) = PolicyYamlReader.Read("policy.yaml", text);
        if (settings is null)
        {
            Require(errors.Count > 0, "no settings and no error");
            foreach (var e in errors) Require(e.Line >= 1 && e.Column >= 1 && e.Message.Length > 0, $"error without a position or text: {e}");
            return;
        }
        Require(errors.Count == 0, "settings returned together with errors");
        var policy = new Policy("fuzz", "policy.yaml", settings, rules, TrustStore.Empty, TimeProvider.System);
        policy.EvaluateSender(Envelope.Value);
        CheckVerdict(policy.Evaluate(SampleMessage, Envelope.Value));
    }

    private static void Require(bool condition, string what)
    {
        if (!condition) throw new FuzzInvariantException(what);
    }
}

/// <summary>An invariant of a harness did not hold (a finding, like any other exception).</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);
