using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Signatures.Revocation;

/// <summary>Revocation status of one certificate, as reported ("good", "revoked", "unknown", "not-checked").</summary>
internal sealed record RevocationResult(string State, DateTime? RevokedOn, string? Detail)
{
    public const string Good = "good";
    public const string Revoked = "revoked";
    public const string Unknown = "unknown";
    public const string NotChecked = "not-checked";
}

/// <summary>
/// Looks a certificate up in the CRLs of its issuer: those of the trust folder, those the document carries (its
/// /DSS, the CMS's own CRL set and Adobe's revocation archive attribute), and, when the host provides a
/// <see cref="ICrlFetcher"/>, the list at the certificate's distribution point. A CRL counts only when it verifies
/// with the issuer's key, so where it came from does not matter. A list past its nextUpdate (plus the grace) is stale:
/// the status is unknown, never good.
/// </summary>
internal sealed class RevocationChecker(TrustStore trust, RevocationSettings settings, ICrlFetcher? fetcher)
{
    private static readonly X509CrlParser Parser = new();

    /// <param name="validAt">The time the certificate has to be unrevoked at: a trusted signing time, else now.</param>
    public RevocationResult Check(X509Certificate cert, X509Certificate issuer, IReadOnlyCollection<X509Crl> carried, DateTime validAt, DateTime now)
    {
        var lists = Verified(trust.Crls.Concat(carried), issuer).ToList();
        if (!lists.Any(c => Fresh(c, now)) && fetcher is not null) lists.AddRange(Verified(Fetch(cert), issuer));

        foreach (var crl in lists)
        {
            var entry = crl.GetRevokedCertificate(cert.SerialNumber);
            if (entry is not null && entry.RevocationDate.ToUniversalTime() <= validAt)
                return new RevocationResult(RevocationResult.Revoked, entry.RevocationDate.ToUniversalTime(),
                    $"certificate '{cert.SubjectDN}' (serial {cert.SerialNumber.ToString(16)}) revoked on {entry.RevocationDate:yyyy-MM-dd}");
        }
        if (lists.Count == 0)
            return settings.RequireRevocationData
                ? new RevocationResult(RevocationResult.Unknown, null, $"no revocation list from '{issuer.SubjectDN}' for certificate '{cert.SubjectDN}'")
                : new RevocationResult(RevocationResult.NotChecked, null, null);
        if (!lists.Any(c => Fresh(c, now)))
        {
            var newest = lists.MaxBy(c => c.NextUpdate ?? DateTime.MinValue)!;
            return new RevocationResult(RevocationResult.Unknown, null,
                $"the newest revocation list from '{issuer.SubjectDN}' expired on {newest.NextUpdate:yyyy-MM-dd HH:mm} UTC (nextUpdate); the status of '{cert.SubjectDN}' is unknown");
        }
        return new RevocationResult(RevocationResult.Good, null, null);
    }

    /// <summary>Issued at or before now and not past nextUpdate plus the grace. A CRL without nextUpdate never goes stale (RFC 5280 requires it, so such lists are rare).</summary>
    private bool Fresh(X509Crl crl, DateTime now) =>
        crl.ThisUpdate.ToUniversalTime() <= now && (crl.NextUpdate is not { } next || next.ToUniversalTime() + settings.CrlGrace >= now);

    private static IEnumerable<X509Crl> Verified(IEnumerable<X509Crl> crls, X509Certificate issuer)
    {
        foreach (var crl in crls)
        {
            if (!crl.IssuerDN.Equivalent(issuer.SubjectDN)) continue;
            // A CRL that does not verify with this issuer says nothing about it.
            if (IssuerSignatures.Check(crl, issuer, crl.Verify)) yield return crl;
        }
    }

    private IEnumerable<X509Crl> Fetch(X509Certificate cert)
    {
        foreach (var url in DistributionPoints(cert))
        {
            byte[]? bytes;
            try
            {
                bytes = fetcher!.Fetch(url, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
            {
                continue;
            }
            if (bytes is null) continue;
            X509Crl? crl;
            try
            {
                crl = Parser.ReadCrl(bytes);
            }
            catch (Exception ex) when (ChainValidator.IsVerifyError(ex) || ex is IOException or Org.BouncyCastle.Asn1.Asn1Exception)
            {
                continue;
            }
            if (crl is not null) yield return crl;
        }
    }

    /// <summary>The http(s) URIs of the certificate's CRL distribution points.</summary>
    internal static IEnumerable<Uri> DistributionPoints(X509Certificate cert)
    {
        CrlDistPoint? points;
        try
        {
            points = CrlDistPoint.GetInstance(cert.GetExtensionParsedValue(X509Extensions.CrlDistributionPoints));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException)
        {
            yield break;
        }
        if (points is null) yield break;
        foreach (var point in points.GetDistributionPoints())
        {
            if (point.DistributionPointName?.Name is not GeneralNames names) continue;
            foreach (var name in names.GetNames())
                if (name.TagNo == GeneralName.UniformResourceIdentifier
                    && Uri.TryCreate(name.Name.ToString(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                    yield return uri;
        }
    }
}
