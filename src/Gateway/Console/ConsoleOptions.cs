using Microsoft.Extensions.Configuration;

namespace GovGateway.WebConsole;

/// <summary>
/// The web console for auditors and administrators (section "Console"), served by `gateway run` over HTTPS with the
/// gateway's certificate. The namespace is WebConsole, not Console, so that `Console.Error` keeps meaning
/// System.Console everywhere under GovGateway.
/// </summary>
public sealed class ConsoleOptions
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

    /// <summary>Whether /metrics asks for a signed-in session (scrapers usually cannot sign in).</summary>
    public bool MetricsRequireLogin { get; set; }

    /// <summary>Binds the section; an unknown key or a value that does not parse is an error, never ignored.</summary>
    public static ConsoleOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new ConsoleOptions();
        configuration.GetSection(SectionName).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        options.Validate();
        return options;
    }

    internal void Validate()
    {
        if (!System.Net.IPAddress.TryParse(Address, out _))
            throw new ArgumentException($"Console:Address '{Address}' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface).", nameof(Address));
        if (Port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Console:Port must be between 1 and 65535 (0 picks a free port).");
        if (IdleTimeout <= TimeSpan.Zero || AbsoluteTimeout <= TimeSpan.Zero || IdleTimeout > AbsoluteTimeout)
            throw new ArgumentException($"Console:IdleTimeout ({IdleTimeout}) and Console:AbsoluteTimeout ({AbsoluteTimeout}) must be positive, the idle one no longer.", nameof(IdleTimeout));
        if (PageSize is < 1 or > 1000)
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "Console:PageSize must be between 1 and 1000.");
    }
}
