namespace GovGateway.Policies;

/// <summary>A problem in a policy or trust file, with the position where it was found (1-based).</summary>
public sealed record PolicyError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>Outcome of <see cref="PolicyLoader.Load"/>: a policy, or the errors that prevented it.</summary>
public sealed record PolicyLoadResult(Policy? Policy, IReadOnlyList<PolicyError> Errors)
{
    public bool Success => Policy is not null && Errors.Count == 0;
}
