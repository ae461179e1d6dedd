using GovGateway.Access.Auth;
using GovGateway.Access.Relay;
using GovGateway.Configuration;
using GovGateway.Policies.Domains;
using Microsoft.Extensions.Configuration;

namespace GovGateway.Access;

/// <summary>
/// Configuration section "Access": who may send where. Defaults follow the provincial e-mail rules
/// (12 failed logins lock an account; 250 external messages per 10 minutes).
/// </summary>
internal sealed class AccessOptions
{
    public const string SectionName = "Access";

    /// <summary>
    /// Domains the relay listener accepts mail for. An entry matches itself and every subdomain on
    /// whole labels ("gov.vn" matches "hatinh.gov.vn" but not "hatinh-gov.vn"); "*.x" matches only
    /// subdomains of x. Unicode and punycode forms are equivalent.
    /// </summary>
    public List<string> LocalDomains { get; set; } = ["gov.vn"];

    /// <summary>
    /// Extra sender addresses granted to a login, on top of its own address and the aliases stored
    /// with the user in the users file: login → addresses (e.g. a shared "vanthu@" mailbox).
    /// </summary>
    public Dictionary<string, List<string>> Aliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The agency's own domains (same matching as <see cref="LocalDomains"/>). Mail on the relay
    /// listener that claims one of them (MAIL FROM or header From/Sender) without login and from
    /// outside <see cref="InternalNetworks"/> is forged and refused. Empty: no such check.
    /// </summary>
    public List<string> OwnDomains { get; set; } = [];

    /// <summary>
    /// Networks (CIDR) the agency's own mail servers send from. Mail from them may claim an own
    /// domain without login, and their delivery failures are bounced. Default: loopback only.
    /// </summary>
    public List<string> InternalNetworks { get; set; } = ["127.0.0.0/8", "::1/128"];

    public AuthOptions Auth { get; set; } = new();

    public RecipientVerificationOptions RecipientVerification { get; set; } = new();

    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>
    /// Binds the "Access" section. A configured LocalDomains or InternalNetworks list replaces the default rather than
    /// being appended to it (the binder's behaviour for lists with an initial value), so an agency
    /// that lists only its own domains does not silently keep accepting all of gov.vn.
    /// </summary>
    public static AccessOptions FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = OptionsBinding.Section(configuration, SectionName);
        var options = new AccessOptions();
        if (section.GetSection(nameof(LocalDomains)).GetChildren().Any())
            options.LocalDomains = [];
        if (section.GetSection(nameof(InternalNetworks)).GetChildren().Any())
            options.InternalNetworks = [];
        OptionsBinding.Bind(section, SectionName, options);
        return validate ? OptionsBinding.Checked(options, options.Validate()) : options;
    }

    /// <summary>Every problem of these settings, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, list) in new[] { (nameof(LocalDomains), LocalDomains), (nameof(OwnDomains), OwnDomains) })
        {
            foreach (var entry in list.Where(e => !DomainMatcher.IsValidEntry(e)))
                problems.Add($"Access:{name}: '{entry}' is not a valid domain name (write it like 'gov.vn', 'hatinh.gov.vn' or '*.gov.vn').");
        }
        foreach (var network in InternalNetworks)
        {
            try
            {
                SenderOrigin.ParseNetwork(network);
            }
            catch (ArgumentException ex)
            {
                problems.Add(ex.Message);
            }
        }
        var backends = (Auth.Backend ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (backends.Length == 0 || backends.Any(b => !b.Equals("local", StringComparison.OrdinalIgnoreCase) && !b.Equals("upstream", StringComparison.OrdinalIgnoreCase)))
            problems.Add($"Access:Auth:Backend \"{Auth.Backend}\" is not \"local\", \"upstream\" or \"local,upstream\".");
        foreach (var (name, value) in new[] { ("LockoutThreshold", Auth.LockoutThreshold), ("IpLockoutThreshold", Auth.IpLockoutThreshold), ("AccountLockoutThreshold", Auth.AccountLockoutThreshold) })
        {
            if (value < 1) problems.Add($"Access:Auth:{name} must be at least 1 (is {value}).");
        }
        foreach (var (name, value) in new[] { ("Auth:LockoutWindow", Auth.LockoutWindow), ("Auth:LockoutDuration", Auth.LockoutDuration), ("Auth:UpstreamTimeout", Auth.UpstreamTimeout), ("RateLimits:Window", RateLimits.Window), ("RecipientVerification:Timeout", RecipientVerification.Timeout) })
        {
            if (value <= TimeSpan.Zero) problems.Add($"Access:{name} must be positive (is {value}).");
        }
        foreach (var (name, value) in new[] { ("MessagesPerUser", RateLimits.MessagesPerUser), ("RecipientsPerUser", RateLimits.RecipientsPerUser), ("MessagesPerIp", RateLimits.MessagesPerIp), ("RecipientsPerIp", RateLimits.RecipientsPerIp) })
        {
            if (value < 0) problems.Add($"Access:RateLimits:{name} must be 0 (no limit) or more (is {value}).");
        }
        return problems;
    }
}

/// <summary>Configuration section "Access:Auth".</summary>
internal sealed class AuthOptions
{
    /// <summary>"local", "upstream", or a comma-separated order such as "local,upstream".</summary>
    public string Backend { get; set; } = "local";

    /// <summary>The local users file; a relative path is resolved against the data folder.</summary>
    public string UsersFile { get; set; } = "users.json";

    /// <summary>
    /// Failed logins for one user from one client address (IPv6: one /64) within <see cref="LockoutWindow"/>
    /// that lock the user from that address.
    /// </summary>
    public int LockoutThreshold { get; set; } = 12;

    /// <summary>
    /// Failed logins for one user from all addresses together within <see cref="LockoutWindow"/> that
    /// lock the user from every address it has not logged in from within <see cref="TrustedAddressMemory"/>.
    /// Slower than <see cref="LockoutThreshold"/>: it stops guessing spread over many addresses, while
    /// the official keeps working from the office.
    /// </summary>
    public int AccountLockoutThreshold { get; set; } = 50;

    /// <summary>How long a successful login from an address exempts that address from the account-wide lock.</summary>
    public TimeSpan TrustedAddressMemory { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Failed logins from one client address within <see cref="LockoutWindow"/> that lock the address.
    /// Higher than the per-user figure because a whole office often sits behind one NAT address.
    /// </summary>
    public int IpLockoutThreshold { get; set; } = 30;

    public TimeSpan LockoutWindow { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a successful upstream login is remembered (as a keyed hash, in memory only).</summary>
    public TimeSpan UpstreamCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Connect + AUTH time limit for the upstream pass-through.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// Configuration section "Access:RateLimits". Counts are per sliding <see cref="Window"/>;
/// 0 means no limit.
/// </summary>
internal sealed class RateLimitOptions
{
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    public int MessagesPerUser { get; set; } = 250;

    public int RecipientsPerUser { get; set; } = 1000;

    /// <summary>Per client address; a NAT address carries many staff, hence higher than per user.</summary>
    public int MessagesPerIp { get; set; } = 1000;

    public int RecipientsPerIp { get; set; } = 4000;
}
