using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Signatures;

/// <summary>Outcome of checking one CMS SignedData (S/MIME or PDF).</summary>
internal sealed record CmsResult(
    SignatureStatus Status,
    X509Certificate? Signer,
    DateTimeOffset? SigningTime,
    string? Detail)
{
    public string? Subject => Signer?.SubjectDN.ToString();
    public string? Issuer => Signer?.IssuerDN.ToString();
    public string? Serial => Signer?.SerialNumber.ToString(16).ToUpperInvariant();
}

/// <summary>
/// Verifies CMS SignedData with BouncyCastle: the signature over the content (tampering gives
/// <see cref="SignatureStatus.Invalid"/>), then the signer's chain, CRLs and validity via
/// <see cref="ChainValidator"/>. Every signer must pass; the first failure is reported.
/// </summary>
internal sealed class CmsVerifier(TrustStore trust, TimeProvider clock)
{
    private readonly ChainValidator _chains = new(trust);

    /// <summary>Verifies a signature; <paramref name="detachedContent"/> is null for encapsulated (opaque) data.</summary>
    public CmsResult Verify(byte[] signature, byte[]? detachedContent) =>
        Verify(signature, detachedContent is null ? null : (CmsTypedData)new CmsProcessableByteArray(detachedContent));

    /// <summary>
    /// Verifies a signature over detached content that BouncyCastle reads while hashing (a PDF's byte ranges, an S/MIME
    /// signed part), so the content is never held in memory; null for encapsulated (opaque) data.
    /// </summary>
    public CmsResult Verify(byte[] signature, CmsTypedData? detachedContent)
    {
        CmsSignedData signed;
        try
        {
            // Read exactly one ASN.1 object: PDF /Contents are zero-padded and may be BER (indefinite length).
            using var input = new Asn1InputStream(signature);
            var contentInfo = ContentInfo.GetInstance(input.ReadObject()
                ?? throw new CmsException("empty signature"));
            signed = detachedContent is null
                ? new CmsSignedData(contentInfo)
                : new CmsSignedData(detachedContent, contentInfo);
        }
        catch (Exception ex) when (IsCryptoError(ex))
        {
            return new CmsResult(SignatureStatus.Invalid, null, null, $"signature is not valid CMS: {ex.Message}");
        }
        return Verify(signed);
    }

    public CmsResult Verify(CmsSignedData signed)
    {
        try
        {
            return VerifySigners(signed);
        }
        catch (Exception ex) when (IsCryptoError(ex))
        {
            // BouncyCastle parses certificates, attributes and algorithm names lazily, so a crafted signature
            // fails here, not when it is read (found by fuzzing): it is not a valid signature, never an error of the message.
            return new CmsResult(SignatureStatus.Invalid, null, null, $"signature is not valid CMS: {ex.Message}");
        }
    }

    private CmsResult VerifySigners(CmsSignedData signed)
    {
        var certificates = signed.GetCertificates().EnumerateMatches(null).ToList();
        var signers = signed.GetSignerInfos().GetSigners().ToList();
        if (signers.Count == 0) return new CmsResult(SignatureStatus.Invalid, null, null, "the signature has no signer");

        CmsResult? first = null;
        foreach (var signer in signers)
        {
            var result = VerifySigner(signer, certificates);
            first ??= result;
            if (result.Status != SignatureStatus.Valid) return result;
        }
        return first!;
    }

    private CmsResult VerifySigner(SignerInformation signer, IReadOnlyCollection<X509Certificate> certificates)
    {
        var cert = certificates.FirstOrDefault(c => signer.SignerID.Match(c));
        var signingTime = SigningTime(signer);
        if (cert is null) return new CmsResult(SignatureStatus.Invalid, null, signingTime, "the signer's certificate is not included in the signature");
        try
        {
            // Verify against the key only: BouncyCastle's certificate overload also enforces validity at
            // the claimed signing time, which we report separately as "expired".
            if (!signer.Verify(cert.GetPublicKey()))
                return new CmsResult(SignatureStatus.Invalid, cert, signingTime, "the content does not match the signature (changed after signing)");
        }
        catch (Exception ex) when (IsCryptoError(ex))
        {
            return new CmsResult(SignatureStatus.Invalid, cert, signingTime, $"the content does not match the signature: {ex.Message}");
        }
        var chain = _chains.Validate(cert, certificates, clock.GetUtcNow().UtcDateTime);
        return new CmsResult(chain.Status, cert, signingTime, chain.Detail);
    }

    private static DateTimeOffset? SigningTime(SignerInformation signer)
    {
        var attribute = signer.SignedAttributes?[CmsAttributes.SigningTime];
        if (attribute is null || attribute.AttrValues.Count == 0) return null;
        try
        {
            return new DateTimeOffset(Time.GetInstance(attribute.AttrValues[0]).ToDateTime().ToUniversalTime(), TimeSpan.Zero);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsCryptoError(Exception ex) =>
        ex is CmsException or ArgumentException or InvalidOperationException or IOException or Asn1Exception
            or Org.BouncyCastle.Security.GeneralSecurityException or Org.BouncyCastle.Security.SecurityUtilityException
            or InvalidCastException or FormatException;
}
