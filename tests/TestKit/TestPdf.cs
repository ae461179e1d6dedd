using System.Globalization;
using System.Text;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.Utilities.Collections;

namespace GovGateway.TestKit;

/// <summary>
/// Minimal valid PDF writer for fixtures: one page, each line a separate text line in a content
/// stream, a Type0/Identity-H font with a ToUnicode map so any Vietnamese text extracts exactly.
/// Optionally with a signature field whose /Contents is filled by a detached CMS over the byte ranges.
/// </summary>
public static class TestPdf
{
    private const int ContentsHexLength = 32768; // room for a CMS with a three-certificate chain

    public static byte[] Create(params string[] lines) => Build(lines, signatureField: false, out _, out _);

    /// <summary>A PDF signed by <paramref name="signer"/> (adbe.pkcs7.detached, or ETSI.CAdES.detached).</summary>
    /// <param name="paddingBytes">Size of an extra incompressible stream (like an embedded scan image) to reach realistic file sizes.</param>
    /// <param name="timestamp">Makes an RFC 3161 token over the signature value (see <see cref="OpensslTsa"/>); it becomes the signature-time-stamp attribute.</param>
    /// <param name="crls">CRLs to put into the CMS's own CRL set.</param>
    public static byte[] CreateSigned(Identity signer, string[] lines, string subFilter = "adbe.pkcs7.detached", IEnumerable<X509Certificate>? extraCertificates = null, int paddingBytes = 0,
        Func<byte[], byte[]>? timestamp = null, IEnumerable<X509Crl>? crls = null)
    {
        var pdf = Build(lines, signatureField: true, out var byteRangeOffset, out var contentsOffset, subFilter, paddingBytes);
        var a = 0;
        var b = contentsOffset;                          // up to '<'
        var c = contentsOffset + ContentsHexLength + 2;  // after '>'
        var d = pdf.Length - c;
        var range = $"[0 {b} {c} {d}]";
        var placeholder = Encoding.ASCII.GetString(pdf, byteRangeOffset, ByteRangePlaceholder.Length);
        if (!placeholder.StartsWith('[')) throw new InvalidOperationException("byte range placeholder not found");
        var patched = Encoding.ASCII.GetBytes(range.PadRight(ByteRangePlaceholder.Length - 1) + "]");
        Buffer.BlockCopy(patched, 0, pdf, byteRangeOffset, patched.Length);

        var signedBytes = new byte[b + d];
        Buffer.BlockCopy(pdf, a, signedBytes, 0, b);
        Buffer.BlockCopy(pdf, c, signedBytes, b, d);
        // A document timestamp (PAdES B-LTA) is the TSA's token over the byte ranges themselves.
        var cms = subFilter == "ETSI.RFC3161"
            ? (timestamp ?? throw new ArgumentException("a document timestamp needs a TSA", nameof(timestamp)))(signedBytes)
            : SignDetached(signer, signedBytes, extraCertificates, subFilter == "ETSI.CAdES.detached", timestamp, crls);
        var hex = Convert.ToHexString(cms);
        if (hex.Length > ContentsHexLength) throw new InvalidOperationException("signature too large for placeholder");
        var hexBytes = Encoding.ASCII.GetBytes(hex);
        Buffer.BlockCopy(hexBytes, 0, pdf, contentsOffset + 1, hexBytes.Length);
        return pdf;
    }

    /// <summary>
    /// Detached CMS SignedData with signed attributes (content type, digest, signing time) and the chain; for CAdES
    /// also signing-certificate-v2 (ESS, SHA-256 of the signer's certificate), as ETSI EN 319 122 requires.
    /// </summary>
    public static byte[] SignDetached(Identity signer, byte[] content, IEnumerable<X509Certificate>? extraCertificates = null, bool cades = false,
        Func<byte[], byte[]>? timestamp = null, IEnumerable<X509Crl>? crls = null)
    {
        var generator = new CmsSignedDataGenerator();
        if (cades)
        {
            var id = new Org.BouncyCastle.Asn1.Ess.EssCertIDv2(Org.BouncyCastle.Security.DigestUtilities.CalculateDigest("SHA-256", signer.Certificate.GetEncoded()));
            var attribute = new Org.BouncyCastle.Asn1.Cms.Attribute(Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.IdAASigningCertificateV2,
                new Org.BouncyCastle.Asn1.DerSet(new Org.BouncyCastle.Asn1.Ess.SigningCertificateV2(new[] { id })));
            var table = new Org.BouncyCastle.Asn1.Cms.AttributeTable(new Org.BouncyCastle.Asn1.Asn1EncodableVector(attribute));
            generator.AddSigner(signer.Key, signer.Certificate, CmsSignedGenerator.DigestSha256, table, null);
        }
        else
            generator.AddSigner(signer.Key, signer.Certificate, CmsSignedGenerator.DigestSha256);
        var certs = signer.Chain.Concat(extraCertificates ?? []).ToList();
        generator.AddCertificates(CollectionUtilities.CreateStore(certs));
        if (crls is not null) generator.AddCrls(CollectionUtilities.CreateStore(crls.ToList()));
        var signed = generator.Generate(new CmsProcessableByteArray(content), false);
        if (timestamp is not null) signed = AddTimestamp(signed, timestamp);
        return signed.GetEncoded();
    }

    /// <summary>Puts a timestamp token over each signer's signature value into its unsigned attributes (as CAdES-T and PAdES B-T do).</summary>
    public static CmsSignedData AddTimestamp(CmsSignedData signed, Func<byte[], byte[]> timestamp)
    {
        var signers = new List<SignerInformation>();
        foreach (var signer in signed.GetSignerInfos().GetSigners())
        {
            var token = Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(timestamp(signer.GetSignature()));
            var attribute = new Org.BouncyCastle.Asn1.Cms.Attribute(Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.IdAASignatureTimeStampToken,
                new Org.BouncyCastle.Asn1.DerSet(token));
            signers.Add(SignerInformation.ReplaceUnsignedAttributes(signer,
                new Org.BouncyCastle.Asn1.Cms.AttributeTable(new Org.BouncyCastle.Asn1.Asn1EncodableVector(attribute))));
        }
        return CmsSignedData.ReplaceSigners(signed, new SignerInformationStore(signers));
    }

    /// <summary>Appends an incremental update (a changed Info dictionary) after the signed file.</summary>
    public static byte[] AppendIncrementalUpdate(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var prevXref = int.Parse(text[(text.LastIndexOf("startxref", StringComparison.Ordinal) + 9)..].Trim().Split('\n')[0].Trim(), CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        var offset = pdf.Length + 1;
        sb.Append('\n');
        sb.Append("20 0 obj\n<< /Title (Da sua sau khi ky) >>\nendobj\n");
        var xref = offset + sb.Length - 1;
        sb.Append("xref\n0 1\n0000000000 65535 f \n20 1\n").Append(offset.ToString("D10", CultureInfo.InvariantCulture)).Append(" 00000 n \n");
        sb.Append($"trailer\n<< /Size 21 /Root 1 0 R /Info 20 0 R /Prev {prevXref} >>\nstartxref\n{xref}\n%%EOF\n");
        return [.. pdf, .. Encoding.Latin1.GetBytes(sb.ToString())];
    }

    // Wide enough for any long, so tests can write hostile byte ranges in place (see WithByteRange).
    private const string ByteRangePlaceholder = "[0 0000000000000000000 0000000000000000000 0000000000000000000]";

    /// <summary>Writes <paramref name="numbers"/> as the signature's /ByteRange, in place (the file's offsets stay right).</summary>
    public static byte[] WithByteRange(byte[] pdf, string numbers)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var at = text.IndexOf("/ByteRange [", StringComparison.Ordinal) + "/ByteRange ".Length;
        var end = at + ByteRangePlaceholder.Length - 1; // the placeholder's width: CreateSigned pads after its own ']'
        if (at < "/ByteRange ".Length || text[end] != ']') throw new ArgumentException("no signature byte range placeholder in this PDF", nameof(pdf));
        var replacement = ("[" + numbers).PadRight(end - at) + "]";
        if (replacement.Length != end - at + 1) throw new ArgumentException("byte range too long for the placeholder", nameof(numbers));
        var copy = (byte[])pdf.Clone();
        Encoding.Latin1.GetBytes(replacement).CopyTo(copy, at);
        return copy;
    }

    private static byte[] Build(string[] lines, bool signatureField, out int byteRangeOffset, out int contentsOffset, string subFilter = "adbe.pkcs7.detached", int paddingBytes = 0)
    {
        var normalized = lines.Select(l => l.Normalize(NormalizationForm.FormC)).ToArray();
        var content = new StringBuilder("BT\n/F1 12 Tf\n16 TL\n50 800 Td\n");
        foreach (var line in normalized)
        {
            content.Append('<');
            foreach (var ch in line) content.Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture));
            content.Append("> Tj\nT*\n");
        }
        content.Append("ET\n");

        var chars = normalized.SelectMany(l => l).Distinct().Order().ToList();
        var cmap = new StringBuilder();
        cmap.Append("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        foreach (var chunk in chars.Chunk(100))
        {
            cmap.Append(CultureInfo.InvariantCulture, $"{chunk.Length} beginbfchar\n");
            foreach (var ch in chunk) cmap.Append(CultureInfo.InvariantCulture, $"<{(int)ch:X4}> <{(int)ch:X4}>\n");
            cmap.Append("endbfchar\n");
        }
        cmap.Append("endcmap\nCMapName currentdict /CIDInit /ProcSet findresource exch defineresource pop\nend\nend\n");

        var objects = new List<string>
        {
            signatureField
                ? "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] /SigFlags 3 >> >>"
                : "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R" + (signatureField ? " /Annots [6 0 R]" : string.Empty) + " >>",
            "<< /Type /Font /Subtype /Type0 /BaseFont /TimesNewRoman /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>",
            Stream(content.ToString()),
            "<< /Type /Annot /Subtype /Widget /FT /Sig /Rect [0 0 0 0] /F 132 /T (Signature1) /V 10 0 R /P 3 0 R >>",
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TimesNewRoman /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 9 0 R /DW 500 /CIDToGIDMap /Identity >>",
            Stream(cmap.ToString()),
            "<< /Type /FontDescriptor /FontName /TimesNewRoman /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /" + subFilter + " /ByteRange " + ByteRangePlaceholder +
                " /Contents <" + new string('0', ContentsHexLength) + "> /M (D:" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "+00'00') /Reason (Ky so van ban) >>",
        };
        var count = signatureField ? objects.Count : 9;
        if (paddingBytes > 0)
        {
            // Hex-free binary payload; Latin-1 keeps bytes 1:1. Avoid "endstream" by construction (random high bytes).
            var random = new Random(42);
            var payload = new char[paddingBytes];
            for (var i = 0; i < payload.Length; i++) payload[i] = (char)random.Next(0x80, 0x100);
            while (objects.Count < 10) objects.Add("null");
            objects.Add($"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {paddingBytes} >>\nstream\n{new string(payload)}\nendstream");
            count = objects.Count;
        }

        var output = new MemoryStream();
        void Write(string s) => output.Write(Encoding.Latin1.GetBytes(s));
        Write("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<long>();
        byteRangeOffset = contentsOffset = -1;
        for (var i = 0; i < count; i++)
        {
            if (!signatureField && i is 5 or 9) { offsets.Add(-1); continue; }
            offsets.Add(output.Position);
            var header = $"{i + 1} 0 obj\n";
            if (i == 9)
            {
                var body = objects[i];
                var start = output.Position + Encoding.Latin1.GetByteCount(header);
                byteRangeOffset = (int)(start + body.IndexOf(ByteRangePlaceholder, StringComparison.Ordinal));
                contentsOffset = (int)(start + body.IndexOf("/Contents <", StringComparison.Ordinal) + "/Contents ".Length);
            }
            Write(header + objects[i] + "\nendobj\n");
        }
        var xref = output.Position;
        Write($"xref\n0 {count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
            Write(offset < 0 ? "0000000000 65535 f \n" : $"{offset:D10} 00000 n \n");
        Write($"trailer\n<< /Size {count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }

    private static string Stream(string data) => $"<< /Length {Encoding.Latin1.GetByteCount(data)} >>\nstream\n{data}\nendstream";
}
