using MimeKit;
using MimeKit.Cryptography;

namespace GovGateway.Policies.Signatures;

/// <summary>
/// Checks the S/MIME signature of a message (multipart/signed, or application/pkcs7-mime
/// signed-data) with our own CMS verification, so trust comes only from the trust folder,
/// and compares the signer's address with the header From (MimeKit does not).
/// </summary>
internal sealed class SmimeVerifier(CmsVerifier cms)
{
    /// <summary>The report and the entity whose content should be analysed (the signed content when opaque).</summary>
    public (SmimeReport Report, MimeEntity? Content) Verify(MimeEntity? body, string? headerFrom)
    {
        switch (body)
        {
            case MultipartSigned signed when signed.Count == 2:
            {
                var signature = Decode(signed[1] as MimePart);
                if (signature is null)
                    return (new SmimeReport(SignatureStatus.Invalid, Detail: "multipart/signed without a signature part"), signed[0]);
                return (Report(cms.Verify(signature, new SignedEntity(signed[0])), headerFrom), signed[0]);
            }
            case ApplicationPkcs7Mime pkcs7 when pkcs7.SecureMimeType is SecureMimeType.SignedData or SecureMimeType.Unknown:
            {
                var data = Decode(pkcs7);
                if (data is null) return (new SmimeReport(SignatureStatus.Invalid, Detail: "empty signed-data part"), null);
                var result = cms.Verify(data, (byte[]?)null);
                MimeEntity? content = null;
                try
                {
                    var signedData = new Org.BouncyCastle.Cms.CmsSignedData(data);
                    if (signedData.SignedContent is { } signedContent)
                    {
                        var inner = new MemoryStream();
                        signedContent.Write(inner);
                        inner.Position = 0;
                        content = MimeEntity.Load(inner);
                    }
                }
                catch (Exception ex) when (ex is Org.BouncyCastle.Cms.CmsException or ArgumentException or FormatException or IOException or ParseException)
                {
                    content = null;
                }
                return (Report(result, headerFrom), content);
            }
            default:
                return (SmimeReport.NotSigned, body);
        }
    }

    private static SmimeReport Report(CmsResult result, string? headerFrom)
    {
        var addresses = result.Signer is null ? [] : ChainValidator.EmailAddresses(result.Signer);
        var status = result.Status;
        var detail = result.Detail;
        if (status == SignatureStatus.Valid && !addresses.Contains(headerFrom ?? string.Empty, StringComparer.OrdinalIgnoreCase))
        {
            status = SignatureStatus.SignerMismatch;
            detail = $"signed by {(addresses.Count == 0 ? "a certificate without an e-mail address" : string.Join(", ", addresses))}, but the message is From {headerFrom}";
        }
        return new SmimeReport(status, result.Subject, addresses.FirstOrDefault(), result.Issuer, result.Serial, detail);
    }

    private static byte[]? Decode(MimePart? part)
    {
        if (part?.Content is null) return null;
        using var stream = new MemoryStream();
        part.Content.DecodeTo(stream);
        return stream.Length == 0 ? null : stream.ToArray();
    }

    /// <summary>
    /// The signed part of a multipart/signed message as BouncyCastle hashes it: written straight into the digest (from
    /// the spool file when the message was parsed persistently), never copied to memory whole.
    /// </summary>
    private sealed class SignedEntity(MimeEntity entity) : Org.BouncyCastle.Cms.CmsTypedData
    {
        // The signature covers the first part's bytes as sent, with CRLF line ends.
        private static readonly FormatOptions Canonical = new() { NewLineFormat = NewLineFormat.Dos };

        public Org.BouncyCastle.Asn1.DerObjectIdentifier ContentType => Org.BouncyCastle.Asn1.Cms.CmsObjectIdentifiers.Data;

        public void Write(Stream output) => entity.WriteTo(Canonical, output);
    }
}
