using Org.BouncyCastle.Asn1.X509;
using GovGateway.Policies.Signatures.Revocation;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Signatures;

/// <summary>Outcome of validating a signer certificate; <paramref name="Revocation"/> as <see cref="Revocation.RevocationResult"/> names it.</summary>
internal sealed record ChainResult(SignatureStatus Status, string? Detail, IReadOnlyList<X509Certificate> Chain, string? Revocation = null);

/// <summary>
/// Builds and checks the chain from a signer certificate to a trust anchor of the trust folder.
/// Certificates from the message can be intermediates but never anchors. Each certificate in the
/// chain must be valid at the time the signature has to be judged at (a trusted timestamp's time, else now),
/// and each below the anchor is looked up in its issuer's CRLs (<see cref="RevocationChecker"/>): every level.
/// </summary>
internal sealed class ChainValidator(TrustStore trust, RevocationChecker revocation)
{
    private const int MaxDepth = 8;

    public ChainValidator(TrustStore trust) : this(trust, new RevocationChecker(trust, RevocationSettings.Default, null)) { }

    /// <summary>The certificates met so far (the trust folder's from the start): signatures take theirs from here.</summary>
    public CertificateCache Certificates { get; } = new(trust.Anchors);

    public ChainResult Validate(X509Certificate signer, IReadOnlyCollection<X509Certificate> intermediates, DateTime now) =>
        Validate(signer, intermediates, [], now, now);

    /// <param name="validAt">When the signature was made, if a timestamp proves it; else <paramref name="now"/>.</param>
    public ChainResult Validate(X509Certificate signer, IReadOnlyCollection<X509Certificate> intermediates, IReadOnlyCollection<X509Crl> carriedCrls,
        DateTime validAt, DateTime now)
    {
        var chain = BuildChain(signer, intermediates);
        if (chain is null)
            return new ChainResult(SignatureStatus.Untrusted, $"no chain to a trusted root for issuer '{signer.IssuerDN}'", [signer]);

        // Revocation before expiry: a revoked certificate is the more important fact to report.
        RevocationResult? unknown = null;
        var state = RevocationResult.Good;
        for (var i = 0; i < chain.Count - 1; i++)
        {
            var result = revocation.Check(chain[i], chain[i + 1], carriedCrls, validAt, now);
            if (result.State == RevocationResult.Revoked)
                return new ChainResult(SignatureStatus.Revoked, result.Detail, chain, result.State);
            if (result.State == RevocationResult.Unknown) unknown ??= result;
            if (result.State == RevocationResult.NotChecked) state = RevocationResult.NotChecked;
        }
        foreach (var cert in chain)
        {
            if (validAt > cert.NotAfter.ToUniversalTime())
                return new ChainResult(SignatureStatus.Expired, $"certificate '{cert.SubjectDN}' expired on {cert.NotAfter:yyyy-MM-dd}", chain, unknown?.State ?? state);
            if (validAt < cert.NotBefore.ToUniversalTime())
                return new ChainResult(SignatureStatus.Expired, $"certificate '{cert.SubjectDN}' is not valid before {cert.NotBefore:yyyy-MM-dd}", chain, unknown?.State ?? state);
        }
        if (unknown is not null) return new ChainResult(SignatureStatus.Unknown, unknown.Detail, chain, unknown.State);
        return new ChainResult(SignatureStatus.Valid, null, chain, state);
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
        return IssuerSignatures.Check(cert, issuer, cert.Verify);
    }

    internal static bool IsVerifyError(Exception ex) =>
        ex is Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException
            or Org.BouncyCastle.Security.Certificates.CrlException or Org.BouncyCastle.Security.Certificates.CertificateException
            or InvalidOperationException or ArgumentException;

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
