using System.Text;
using System.Text.RegularExpressions;
using GovGateway.Policies.Signatures.Pdf;
using Org.BouncyCastle.Cms;

namespace GovGateway.Policies.Signatures;

/// <summary>
/// Judges a PDF's signatures as a PAdES validator does. Each signature is found through the form's signature fields
/// (its own /V dictionary: /ByteRange, /Contents, /SubFilter), its CMS is verified over its byte ranges with the
/// trust/revocation/expiry rules and any signature timestamp, and what the document's later incremental updates
/// changed is judged by <see cref="RevisionComparer"/>: validation data and further signatures are allowed, a change
/// to what was signed makes that signature <see cref="SignatureStatus.Invalid"/>. Document timestamps
/// (ETSI.RFC3161) are verified as RFC 3161 tokens over their byte ranges.
/// </summary>
internal sealed partial class PdfSignatureVerifier(CmsVerifier cms)
{
    // Runs over the sender's bytes, so without backtracking (linear time whatever the PDF holds).
    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ByteRange();

    private const string Cades = "ETSI.CAdES.detached";
    private const string DocumentTimestamp = "ETSI.RFC3161";
    private static readonly string[] Supported = ["adbe.pkcs7.detached", Cades, DocumentTimestamp];

    /// <summary>Largest signature value (the /Contents hex string) read; real ones are tens of kilobytes.</summary>
    internal const int MaxSignatureHexBytes = 4 * 1024 * 1024;

    /// <summary>How long a "/ByteRange [a b c d]" may be (whitespace included) and still be found across chunk ends.</summary>
    private const int ByteRangeWindow = 8192;

    /// <summary>
    /// Null when the PDF has no signature. The PDF is never held in memory: a quick scan for signature values decides
    /// whether to open its structure at all, PdfPig reads objects from <paramref name="pdf"/> as needed, and each
    /// signature's byte ranges are hashed as they are read.
    /// </summary>
    public PdfSignatureReport? Verify(Stream pdf)
    {
        // Placeholders ("/ByteRange [0 0 0 0]") of unsigned forms are not signatures.
        var values = ByteRanges(pdf).Count(m => !(Zero(m.Match, 2) && Zero(m.Match, 3) && Zero(m.Match, 4)));
        pdf.Position = 0;
        if (values == 0) return null;
        try
        {
            using var document = PdfSignatureDocument.Open(pdf, out var why);
            if (document is null)
                return Single(Fail($"the PDF's structure cannot be read ({why}), so what its signatures cover cannot be told"));
            var fields = document.SignatureFields().OrderBy(f => f.End).ToList();
            if (fields.Count == 0)
                return Single(Fail("the file holds a signature value (/ByteRange) that no signature field of its form refers to"));
            var evidence = document.ValidationData();
            var permission = fields.Select(f => f.DocMdpPermission).FirstOrDefault(p => p is not null);
            var revisions = new Dictionary<long, (IReadOnlyList<RevisionChange>? Changes, string? Why)>();
            var details = fields.Select(f => VerifyOne(pdf, document, f, evidence, permission, revisions)).ToList();
            return new PdfSignatureReport(Worst(details.Select(d => d.Status)), details);
        }
        finally
        {
            pdf.Position = 0;
        }

        static bool Zero(Match m, int group) => m.Groups[group].Value.Trim('0').Length == 0;
        static PdfSignatureReport Single(PdfSignatureDetail detail) => new(detail.Status, [detail]);
        static PdfSignatureDetail Fail(string why) => new(SignatureStatus.Invalid, null, null, null, null, null, false, why);
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

    private PdfSignatureDetail VerifyOne(Stream pdf, PdfSignatureDocument document, PdfSignatureField field, CarriedEvidence evidence, int? permission,
        Dictionary<long, (IReadOnlyList<RevisionChange>? Changes, string? Why)> revisions)
    {
        var length = pdf.Length;
        var (a, b, c, d) = (field.ByteRange[0], field.ByteRange[1], field.ByteRange[2], field.ByteRange[3]);
        var subFilter = field.SubFilter;
        var covers = a == 0 && c + d == length;
        var role = field.IsDocumentTimestamp ? SignatureRole.Timestamp : SignatureRole.Signer;
        PdfSignatureDetail Fail(string why) => new(SignatureStatus.Invalid, null, null, null, null, subFilter, covers, why, role, FieldName: field.Name);

        // Each bound is checked against the file length on its own: the numbers come from the file and can be
        // anything up to long.MaxValue, so a sum such as c + d could wrap around and pass (found writing the fuzzing harness).
        if (a != 0 || b <= 0 || b >= length || c < b + 2 || c > length || d < 0 || d > length - c)
            return Fail("the signature's byte ranges are malformed or point outside the file");
        if (subFilter is null || !Supported.Contains(subFilter, StringComparer.Ordinal))
            return Fail(subFilter is null ? "the signature does not say its type (/SubFilter)" : $"unsupported signature type /{subFilter}");
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
        if (field.Contents is null || !TrimZeros(field.Contents).SequenceEqual(TrimZeros(signature)))
            return Fail("the signature value in the byte ranges' gap is not the one in the signature field's dictionary");
        if (!EndsAtRevision(pdf, c + d))
            return Fail("the signed part does not end where a revision of the document ends (%%EOF)");

        var ranges = new StreamRanges(pdf, [(a, b), (c, d)]);
        CmsResult result;
        if (field.IsDocumentTimestamp)
        {
            var stamp = cms.Timestamps.Verify(signature, oid => ranges.Digest(oid), evidence.Certificates, evidence.Crls);
            result = new CmsResult(stamp.Time is null ? stamp.Status : SignatureStatus.Valid, stamp.Authority, stamp.Time, stamp.Problem,
                stamp.Time is null ? null : "timestamp");
        }
        else
        {
            // The signed bytes are hashed as BouncyCastle reads them from the file, never copied.
            result = cms.Verify(signature, ranges, evidence, requireSigningCertificate: subFilter == Cades);
            if (result.Signer is not null) role = SignerRoles.Of(result.Signer);
        }

        var status = result.Status;
        var detail = result.Detail;
        IReadOnlyList<string>? later = null;
        if (!covers)
        {
            if (!revisions.TryGetValue(c + d, out var compared))
                revisions[c + d] = compared = Compare(document, c + d, permission);
            if (compared.Changes is null)
            {
                status = SignatureStatus.Invalid;
                detail = $"the revision this signature signed cannot be read ({compared.Why}), so what changed after it cannot be told";
            }
            else
            {
                later = compared.Changes.Select(ch => ch.ToString()).ToList();
                var forbidden = compared.Changes.Where(ch => !ch.Allowed).Select(ch => ch.What).ToList();
                if (forbidden.Count > 0 && status == SignatureStatus.Valid)
                {
                    status = SignatureStatus.Invalid;
                    detail = $"the document was changed after signing: {string.Join("; ", forbidden.Take(5))}";
                }
            }
        }
        var signingTime = result.SigningTime;
        var source = result.TimeSource;
        if (signingTime is null && ClaimedTime(field.ClaimedTime) is { } claimed)
        {
            signingTime = claimed;
            source = "claimed";
        }
        return new PdfSignatureDetail(status, result.Subject, result.Issuer, result.Serial, signingTime, subFilter, covers, detail, role,
            result.Signer is null ? null : new DateTimeOffset(result.Signer.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            result.Signer is null ? null : new DateTimeOffset(result.Signer.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            source, result.Revocation, field.Name, later);
    }

    private static (IReadOnlyList<RevisionChange>? Changes, string? Why) Compare(PdfSignatureDocument document, long end, int? permission)
    {
        try
        {
            using var revision = document.Revision(end, out var why);
            if (revision is null) return (null, why);
            return (new RevisionComparer(revision, document).Compare(permission), null);
        }
        catch (Exception ex) when (PdfSignatureDocument.IsPdfError(ex))
        {
            return (null, ex.Message);
        }
    }

    /// <summary>A revision ends with "%%EOF" and at most an end of line after it.</summary>
    private static bool EndsAtRevision(Stream pdf, long end)
    {
        var take = (int)Math.Min(16, end);
        var tail = new byte[take];
        pdf.Position = end - take;
        pdf.ReadExactly(tail);
        return tail.AsSpan().TrimEnd("\r\n \0"u8).EndsWith("%%EOF"u8);
    }

    private static ReadOnlySpan<byte> TrimZeros(byte[] value) => value.AsSpan().TrimEnd((byte)0);

    /// <summary>A PDF date "D:YYYYMMDDHHmmSSOHH'mm'" (ISO 32000-1 7.9.4); null when it is not one.</summary>
    internal static DateTimeOffset? ClaimedTime(string? text)
    {
        if (text is null) return null;
        var m = PdfDate().Match(text);
        if (!m.Success) return null;
        int Part(int group, int fallback) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        try
        {
            var offset = m.Groups[7].Value is "+" or "-"
                ? TimeSpan.FromMinutes((m.Groups[7].Value == "-" ? -1 : 1) * (Part(8, 0) * 60 + Part(9, 0)))
                : TimeSpan.Zero;
            return new DateTimeOffset(Part(1, 1), Part(2, 1), Part(3, 1), Part(4, 0), Part(5, 0), Part(6, 0), offset).ToUniversalTime();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex PdfDate();

    internal static SignatureStatus Worst(IEnumerable<SignatureStatus> statuses)
    {
        SignatureStatus[] order = [SignatureStatus.Invalid, SignatureStatus.Revoked, SignatureStatus.Untrusted, SignatureStatus.Unknown, SignatureStatus.Expired, SignatureStatus.SignerMismatch, SignatureStatus.Valid];
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
        /// <summary>The digest of the ranges under <paramref name="algorithm"/> (a document timestamp's imprint).</summary>
        public byte[] Digest(Org.BouncyCastle.Asn1.DerObjectIdentifier algorithm)
        {
            if (ContentDigests.Compute(algorithm, this) is { } computed) return computed;
            var digest = Org.BouncyCastle.Security.DigestUtilities.GetDigest(algorithm);
            using var sink = new Org.BouncyCastle.Crypto.IO.DigestSink(digest);
            Write(sink);
            return Org.BouncyCastle.Security.DigestUtilities.DoFinal(digest);
        }

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
