using System.Net;

namespace GovGateway.Access.Auth;

/// <summary>
/// Tries backends in the configured order (Access:Auth:Backend = "local", "upstream" or
/// "local,upstream"): the first success wins. When none succeeds, an unavailable backend makes the
/// answer a temporary failure (454) rather than "wrong password", so a user is not told their
/// password is wrong because the upstream server was down; it still counts towards lockouts when
/// another backend refused the password (see <see cref="AuthOutcome.RefusedByABackend"/>).
/// </summary>
internal sealed class CompositeAuthenticator : IAuthenticator
{
    private readonly IReadOnlyList<IAuthenticator> _backends;

    public CompositeAuthenticator(IEnumerable<IAuthenticator> backends)
    {
        _backends = backends?.ToList() ?? throw new ArgumentNullException(nameof(backends));
        if (_backends.Count == 0)
            throw new ArgumentException("At least one authentication backend is needed.", nameof(backends));
    }

    /// <summary>Builds the order from the Backend setting; a named backend that was not supplied is a configuration error.</summary>
    public static CompositeAuthenticator FromConfiguration(string backend, IAuthenticator? local, IAuthenticator? upstream)
    {
        var names = (backend ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
            throw new ArgumentException("Access:Auth:Backend is empty; use \"local\", \"upstream\" or \"local,upstream\".");
        var ordered = new List<IAuthenticator>();
        foreach (var name in names)
        {
            var chosen = name.ToLowerInvariant() switch
            {
                "local" => local ?? throw new ArgumentException("Access:Auth:Backend names \"local\" but no users file store was given."),
                "upstream" => upstream ?? throw new ArgumentException("Access:Auth:Backend names \"upstream\" but Delivery:Upstream is not configured."),
                _ => throw new ArgumentException($"Access:Auth:Backend \"{name}\" is unknown; use \"local\", \"upstream\" or \"local,upstream\"."),
            };
            if (!ordered.Contains(chosen))
                ordered.Add(chosen);
        }
        return new CompositeAuthenticator(ordered);
    }

    public async ValueTask<AuthOutcome> AuthenticateAsync(string user, string password, IPAddress client, CancellationToken ct)
    {
        AuthOutcome? unavailable = null;
        var refused = false;
        foreach (var backend in _backends)
        {
            var outcome = await backend.AuthenticateAsync(user, password, client, ct).ConfigureAwait(false);
            switch (outcome.Status)
            {
                case AuthStatus.Success:
                case AuthStatus.LockedOut:
                    return outcome;
                case AuthStatus.Unavailable:
                    unavailable ??= outcome;
                    break;
                case AuthStatus.Failed:
                    refused = true;
                    break;
            }
        }
        return unavailable is { } down ? down with { RefusedByABackend = refused } : AuthOutcome.Failed;
    }
}
