using System.Text;
using System.Text.RegularExpressions;

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

    /// <summary>
    /// Null when the PDF has no signature. The file is scanned in chunks for a signature dictionary first, so an unsigned
    /// PDF is never held in memory; a signed one is (its byte ranges are hashed from the array), which keeps this
    /// cost to the size of signed documents.
    /// </summary>
    public PdfSignatureReport? Verify(Stream pdf)
    {
        if (!Contains(pdf, "/ByteRange"u8)) return null;
        pdf.Position = 0;
        var bytes = new byte[pdf.Length];
        pdf.ReadExactly(bytes);
        pdf.Position = 0;
        return Verify(bytes);
    }

    private static bool Contains(Stream data, ReadOnlySpan<byte> needle)
    {
        data.Position = 0;
        var buffer = new byte[64 * 1024];
        var kept = 0;
        int read;
        while ((read = data.Read(buffer, kept, buffer.Length - kept)) > 0)
        {
            var filled = kept + read;
            if (buffer.AsSpan(0, filled).IndexOf(needle) >= 0) return true;
            // Keep the tail: the needle may straddle two reads.
            kept = Math.Min(needle.Length - 1, filled);
            buffer.AsSpan(filled - kept, kept).CopyTo(buffer);
        }
        return false;
    }

    /// <summary>Null when the PDF has no signature.</summary>
    public PdfSignatureReport? Verify(byte[] pdf)
    {
        // Latin-1 keeps one char per byte, so regex indexes are byte offsets.
        var text = Encoding.Latin1.GetString(pdf);
        var found = new List<(long Start, long Length1, long Start2, long Length2, int Position)>();
        foreach (Match m in ByteRange().Matches(text))
        {
            if (!long.TryParse(m.Groups[1].Value, out var a) || !long.TryParse(m.Groups[2].Value, out var b) ||
                !long.TryParse(m.Groups[3].Value, out var c) || !long.TryParse(m.Groups[4].Value, out var d)) continue;
            // Placeholders ("/ByteRange [0 0 0 0]") of unsigned forms are not signatures.
            if (b == 0 && c == 0 && d == 0) continue;
            found.Add((a, b, c, d, m.Index));
        }
        if (found.Count == 0) return null;

        var latestEnd = found.Max(f => f.Start2 + f.Length2);
        var details = new List<PdfSignatureDetail>();
        foreach (var range in found)
        {
            var subFilter = NearestSubFilter(text, range.Position);
            var covers = range.Start == 0 && range.Start2 + range.Length2 == pdf.Length;
            details.Add(VerifyOne(pdf, range.Start, range.Length1, range.Start2, range.Length2, subFilter, covers,
                isLatest: range.Start2 + range.Length2 == latestEnd));
        }
        return new PdfSignatureReport(Worst(details.Select(d => d.Status)), details);
    }

    private PdfSignatureDetail VerifyOne(byte[] pdf, long a, long b, long c, long d, string? subFilter, bool covers, bool isLatest)
    {
        PdfSignatureDetail Fail(string why) => new(SignatureStatus.Invalid, null, null, null, null, subFilter, covers, why);

        // Each bound is checked against the file length on its own: the numbers come from the file and can be
        // anything up to long.MaxValue, so a sum such as c + d could wrap around and pass (found writing the fuzzing harness).
        if (a != 0 || b <= 0 || b >= pdf.Length || c < b + 2 || c > pdf.Length || d < 0 || d > pdf.Length - c)
            return Fail("the signature's byte ranges are malformed or point outside the file");
        if (subFilter is not null && !Supported.Contains(subFilter, StringComparer.Ordinal))
            return Fail($"unsupported signature type /{subFilter}");
        // The hole must be exactly the hex string <...> holding the signature.
        var holeStart = (int)(a + b);
        var holeEnd = (int)c;
        if (pdf[holeStart] != (byte)'<' || pdf[holeEnd - 1] != (byte)'>')
            return Fail("the unsigned part of the file is not just the signature value");
        var signature = DecodeHex(pdf.AsSpan(holeStart + 1, holeEnd - holeStart - 2));
        if (signature is null) return Fail("the signature value is not valid hexadecimal");

        var content = new byte[b + d];
        Array.Copy(pdf, a, content, 0, b);
        Array.Copy(pdf, c, content, b, d);
        var result = cms.Verify(signature, content);
        var status = result.Status;
        var detail = result.Detail;
        if (status == SignatureStatus.Valid && isLatest && !covers)
        {
            status = SignatureStatus.Invalid;
            detail = $"the document was changed after signing ({pdf.Length - (c + d)} bytes added after the signed part)";
        }
        return new PdfSignatureDetail(status, result.Subject, result.Issuer, result.Serial, result.SigningTime, subFilter, covers, detail);
    }

    private static string? NearestSubFilter(string text, int position)
    {
        // The /SubFilter sits in the same dictionary as /ByteRange; look close by on both sides.
        var from = Math.Max(0, position - 4096);
        var window = text.Substring(from, Math.Min(text.Length - from, 8192));
        string? best = null;
        var bestDistance = int.MaxValue;
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
}
