using GovGateway.Audit;
using GovGateway.Pipeline;
using GovGateway.Smtp;
using GovGateway.Tls;

namespace GovGateway.Metrics;

/// <summary>
/// What operators' tools read from one running gateway: its metrics (counting from the first connection) and, once it
/// has started, the policy's reload state and the readiness checks. One per running gateway.
/// </summary>
internal sealed class GatewayOperations : IDisposable
{
    private PolicyStatus? _policy;
    private ReadinessProbe? _readiness;

    public GatewayMetrics Metrics { get; } = new();

    /// <summary>The readiness checks; before the gateway has started, a probe that says so.</summary>
    public IReadOnlyList<string> ReadinessProblems() => _readiness?.Problems() ?? ["gateway: starting"];

    /// <summary>What /readyz adds below "ready": things to fix that do not stop mail.</summary>
    public IReadOnlyList<string> ReadinessWarnings() => _readiness?.Warnings() ?? [];

    /// <summary>The gateway has started: watch its policy, listeners, queue, audit log and certificate.</summary>
    /// <param name="archiveProblem">Why the document archive cannot store now (null when it can, or is off).</param>
    public void Started(PolicyHolder policies, SmtpServer smtp, Spool.Spool spool, IAuditLog? audit, CertificateWatcher? certificates, long minFreeBytes,
        Func<string?>? archiveProblem = null)
    {
        _policy = new PolicyStatus(policies);
        Metrics.AddListeners(smtp.BoundEndPoints.Keys);
        Metrics.Watch(spool, audit, certificates, _policy);
        _readiness = new ReadinessProbe(smtp, spool, audit, _policy, minFreeBytes, archiveProblem);
    }

    /// <summary>The probe /readyz runs (null until started); tests replace its free-space source.</summary>
    internal ReadinessProbe? Readiness => _readiness;

    public void Dispose() => _policy?.Dispose();
}
