using System.Globalization;
using GovGateway.Audit;
using Microsoft.Extensions.Configuration;
using GovGateway.AuditQueries.Output;

namespace GovGateway.WebConsole;

/// <summary>What the console's pages and extra endpoints read from the running gateway.</summary>
internal sealed class ConsoleContext
{
    public ConsoleContext(IRunningGateway runtime, ConsoleOptions options, IConfiguration configuration)
    {
        Runtime = runtime;
        Options = options;
        Configuration = configuration;
        Zone = DisplayZone.Parse(options.TimeZone, "Console:TimeZone");
        ZoneLabel = DisplayZone.Label(Zone);
    }

    /// <summary>The running gateway: audit log, spool, policy, listeners, certificate.</summary>
    public IRunningGateway Runtime { get; }
    public ConsoleOptions Options { get; }
    /// <summary>The gateway's whole configuration, for endpoint groups with settings of their own.</summary>
    public IConfiguration Configuration { get; }
    /// <summary>Console:TimeZone: where pages show times and how bare dates in searches are read.</summary>
    public TimeZoneInfo Zone { get; }
    public string ZoneLabel { get; }

    /// <summary>A UTC time as the agency reads it, e.g. "2026-12-02 15:04:05".</summary>
    public string Local(DateTime utc) => DisplayZone.ToLocal(utc, Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
