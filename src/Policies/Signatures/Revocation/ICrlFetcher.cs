namespace GovGateway.Policies;

/// <summary>
/// Fetches a CRL from one of a certificate's distribution points (its CRL DP extension), for the hosts that allow
/// it: the policy library itself never touches the network. Implementations cache, bound time and size, and return
/// null when the list cannot be had; whatever they return is checked here like any other CRL (issuer, signature,
/// freshness), so a fetched list is never trusted for being fetched.
/// </summary>
public interface ICrlFetcher
{
    /// <summary>The DER or PEM bytes of the CRL at <paramref name="distributionPoint"/>, or null.</summary>
    byte[]? Fetch(Uri distributionPoint, CancellationToken ct);
}
