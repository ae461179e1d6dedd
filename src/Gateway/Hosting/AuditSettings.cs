using GovGateway.Audit;
using Microsoft.Extensions.Configuration;

namespace GovGateway.Hosting;

/// <summary>
/// Reads the "Audit" section onto the audit library's <see cref="AuditOptions"/> the way every host options type is
/// read (<see cref="OptionsBinding"/>): the library knows its settings and their checks, not the configuration system.
/// </summary>
public static class AuditSettings
{
    public static AuditOptions FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        var options = OptionsBinding.Bind(configuration, AuditOptions.SectionName, new AuditOptions());
        return validate ? OptionsBinding.Checked(options, options.Validate()) : options;
    }
}
