using Microsoft.Extensions.Configuration;

namespace GovGateway.Configuration;

/// <summary>
/// The one way the host's options types are read, so each has the same shape: a <c>SectionName</c>, a
/// <c>FromConfiguration</c> that binds here (a key no setting has, or a value that does not parse, is an error, never a
/// silent default) and then refuses what <c>Validate()</c> finds, and a <c>Validate()</c> that returns every problem
/// (<see cref="ConfigurationCheck"/> reports them all at start). Defaults live in the options types' initialisers only.
/// </summary>
internal static class OptionsBinding
{
    /// <summary>Binds the section <paramref name="sectionName"/> of <paramref name="configuration"/> (or the section itself) onto <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An unknown key or a value that does not parse; the message names it.</exception>
    public static T Bind<T>(IConfiguration configuration, string sectionName, T options) where T : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return BindKeys(Section(configuration, sectionName), sectionName, options);
    }

    /// <summary>Binds <paramref name="keys"/> themselves (a section, or a part of one) onto <paramref name="options"/>; <paramref name="sectionName"/> names them in errors.</summary>
    public static T BindKeys<T>(IConfiguration keys, string sectionName, T options) where T : class
    {
        try
        {
            keys.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException(SettingValueProblem.Describe(sectionName, ex) ?? $"{sectionName}: {ex.Message}", ex);
        }
        return options;
    }

    /// <summary>The section itself when <paramref name="configuration"/> is it (tests pass one), else the named child.</summary>
    public static IConfigurationSection Section(IConfiguration configuration, string sectionName) =>
        configuration is IConfigurationSection own && string.Equals(own.Key, sectionName, StringComparison.OrdinalIgnoreCase)
            ? own
            : configuration.GetSection(sectionName);

    /// <summary>Returns <paramref name="options"/>, or throws one <see cref="ArgumentException"/> listing every problem.</summary>
    public static T Checked<T>(T options, IReadOnlyList<string> problems) =>
        problems.Count == 0 ? options : throw new ArgumentException(string.Join(" ", problems));
}
