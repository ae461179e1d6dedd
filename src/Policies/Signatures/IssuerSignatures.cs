using System.Runtime.CompilerServices;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Signatures;

/// <summary>
/// Remembers that an issuer's key verified the signature on a certificate or CRL, for as long as both objects live. The
/// objects are immutable and the check is a pure function of them, so a remembered success is the same answer; with
/// <see cref="CertificateCache"/> the certificates of a chain (and the trust folder's CRLs) are the same objects from one
/// message to the next, and each chain step and CRL was an RSA verification in BouncyCastle's managed arithmetic again
/// for every signature. Failures are not remembered. Chains are still built, and validity, revocation and the signature
/// itself still judged, for every signature.
/// </summary>
internal static class IssuerSignatures
{
    // Keyed by the object itself: an entry goes when its certificate or CRL is collected.
    private static readonly ConditionalWeakTable<object, X509Certificate> Verified = new();

    /// <summary>Whether <paramref name="issuer"/>'s key verifies the signature on <paramref name="signed"/> (<paramref name="verify"/> throws when not, as BouncyCastle's Verify does).</summary>
    public static bool Check(object signed, X509Certificate issuer, Action<AsymmetricKeyParameter> verify)
    {
        if (Verified.TryGetValue(signed, out var known) && ReferenceEquals(known, issuer)) return true;
        try
        {
            verify(issuer.GetPublicKey());
        }
        catch (Exception ex) when (ChainValidator.IsVerifyError(ex))
        {
            return false;
        }
        Verified.AddOrUpdate(signed, issuer);
        return true;
    }
}
