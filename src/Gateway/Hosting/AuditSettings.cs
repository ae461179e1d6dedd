using GovGateway.Audit;
using Microsoft.Extensions.Configuration;
using GovGateway.Configuration;

namespace GovGateway.Hosting;

/// <summary>
/// Reads the "Audit" section onto the audit library's <see cref="AuditOptions"/> the way every host options type is
/// read (<see cref="OptionsBinding"/>): the library knows its settings and their checks, not the configuration system.
/// </summary>
internal static class AuditSettings
{
    public static AuditOptions FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        var options = OptionsBinding.Bind(configuration, AuditOptions.SectionName, new AuditOptions());
        return validate ? OptionsBinding.Checked(options, options.Validate()) : options;
    }

    /// <summary>
    /// The settings and node name as `gateway run` reads them from --config, for a verb that opens the log itself because
    /// no gateway answers on the socket (audit verbs, an administrator's action): it must use the same store (a shared
    /// PostgreSQL store, not a new LiteDB file). Such a verb never purges.
    /// </summary>
    public static (AuditOptions Options, string Node) ForVerbs(GatewayPaths paths)
    {
        var configuration = GatewayConfiguration.Build(paths, []);
        var options = FromConfiguration(configuration);
        options.RetentionDays = 0;
        return (options, NodeOptions.FromConfiguration(configuration).EffectiveName);
    }
}
