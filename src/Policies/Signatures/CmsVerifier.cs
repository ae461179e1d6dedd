using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using PkcsObjectIdentifiers = Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Signatures;

/// <summary>
/// Outcome of checking one CMS SignedData (S/MIME or PDF). <see cref="SigningTime"/> is the timestamp's time when a
/// verified RFC 3161 token is attached (<see cref="TimeSource"/> "timestamp"), else the signer's claimed time ("claimed").
/// </summary>
internal sealed record CmsResult(
    SignatureStatus Status,
    X509Certificate? Signer,
    DateTimeOffset? SigningTime,
    string? Detail,
    string? TimeSource = null,
    string? Revocation = null)
{
    public string? Subject => Signer?.SubjectDN.ToString();
    public string? Issuer => Signer?.IssuerDN.ToString();
    public string? Serial => Signer?.SerialNumber.ToString(16).ToUpperInvariant();
}

/// <summary>Certificates and CRLs that travel with a signature outside its CMS: a PDF's /DSS.</summary>
internal sealed record CarriedEvidence(IReadOnlyCollection<X509Certificate> Certificates, IReadOnlyCollection<X509Crl> Crls)
{
    public static CarriedEvidence None { get; } = new([], []);
}

/// <summary>
/// Verifies CMS SignedData with BouncyCastle: the signature over the content (tampering gives
/// <see cref="SignatureStatus.Invalid"/>), the ESS signing-certificate(-v2) binding when present (required for
/// CAdES), the signature timestamp token when present (<see cref="TimestampVerifier"/>: its time becomes the time the
/// certificate must have been valid at), then the signer's chain, CRLs and validity via <see cref="ChainValidator"/>.
/// Every signer must pass; the first failure is reported.
/// </summary>
internal sealed class CmsVerifier
{
    private static readonly DerObjectIdentifier RevocationArchival = new("1.2.840.113583.1.1.8");

    private readonly ChainValidator _chains;
    private readonly TimestampVerifier _timestamps;
    private readonly TimeProvider _clock;

    public CmsVerifier(TrustStore trust, TimeProvider clock) : this(new ChainValidator(trust), clock) { }

    public CmsVerifier(ChainValidator chains, TimeProvider clock)
    {
        _chains = chains;
        _clock = clock;
        _timestamps = new TimestampVerifier(chains, clock);
    }

    public TimestampVerifier Timestamps => _timestamps;

    /// <summary>Verifies a signature; <paramref name="detachedContent"/> is null for encapsulated (opaque) data.</summary>
    public CmsResult Verify(byte[] signature, byte[]? detachedContent) =>
        Verify(signature, detachedContent is null ? null : (CmsTypedData)new CmsProcessableByteArray(detachedContent));

    /// <summary>
    /// Verifies a signature over detached content that BouncyCastle reads while hashing (a PDF's byte ranges, an S/MIME
    /// signed part), so the content is never held in memory; null for encapsulated (opaque) data.
    /// </summary>
    public CmsResult Verify(byte[] signature, CmsTypedData? detachedContent, CarriedEvidence? carried = null, bool requireSigningCertificate = false)
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
            // The usual signers get the content's digests from .NET, read once; BouncyCastle still compares them.
            if (detachedContent is not null && ContentDigests.Compute(signed.SignedData, detachedContent) is { } digests)
                signed = new CmsSignedData(digests, contentInfo);
        }
        catch (IOException ex)
        {
            return new CmsResult(SignatureStatus.Invalid, null, null, $"the signed content cannot be read: {ex.Message}");
        }
        catch (Exception ex) when (IsCryptoError(ex))
        {
            return new CmsResult(SignatureStatus.Invalid, null, null, $"signature is not valid CMS: {ex.Message}");
        }
        return Verify(signed, carried ?? CarriedEvidence.None, requireSigningCertificate);
    }

    public CmsResult Verify(CmsSignedData signed) => Verify(signed, CarriedEvidence.None, false);

    private CmsResult Verify(CmsSignedData signed, CarriedEvidence carried, bool requireSigningCertificate)
    {
        try
        {
            return VerifySigners(signed, carried, requireSigningCertificate);
        }
        catch (Exception ex) when (IsCryptoError(ex))
        {
            // BouncyCastle parses certificates, attributes and algorithm names lazily, so a crafted signature
            // fails here, not when it is read (found by fuzzing): it is not a valid signature, never an error of the message.
            return new CmsResult(SignatureStatus.Invalid, null, null, $"signature is not valid CMS: {ex.Message}");
        }
    }

    private CmsResult VerifySigners(CmsSignedData signed, CarriedEvidence carried, bool requireSigningCertificate)
    {
        var known = _chains.Certificates;
        var certificates = known.Intern(signed.GetCertificates().EnumerateMatches(null));
        var signers = signed.GetSignerInfos().GetSigners().ToList();
        if (signers.Count == 0) return new CmsResult(SignatureStatus.Invalid, null, null, "the signature has no signer");
        var crls = signed.GetCrls().EnumerateMatches(null).Concat(carried.Crls).ToList();

        CmsResult? first = null;
        foreach (var signer in signers)
        {
            var result = VerifySigner(signer, [.. certificates, .. known.Intern(carried.Certificates)], [.. crls, .. ArchivedCrls(signer)], requireSigningCertificate);
            first ??= result;
            if (result.Status != SignatureStatus.Valid) return result;
        }
        return first!;
    }

    private CmsResult VerifySigner(SignerInformation signer, IReadOnlyCollection<X509Certificate> certificates, IReadOnlyCollection<X509Crl> crls,
        bool requireSigningCertificate)
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
        if (SigningCertificateProblem(signer, cert, requireSigningCertificate) is { } problem)
            return new CmsResult(SignatureStatus.Invalid, cert, signingTime, problem);

        var now = _clock.GetUtcNow().UtcDateTime;
        var validAt = now;
        var source = signingTime is null ? null : "claimed";
        if (signer.UnsignedAttributes?[PkcsObjectIdentifiers.IdAASignatureTimeStampToken] is { } stampAttribute && stampAttribute.AttrValues.Count > 0)
        {
            var signatureValue = signer.GetSignature();
            var stamp = _timestamps.Verify(stampAttribute.AttrValues[0].ToAsn1Object().GetEncoded(Asn1Encodable.Der),
                oid => Org.BouncyCastle.Security.DigestUtilities.CalculateDigest(oid, signatureValue), certificates, crls);
            // A token that does not verify is a forged or damaged signature, not merely an untimed one.
            if (stamp.Time is not { } trusted)
                return new CmsResult(stamp.Status == SignatureStatus.Invalid ? SignatureStatus.Invalid : stamp.Status, cert, signingTime, stamp.Problem, source);
            signingTime = trusted;
            source = "timestamp";
            validAt = trusted.UtcDateTime;
        }
        var chain = _chains.Validate(cert, certificates, crls, validAt, now);
        var detail = chain.Detail;
        if (chain.Status == SignatureStatus.Valid && source == "timestamp" && now > cert.NotAfter.ToUniversalTime())
            detail = $"the certificate expired on {cert.NotAfter:yyyy-MM-dd}, after the timestamped signing time {validAt:yyyy-MM-dd HH:mm} UTC";
        return new CmsResult(chain.Status, cert, signingTime, detail, source, chain.Revocation);
    }

    /// <summary>
    /// The ESS signing-certificate(-v2) attribute binds the signature to one certificate, so a certificate with the same
    /// key but other contents cannot be substituted. CAdES (ETSI.CAdES.detached) requires it.
    /// </summary>
    private static string? SigningCertificateProblem(SignerInformation signer, X509Certificate cert, bool required)
    {
        var attributes = signer.SignedAttributes;
        if (attributes?[PkcsObjectIdentifiers.IdAASigningCertificateV2] is { AttrValues.Count: > 0 } v2)
        {
            var ids = Org.BouncyCastle.Asn1.Ess.SigningCertificateV2.GetInstance(v2.AttrValues[0]).GetCerts();
            if (ids.Length == 0) return "the signing-certificate-v2 attribute names no certificate";
            var algorithm = ids[0].HashAlgorithm?.Algorithm ?? Org.BouncyCastle.Asn1.Nist.NistObjectIdentifiers.IdSha256;
            var hash = Org.BouncyCastle.Security.DigestUtilities.CalculateDigest(algorithm, cert.GetEncoded());
            return Org.BouncyCastle.Utilities.Arrays.FixedTimeEquals(hash, ids[0].GetCertHash())
                ? null : "the signing-certificate-v2 attribute names another certificate than the one that signed";
        }
        if (attributes?[PkcsObjectIdentifiers.IdAASigningCertificate] is { AttrValues.Count: > 0 } v1)
        {
            var ids = Org.BouncyCastle.Asn1.Ess.SigningCertificate.GetInstance(v1.AttrValues[0]).GetCerts();
            if (ids.Length == 0) return "the signing-certificate attribute names no certificate";
            var hash = Org.BouncyCastle.Security.DigestUtilities.CalculateDigest("SHA-1", cert.GetEncoded());
            return Org.BouncyCastle.Utilities.Arrays.FixedTimeEquals(hash, ids[0].GetCertHash())
                ? null : "the signing-certificate attribute names another certificate than the one that signed";
        }
        return required ? "a CAdES signature must name its certificate (signing-certificate-v2 attribute); this one does not" : null;
    }

    /// <summary>CRLs in Adobe's revocation archive attribute (adbe-revocationInfoArchival), which PDF signers put in the CMS.</summary>
    private static IEnumerable<X509Crl> ArchivedCrls(SignerInformation signer)
    {
        if (signer.SignedAttributes?[RevocationArchival] is not { AttrValues.Count: > 0 } attribute) yield break;
        if (attribute.AttrValues[0] is not Asn1Sequence archive) yield break;
        foreach (var element in archive)
        {
            if (element is not Asn1TaggedObject { TagNo: 0 } tagged) continue;
            if (tagged.GetExplicitBaseObject() is not Asn1Sequence lists) continue;
            foreach (var list in lists)
                yield return new X509Crl(Org.BouncyCastle.Asn1.X509.CertificateList.GetInstance(list));
        }
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
