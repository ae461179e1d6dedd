using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Cms;

namespace GovGateway.Policies.Signatures;

/// <summary>
/// Finds the signatures in a PDF (each signature dictionary's /ByteRange and /Contents), verifies
/// each CMS over its byte ranges, applies the trust/CRL/expiry rules, and checks that the latest
/// signature covers the whole file except its own hole: anything appended after signing (an
/// incremental update) makes the document <see cref="SignatureStatus.Invalid"/>.
/// </summary>
internal sealed partial class PdfSignatureVerifier(CmsVerifier cms)
{
    // Both run over the sender's bytes, so without backtracking (linear time whatever the PDF holds).
    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ByteRange();

    [GeneratedRegex(@"/SubFilter\s*/([A-Za-z0-9.#_-]+)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex SubFilter();

    private static readonly string[] Supported = ["adbe.pkcs7.detached", "ETSI.CAdES.detached"];

    /// <summary>Largest signature value (the /Contents hex string) read; real ones are tens of kilobytes.</summary>
    internal const int MaxSignatureHexBytes = 4 * 1024 * 1024;

    /// <summary>How long a "/ByteRange [a b c d]" may be (whitespace included) and still be found across chunk ends.</summary>
    private const int ByteRangeWindow = 8192;

    /// <summary>
    /// Null when the PDF has no signature. The PDF is never held in memory: it is scanned in chunks for signature
    /// dictionaries, each signature's byte ranges are hashed as they are read from <paramref name="pdf"/>, and only the
    /// small parts are read whole (the text around each "/ByteRange", the /Contents hex string holding the CMS).
    /// </summary>
    public PdfSignatureReport? Verify(Stream pdf)
    {
        var length = pdf.Length;
        var found = new List<(long Start, long Length1, long Start2, long Length2, long Position)>();
        foreach (var (position, m) in ByteRanges(pdf))
        {
            if (!long.TryParse(m.Groups[1].Value, out var a) || !long.TryParse(m.Groups[2].Value, out var b) ||
                !long.TryParse(m.Groups[3].Value, out var c) || !long.TryParse(m.Groups[4].Value, out var d)) continue;
            // Placeholders ("/ByteRange [0 0 0 0]") of unsigned forms are not signatures.
            if (b == 0 && c == 0 && d == 0) continue;
            found.Add((a, b, c, d, position));
        }
        pdf.Position = 0;
        if (found.Count == 0) return null;

        var latestEnd = found.Max(f => f.Start2 + f.Length2);
        var details = new List<PdfSignatureDetail>();
        foreach (var range in found)
        {
            var subFilter = NearestSubFilter(pdf, range.Position);
            var covers = range.Start == 0 && range.Start2 + range.Length2 == length;
            details.Add(VerifyOne(pdf, range.Start, range.Length1, range.Start2, range.Length2, subFilter, covers,
                isLatest: range.Start2 + range.Length2 == latestEnd));
        }
        pdf.Position = 0;
        return new PdfSignatureReport(Worst(details.Select(d => d.Status)), details);
    }

    /// <summary>Null when the PDF has no signature (for callers that hold the bytes anyway, such as the fuzzing harness).</summary>
    public PdfSignatureReport? Verify(byte[] pdf)
    {
        using var stream = new MemoryStream(pdf, writable: false);
        return Verify(stream);
    }

    /// <summary>
    /// Every "/ByteRange [a b c d]" with its file offset, found by running the (linear) regex over 1 MB chunks of the
    /// file. Consecutive chunks overlap by <see cref="ByteRangeWindow"/> bytes so that a match straddling two chunks is
    /// whole in one of them; a match is taken from the chunk where it starts before the overlap (or from the last chunk).
    /// </summary>
    private static List<(long Position, Match Match)> ByteRanges(Stream data)
    {
        const int ChunkBytes = 1024 * 1024;
        var hits = new List<(long, Match)>();
        data.Position = 0;
        var buffer = new byte[ChunkBytes + ByteRangeWindow];
        var chars = new char[buffer.Length]; // reused: the chunk is never turned into a string of its own
        long bufferStart = 0; // file offset of buffer[0]
        var kept = 0;
        while (true)
        {
            var filled = kept;
            int read;
            while (filled < buffer.Length && (read = data.Read(buffer, filled, buffer.Length - filled)) > 0) filled += read;
            var atEnd = filled < buffer.Length;
            var takeBefore = atEnd ? filled : filled - ByteRangeWindow;
            if (buffer.AsSpan(0, filled).IndexOf("/ByteRange"u8) >= 0)
            {
                // Latin-1 keeps one char per byte, so regex indexes are byte offsets.
                var text = chars.AsSpan(0, Encoding.Latin1.GetChars(buffer.AsSpan(0, filled), chars));
                foreach (var m in ByteRange().EnumerateMatches(text))
                    // Matches in the carried-over start were not taken last time: they start at or after its takeBefore.
                    if (m.Index < takeBefore)
                        hits.Add((bufferStart + m.Index, ByteRange().Match(new string(text.Slice(m.Index, m.Length)))));
            }
            if (atEnd) break;
            buffer.AsSpan(takeBefore, filled - takeBefore).CopyTo(buffer);
            bufferStart += takeBefore;
            kept = filled - takeBefore;
        }
        return hits;
    }

    private static string ReadLatin1(Stream data, long from, int count)
    {
        if (from < 0 || from >= data.Length) return string.Empty;
        var buffer = new byte[(int)Math.Min(count, data.Length - from)];
        data.Position = from;
        data.ReadExactly(buffer);
        return Encoding.Latin1.GetString(buffer);
    }

    private PdfSignatureDetail VerifyOne(Stream pdf, long a, long b, long c, long d, string? subFilter, bool covers, bool isLatest)
    {
        PdfSignatureDetail Fail(string why) => new(SignatureStatus.Invalid, null, null, null, null, subFilter, covers, why);
        var length = pdf.Length;

        // Each bound is checked against the file length on its own: the numbers come from the file and can be
        // anything up to long.MaxValue, so a sum such as c + d could wrap around and pass (found writing the fuzzing harness).
        if (a != 0 || b <= 0 || b >= length || c < b + 2 || c > length || d < 0 || d > length - c)
            return Fail("the signature's byte ranges are malformed or point outside the file");
        if (subFilter is not null && !Supported.Contains(subFilter, StringComparer.Ordinal))
            return Fail($"unsupported signature type /{subFilter}");
        // The hole must be exactly the hex string <...> holding the signature.
        var holeStart = a + b;
        var holeEnd = c;
        if (holeEnd - holeStart > MaxSignatureHexBytes)
            return Fail($"the signature value is larger than {MaxSignatureHexBytes / (1024 * 1024)} MB");
        var hole = new byte[holeEnd - holeStart];
        pdf.Position = holeStart;
        pdf.ReadExactly(hole);
        if (hole[0] != (byte)'<' || hole[^1] != (byte)'>')
            return Fail("the unsigned part of the file is not just the signature value");
        var signature = DecodeHex(hole.AsSpan(1, hole.Length - 2));
        if (signature is null) return Fail("the signature value is not valid hexadecimal");

        // The signed bytes are hashed as BouncyCastle reads them from the file, never copied.
        var result = cms.Verify(signature, new StreamRanges(pdf, [(a, b), (c, d)]));
        var status = result.Status;
        var detail = result.Detail;
        if (status == SignatureStatus.Valid && isLatest && !covers)
        {
            status = SignatureStatus.Invalid;
            detail = $"the document was changed after signing ({length - (c + d)} bytes added after the signed part)";
        }
        return new PdfSignatureDetail(status, result.Subject, result.Issuer, result.Serial, result.SigningTime, subFilter, covers, detail);
    }

    private static string? NearestSubFilter(Stream pdf, long position)
    {
        // The /SubFilter sits in the same dictionary as /ByteRange; look close by on both sides.
        var from = Math.Max(0, position - 4096);
        var window = ReadLatin1(pdf, from, 8192);
        string? best = null;
        var bestDistance = long.MaxValue;
        foreach (Match m in SubFilter().Matches(window))
        {
            var distance = Math.Abs(from + m.Index - position);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = m.Groups[1].Value;
            }
        }
        return best;
    }

    internal static SignatureStatus Worst(IEnumerable<SignatureStatus> statuses)
    {
        SignatureStatus[] order = [SignatureStatus.Invalid, SignatureStatus.Revoked, SignatureStatus.Untrusted, SignatureStatus.Expired, SignatureStatus.SignerMismatch, SignatureStatus.Valid];
        var list = statuses.ToList();
        foreach (var status in order)
            if (list.Contains(status)) return status;
        return SignatureStatus.None;
    }

    private static byte[]? DecodeHex(ReadOnlySpan<byte> hex)
    {
        var result = new List<byte>(hex.Length / 2);
        var high = -1;
        foreach (var ch in hex)
        {
            if (ch is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t') continue;
            var v = ch switch
            {
                >= (byte)'0' and <= (byte)'9' => ch - '0',
                >= (byte)'a' and <= (byte)'f' => ch - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => ch - 'A' + 10,
                _ => -1,
            };
            if (v < 0) return null;
            if (high < 0) high = v;
            else
            {
                result.Add((byte)(high << 4 | v));
                high = -1;
            }
        }
        if (high >= 0) result.Add((byte)(high << 4));
        return result.ToArray();
    }

    /// <summary>The signed content of a PDF: byte ranges of the file, written to BouncyCastle's digest in 64 KB reads.</summary>
    private sealed class StreamRanges(Stream source, (long Start, long Length)[] ranges) : CmsTypedData
    {
        public Org.BouncyCastle.Asn1.DerObjectIdentifier ContentType => Org.BouncyCastle.Asn1.Cms.CmsObjectIdentifiers.Data;

        public void Write(Stream output)
        {
            var buffer = new byte[64 * 1024];
            foreach (var (start, length) in ranges)
            {
                source.Position = start;
                var left = length;
                while (left > 0)
                {
                    var read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (read == 0) throw new EndOfStreamException("the PDF ended inside a signed byte range");
                    output.Write(buffer, 0, read);
                    left -= read;
                }
            }
        }
    }
}
