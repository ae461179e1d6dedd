using GovGateway.Configuration;
using GovGateway.Archive;
using GovGateway.Policies;
using Microsoft.Extensions.Configuration;

namespace GovGateway.Archiving;

/// <summary>
/// Reads the "Archive" section onto the archive library's <see cref="ArchiveOptions"/> as every host options type is read
/// (<see cref="OptionsBinding"/>), adding what only the host knows: the class names of Archive:RetentionDaysByClass are
/// the policy's document classes, and a mistyped one is an error naming the nearest.
/// </summary>
internal static class ArchiveSettings
{
    public static ArchiveOptions FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        var options = OptionsBinding.Bind(configuration, ArchiveOptions.SectionName, new ArchiveOptions());
        return validate ? OptionsBinding.Checked(options, Validate(options)) : options;
    }

    /// <summary>The library's checks and the class names.</summary>
    public static IReadOnlyList<string> Validate(ArchiveOptions options)
    {
        var problems = options.Validate().ToList();
        var classes = WireNames.AllClasses.Select(c => c.ToWireName()).ToList();
        foreach (var name in options.RetentionDaysByClass.Keys)
        {
            if (classes.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            var near = NearestName.Of(name, classes);
            problems.Add($"Archive:RetentionDaysByClass:{name} is not a document class." + (near is null ? "" : $" Did you mean '{near}'?") +
                         $" Classes: {string.Join(", ", classes)}.");
        }
        return problems;
    }

    /// <summary>The settings as `gateway run` reads them from --config, for the archive verbs when no gateway answers.</summary>
    public static ArchiveOptions ForVerbs(GatewayPaths paths) => FromConfiguration(GatewayConfiguration.Build(paths, []));
}
