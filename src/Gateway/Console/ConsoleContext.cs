using GovGateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace GovGateway.WebConsole;

/// <summary>What the console's pages and extra endpoints read from the running gateway.</summary>
public sealed class ConsoleContext(GatewayRuntime runtime, ConsoleOptions options, IConfiguration configuration)
{
    /// <summary>The running gateway: audit log, spool, policy, listeners, certificate.</summary>
    public GatewayRuntime Runtime { get; } = runtime;
    public ConsoleOptions Options { get; } = options;
    /// <summary>The gateway's whole configuration, for endpoint groups with settings of their own.</summary>
    public IConfiguration Configuration { get; } = configuration;
}
