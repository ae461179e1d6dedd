using Microsoft.Extensions.Configuration;
using GovGateway.Configuration;

namespace GovGateway.Revocation;

/// <summary>
/// Fetching CRLs from certificates' distribution points over HTTP (section "CrlFetch"). Off by default: many agencies
/// run offline and keep the CA's lists in the trust folder. When on, a list is fetched only for an issuer with no
/// fresh list in the trust folder or the document, cached until its nextUpdate, and a failed fetch is not retried
/// for <see cref="RetryAfter"/>, so an unreachable CA costs one timeout, not one per message.
/// </summary>
internal sealed class CrlFetchOptions
{
    public const string SectionName = "CrlFetch";

    public bool Enabled { get; set; }

    /// <summary>Longest wait for one list (it is fetched while a message is being judged, inside Evaluation:Timeout).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest list read; the government CA's lists are a few megabytes at most.</summary>
    public long MaxBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>How long a failed fetch (timeout, HTTP error, not a CRL) is remembered before the next try.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a list without nextUpdate, or whose nextUpdate has passed, is kept before it is fetched again.</summary>
    public TimeSpan MaxCacheAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Binds the section; an unknown key or a value that does not parse is an error, never ignored.</summary>
    public static CrlFetchOptions FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        var options = OptionsBinding.Bind(configuration, SectionName, new CrlFetchOptions());
        return validate ? OptionsBinding.Checked(options, options.Validate()) : options;
    }

    /// <summary>Every problem of these settings, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(1))
            problems.Add($"CrlFetch:Timeout must be more than 0 and at most 00:01:00, not {Timeout}.");
        if (MaxBytes <= 0)
            problems.Add($"CrlFetch:MaxBytes must be positive, not {MaxBytes}.");
        if (RetryAfter < TimeSpan.Zero)
            problems.Add($"CrlFetch:RetryAfter must not be negative, not {RetryAfter}.");
        if (MaxCacheAge < TimeSpan.Zero)
            problems.Add($"CrlFetch:MaxCacheAge must not be negative, not {MaxCacheAge}.");
        return problems;
    }
}
