using GovGateway.Cli;
using GovGateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace GovGateway.Audit;

/// <summary>
/// The audit settings and node name as `gateway run` would read them from --config, for a verb that opens the log itself
/// because no gateway answers on the socket: it must use the same store (a shared PostgreSQL store, not a new LiteDB file).
/// Such a verb never purges.
/// </summary>
internal static class AuditSettings
{
    public static (AuditOptions Options, string Node) Load(GatewayPaths paths)
    {
        var configuration = RunCommand.BuildConfiguration(paths, []);
        var options = configuration.GetSection(AuditOptions.SectionName).Get<AuditOptions>() ?? new AuditOptions();
        options.RetentionDays = 0;
        return (options, NodeOptions.FromConfiguration(configuration).EffectiveName);
    }
}
