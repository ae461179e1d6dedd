using Microsoft.Extensions.Configuration;

namespace GovGateway.Configuration;

/// <summary>
/// The gateway's settings, later sources winning: appsettings.json, appsettings.{DOTNET_ENVIRONMENT}.json, environment
/// variables, then --Section:Key=value arguments. `gateway run` and the verbs that read settings build them here alike.
/// </summary>
internal static class GatewayConfiguration
{
    public static IConfiguration Build(GatewayPaths paths, string[] overrides)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(paths.ConfigDir, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(paths.ConfigDir, $"appsettings.{environment}.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(overrides)
            .Build();
    }
}
