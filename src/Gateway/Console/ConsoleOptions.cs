using Microsoft.Extensions.Configuration;
using GovGateway.Configuration;

namespace GovGateway.WebConsole;

/// <summary>
/// The web console for auditors and administrators (section "Console"), served by `gateway run` over HTTPS with the
/// gateway's certificate. The namespace is WebConsole, not Console, so that `Console.Error` keeps meaning
/// System.Console everywhere under GovGateway.
/// </summary>
internal sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>Off for a gateway managed only from its shell.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The address the console listens on; loopback by default, so exposing it is a decision.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The HTTPS port; 0 picks a free one (tests).</summary>
    public int Port { get; set; } = 8443;

    /// <summary>The zone pages show times in and read bare dates in; the same forms as Audit:TimeZone.</summary>
    public string TimeZone { get; set; } = "+07:00";

    /// <summary>A session without a request for this long must sign in again.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends this long after sign-in, however busy.</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Rows per page of a search.</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>
    /// How old the dashboard's counts may be before a view counts again; 0 counts at every view. Counting 30 days of a
    /// busy log takes seconds of CPU (bench/RESULTS.md, "Web console"), so auditors refreshing it must not compete with mail.
    /// </summary>
    public TimeSpan DashboardMaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether /metrics asks for a signed-in session (scrapers usually cannot sign in).</summary>
    public bool MetricsRequireLogin { get; set; }

    /// <summary>Binds the section; an unknown key or a value that does not parse is an error, and so is what <see cref="Validate"/> finds.</summary>
    public static ConsoleOptions FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        var options = OptionsBinding.Bind(configuration, SectionName, new ConsoleOptions());
        return validate ? OptionsBinding.Checked(options, options.Validate()) : options;
    }

    /// <summary>Every problem of these settings, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!System.Net.IPAddress.TryParse(Address, out _))
            problems.Add($"Console:Address '{Address}' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface).");
        if (Port is < 0 or > 65535)
            problems.Add($"Console:Port must be between 1 and 65535 (0 picks a free port); is {Port}.");
        if (IdleTimeout <= TimeSpan.Zero || AbsoluteTimeout <= TimeSpan.Zero || IdleTimeout > AbsoluteTimeout)
            problems.Add($"Console:IdleTimeout ({IdleTimeout}) and Console:AbsoluteTimeout ({AbsoluteTimeout}) must be positive, the idle one no longer.");
        if (DashboardMaxAge < TimeSpan.Zero || DashboardMaxAge > TimeSpan.FromHours(1))
            problems.Add($"Console:DashboardMaxAge must be between 0 and 01:00:00; is {DashboardMaxAge}.");
        if (PageSize is < 1 or > 1000)
            problems.Add($"Console:PageSize must be between 1 and 1000; is {PageSize}.");
        return problems;
    }
}
