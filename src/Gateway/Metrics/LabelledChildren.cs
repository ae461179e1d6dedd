using System.Collections.Concurrent;

namespace GovGateway.Metrics;

/// <summary>
/// A metric's children by label values, looked up without allocating once a combination has been seen: prometheus-net's
/// <c>WithLabels(params string[])</c> builds an array per call, and these counters move for every message.
/// </summary>
internal sealed class LabelledChildren<TChild>(Func<string[], TChild> create)
{
    private readonly ConcurrentDictionary<(string, string?), TChild> _children = new();

    public TChild Get(string label) =>
        _children.TryGetValue((label, null), out var child) ? child : _children.GetOrAdd((label, null), k => create([k.Item1]));

    public TChild Get(string first, string second) =>
        _children.TryGetValue((first, second), out var child) ? child : _children.GetOrAdd((first, second), k => create([k.Item1, k.Item2!]));
}

/// <summary>"pdf:valid", "smime:untrusted": made once per prefix and status, not per document.</summary>
internal static class SignatureNames
{
    private static readonly ConcurrentDictionary<(string, string), string> Names = new();

    public static string Get(string prefix, string status) =>
        Names.TryGetValue((prefix, status), out var name) ? name : Names.GetOrAdd((prefix, status), k => k.Item1 + k.Item2);
}
