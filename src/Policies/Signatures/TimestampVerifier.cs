using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Signatures;

/// <summary>A verified RFC 3161 token's time, or why it does not count (<see cref="Problem"/> set, <see cref="Time"/> null).</summary>
internal sealed record TimestampResult(DateTimeOffset? Time, X509Certificate? Authority, SignatureStatus Status, string? Problem);

/// <summary>
/// Checks an RFC 3161 timestamp token: the TSA's signature over it and its ESS certificate binding (BouncyCastle's
/// <see cref="TimeStampToken.Validate"/>, which also requires the critical timeStamping extended key usage and the
/// certificate valid at the token's time), the TSA certificate's chain to a trust anchor of the trust folder with
/// revocation, and the imprint over what it stamps: the signature value for a signature timestamp, the signed byte
/// ranges for a document timestamp. Only a token that passes gives a trusted signing time.
/// </summary>
internal sealed class TimestampVerifier(ChainValidator chains, TimeProvider clock)
{
    /// <param name="imprintOf">The digest of the stamped data under the token's hash algorithm (its OID).</param>
    public TimestampResult Verify(byte[] token, Func<DerObjectIdentifier, byte[]> imprintOf,
        IReadOnlyCollection<X509Certificate> carriedCertificates, IReadOnlyCollection<X509Crl> carriedCrls)
    {
        TimeStampToken stamp;
        X509Certificate? tsa;
        try
        {
            // One ASN.1 object: a document timestamp's /Contents is zero-padded after the token.
            using var input = new Asn1InputStream(token);
            var contentInfo = Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(input.ReadObject() ?? throw new TspException("empty timestamp"));
            stamp = new TimeStampToken(new CmsSignedData(contentInfo));
            var certificates = chains.Certificates.Intern(stamp.GetCertificates().EnumerateMatches(null));
            tsa = certificates.FirstOrDefault(c => stamp.SignerID.Match(c));
            if (tsa is null) return Fail(null, "the timestamp does not include the TSA's certificate");
            stamp.Validate(tsa);
            var expected = imprintOf(stamp.TimeStampInfo.HashAlgorithm.Algorithm);
            if (!Org.BouncyCastle.Utilities.Arrays.FixedTimeEquals(expected, stamp.TimeStampInfo.GetMessageImprintDigest()))
                return Fail(tsa, "the timestamp is over other data than this signature (message imprint differs)");
            var time = new DateTimeOffset(stamp.TimeStampInfo.GenTime.ToUniversalTime(), TimeSpan.Zero);
            var now = clock.GetUtcNow().UtcDateTime;
            if (time.UtcDateTime > now.AddMinutes(5)) return Fail(tsa, $"the timestamp's time {time:u} is in the future");
            var chain = chains.Validate(tsa, [.. certificates, .. carriedCertificates], carriedCrls, now, now);
            if (chain.Status != SignatureStatus.Valid)
                return new TimestampResult(null, tsa, chain.Status, $"the timestamp authority '{tsa.SubjectDN}' is not trusted: {chain.Detail}");
            return new TimestampResult(time, tsa, SignatureStatus.Valid, null);
        }
        catch (Exception ex) when (ex is TspException or TspValidationException or CmsException or ArgumentException or InvalidOperationException
                                       or IOException or Asn1Exception or GeneralSecurityException or SecurityUtilityException or InvalidCastException)
        {
            return Fail(null, $"the timestamp is not a valid RFC 3161 token: {ex.Message}");
        }
    }

    private static TimestampResult Fail(X509Certificate? tsa, string why) => new(null, tsa, SignatureStatus.Invalid, why);
}
