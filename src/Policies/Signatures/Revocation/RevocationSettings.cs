namespace GovGateway.Policies.Signatures.Revocation;

/// <summary>
/// How revocation is judged (policy.yaml <c>signatures:</c>). <paramref name="CrlGrace"/>: how long after its
/// nextUpdate a CRL still counts (a CA that publishes late should not stop all mail at once; zero by default, so a
/// stale list gives <see cref="SignatureStatus.Unknown"/>). <paramref name="RequireRevocationData"/>: whether a
/// certificate whose issuer has no CRL at all is <see cref="SignatureStatus.Unknown"/> (Circular 15/2025) or only
/// reported "not-checked" (agencies that run offline without the CA's lists).
/// </summary>
internal sealed record RevocationSettings(TimeSpan CrlGrace, bool RequireRevocationData)
{
    public static RevocationSettings Default { get; } = new(TimeSpan.Zero, false);
}
