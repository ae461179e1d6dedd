using GovGateway.Hosting;

namespace GovGateway.Metrics;

/// <summary>
/// What operators' tools read from one running gateway: its metrics (counting from the first connection) and, once it
/// has started, the policy's reload state and the readiness checks. One per <see cref="GatewayRuntime"/>.
/// </summary>
public sealed class GatewayOperations : IDisposable
{
    private PolicyStatus? _policy;
    private ReadinessProbe? _readiness;

    public GatewayMetrics Metrics { get; } = new();

    /// <summary>The readiness checks; before the gateway has started, a probe that says so.</summary>
    public IReadOnlyList<string> ReadinessProblems() => _readiness?.Problems() ?? ["gateway: starting"];

    /// <summary>What /readyz adds below "ready": things to fix that do not stop mail.</summary>
    public IReadOnlyList<string> ReadinessWarnings() => _readiness?.Warnings() ?? [];

    /// <summary>The gateway has started: watch its policy, queue, audit log and certificate.</summary>
    public void Started(GatewayRuntime runtime, long minFreeBytes)
    {
        _policy = new PolicyStatus(runtime.Policies);
        Metrics.AddListeners(runtime.EndPoints.Keys);
        Metrics.Watch(runtime, _policy);
        _readiness = ReadinessProbe.For(runtime, _policy, minFreeBytes);
    }

    /// <summary>The probe /readyz runs (null until started); tests replace its free-space source.</summary>
    internal ReadinessProbe? Readiness => _readiness;

    public void Dispose() => _policy?.Dispose();
}
