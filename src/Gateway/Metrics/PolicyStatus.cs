using GovGateway.Pipeline;
using GovGateway.Policies;

namespace GovGateway.Metrics;

/// <summary>
/// Whether the policy files on disk are the policy in force: the holder keeps the last good policy when an edit has
/// errors, and this remembers those errors (for /readyz) until a good edit loads.
/// </summary>
internal sealed class PolicyStatus : IDisposable
{
    private readonly PolicyHolder _holder;
    private volatile IReadOnlyList<PolicyError> _errors = [];

    public PolicyStatus(PolicyHolder holder)
    {
        _holder = holder;
        holder.Reloaded += OnReloaded;
    }

    /// <summary>Raised after each reload attempt: true when the edit took effect.</summary>
    public event Action<bool>? Reloaded;

    /// <summary>The errors of the last reload, empty when the files on disk are in force.</summary>
    public IReadOnlyList<PolicyError> Errors => _errors;

    public Policy Current => _holder.Current;

    private void OnReloaded(IReadOnlyList<PolicyError> errors)
    {
        _errors = errors;
        Reloaded?.Invoke(errors.Count == 0);
    }

    public void Dispose() => _holder.Reloaded -= OnReloaded;
}
