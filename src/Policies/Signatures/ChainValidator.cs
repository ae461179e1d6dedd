using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Signatures;

/// <summary>Outcome of validating a signer certificate.</summary>
internal sealed record ChainResult(SignatureStatus Status, string? Detail, IReadOnlyList<X509Certificate> Chain);

/// <summary>
/// Builds and checks the chain from a signer certificate to a trust anchor of the trust folder.
/// Certificates from the message can be intermediates but never anchors. Each certificate in the
/// chain must be within its validity period; each is checked against the CRLs held for its issuer
/// (offline: a CA without a CRL in the folder is not treated as a failure).
/// </summary>
internal sealed class ChainValidator(TrustStore trust)
{
    private const int MaxDepth = 8;

    public ChainResult Validate(X509Certificate signer, IReadOnlyCollection<X509Certificate> intermediates, DateTime now)
    {
        var chain = BuildChain(signer, intermediates);
        if (chain is null)
            return new ChainResult(SignatureStatus.Untrusted, $"no chain to a trusted root for issuer '{signer.IssuerDN}'", [signer]);

        // Revocation before expiry: a revoked certificate is the more important fact to report.
        for (var i = 0; i < chain.Count - 1; i++)
        {
            if (IsRevoked(chain[i], chain[i + 1], now) is { } when)
                return new ChainResult(SignatureStatus.Revoked, $"certificate '{chain[i].SubjectDN}' (serial {chain[i].SerialNumber.ToString(16)}) revoked on {when:yyyy-MM-dd}", chain);
        }
        foreach (var cert in chain)
        {
            if (now > cert.NotAfter.ToUniversalTime())
                return new ChainResult(SignatureStatus.Expired, $"certificate '{cert.SubjectDN}' expired on {cert.NotAfter:yyyy-MM-dd}", chain);
            if (now < cert.NotBefore.ToUniversalTime())
                return new ChainResult(SignatureStatus.Expired, $"certificate '{cert.SubjectDN}' is not valid before {cert.NotBefore:yyyy-MM-dd}", chain);
        }
        return new ChainResult(SignatureStatus.Valid, null, chain);
    }

    /// <summary>Signer first, anchor last; null when no path reaches an anchor.</summary>
    private List<X509Certificate>? BuildChain(X509Certificate signer, IReadOnlyCollection<X509Certificate> intermediates)
    {
        var chain = new List<X509Certificate> { signer };
        var current = signer;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            if (trust.Anchors.Any(a => a.Equals(current))) return chain;
            var anchor = trust.Anchors.FirstOrDefault(a => IssuedBy(current, a));
            if (anchor is not null)
            {
                chain.Add(anchor);
                return chain;
            }
            var next = intermediates.FirstOrDefault(c => !chain.Contains(c) && IsCa(c) && IssuedBy(current, c));
            if (next is null) return null;
            chain.Add(next);
            current = next;
        }
        return null;
    }

    private static bool IsCa(X509Certificate cert) => cert.GetBasicConstraints() >= 0;

    private static bool IssuedBy(X509Certificate cert, X509Certificate issuer)
    {
        if (!cert.IssuerDN.Equivalent(issuer.SubjectDN)) return false;
        try
        {
            cert.Verify(issuer.GetPublicKey());
            return true;
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException
                                     or Org.BouncyCastle.Security.Certificates.CertificateException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Revocation date when a CRL signed by the issuer lists the certificate, else null.</summary>
    private DateTime? IsRevoked(X509Certificate cert, X509Certificate issuer, DateTime now)
    {
        foreach (var crl in trust.Crls)
        {
            if (!crl.IssuerDN.Equivalent(issuer.SubjectDN)) continue;
            try
            {
                crl.Verify(issuer.GetPublicKey());
            }
            catch (Exception ex) when (ex is Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException
                                         or Org.BouncyCastle.Security.Certificates.CrlException or InvalidOperationException or ArgumentException)
            {
                continue; // a CRL that does not verify with this issuer says nothing about it
            }
            var entry = crl.GetRevokedCertificate(cert.SerialNumber);
            if (entry is not null && entry.RevocationDate.ToUniversalTime() <= now) return entry.RevocationDate;
        }
        return null;
    }

    /// <summary>E-mail addresses in the certificate: subjectAltName rfc822Name entries and the subject's E= attribute.</summary>
    public static IReadOnlyList<string> EmailAddresses(X509Certificate cert)
    {
        var result = new List<string>();
        var names = cert.GetSubjectAlternativeNameExtension();
        if (names is not null)
            foreach (var name in names.GetNames())
                if (name.TagNo == GeneralName.Rfc822Name) result.Add(name.Name.ToString()!);
        foreach (var value in cert.SubjectDN.GetValueList(X509Name.EmailAddress))
            result.Add(value);
        return result.Select(a => a.Trim()).Where(a => a.Contains('@')).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
