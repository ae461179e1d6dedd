using System.Collections;
using System.Reflection;
using GovGateway.Access;
using GovGateway.Audit;
using GovGateway.Configuration;
using GovGateway.Delivery;
using Microsoft.Extensions.Configuration;
using GovGateway.Listeners;
using GovGateway.Pipeline;
using GovGateway.Revocation;
using GovGateway.WebConsole;

namespace GovGateway.Hosting;

/// <summary>
/// Refuses what `gateway run` would otherwise ignore: a --config folder that does not exist or holds no configuration,
/// and keys inside the gateway's own sections that no setting has (the binder skips them, so a typo such as
/// Delivery:Upstream:Hots would silently leave the default). The known keys are read from the options types
/// themselves, so a setting added to them is known here at once.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>The gateway's own sections and the type each binds to. Logging belongs to .NET and is not checked.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [SmtpSettings.SectionName] = typeof(SmtpSettings),
        [DeliveryOptions.SectionName] = typeof(DeliveryOptions),
        [AccessOptions.SectionName] = typeof(AccessOptions),
        [AuditOptions.SectionName] = typeof(AuditOptions),
        [Pipeline.EvaluationOptions.SectionName] = typeof(Pipeline.EvaluationOptions),
        [NodeOptions.SectionName] = typeof(NodeOptions),
        [WebConsole.ConsoleOptions.SectionName] = typeof(WebConsole.ConsoleOptions),
        [Revocation.CrlFetchOptions.SectionName] = typeof(Revocation.CrlFetchOptions),
        [Archive.ArchiveOptions.SectionName] = typeof(Archive.ArchiveOptions),
    };

    /// <summary>Each section read as `gateway run` reads it, without refusing, then every problem its Validate() finds.</summary>
    private static readonly Func<IConfiguration, IReadOnlyList<string>>[] Validations =
    [
        c => SmtpSettings.FromConfiguration(c, validate: false).Validate(),
        c => DeliveryOptions.FromConfiguration(c, validate: false).Validate(),
        c => AccessOptions.FromConfiguration(c, validate: false).Validate(),
        c => AuditSettings.FromConfiguration(c, validate: false).Validate(),
        c => Pipeline.EvaluationOptions.FromConfiguration(c, validate: false).Validate(),
        c => NodeOptions.FromConfiguration(c, validate: false).Validate(),
        c => WebConsole.ConsoleOptions.FromConfiguration(c, validate: false).Validate(),
        c => Revocation.CrlFetchOptions.FromConfiguration(c, validate: false).Validate(),
        c => Archiving.ArchiveSettings.Validate(Archiving.ArchiveSettings.FromConfiguration(c, validate: false)),
    ];

    /// <summary>
    /// Everything wrong with the gateway's settings, one message each: unknown keys (naming the nearest known one),
    /// values that do not parse, and what each options type's Validate() refuses. Empty: `gateway run` may start.
    /// </summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = UnknownKeys(configuration).ToList();
        if (problems.Count > 0)
            return problems; // binding would only repeat them, less helpfully
        foreach (var validate in Validations)
        {
            try
            {
                problems.AddRange(validate(configuration));
            }
            catch (ArgumentException ex)
            {
                problems.Add(ex.Message);
            }
        }
        return problems;
    }

    /// <summary>Why <paramref name="configDir"/> cannot be the configuration folder, or null when it can.</summary>
    public static string? ConfigFolderProblem(string configDir)
    {
        if (!Directory.Exists(configDir))
            return $"--config: no configuration folder at {configDir}.";
        if (!File.Exists(Path.Combine(configDir, "appsettings.json")) && !File.Exists(Path.Combine(configDir, Policies.PolicyLoader.PolicyFileName)))
            return $"--config: {configDir} holds neither appsettings.json nor {Policies.PolicyLoader.PolicyFileName}; give the gateway's configuration folder.";
        return null;
    }

    /// <summary>One message per key that no setting has, naming the nearest known key.</summary>
    public static IReadOnlyList<string> UnknownKeys(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var (name, type) in Sections)
        {
            var section = configuration.GetSection(name);
            Walk(section, type, problems);
        }
        return problems;
    }

    private static void Walk(IConfigurationSection section, Type type, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum && section.Value is { Length: > 0 } value && !Enum.TryParse(type, value, ignoreCase: true, out _))
        {
            // The binder's own message names the .NET type, not what to write.
            var names = Enum.GetNames(type);
            var near = NearestName.Of(value, names);
            problems.Add($"'{value}' is not a value of '{section.Path}'." + (near is null ? "" : $" Did you mean '{near}'?") + $" Values: {string.Join(", ", names)}.");
            return;
        }
        if (type == typeof(TimeSpan) && section.Value is { Length: > 0 } span && !span.Contains(':'))
        {
            // TimeSpan reads a bare number as days: "ProxyHeaderTimeout=5" would wait five days.
            problems.Add($"{section.Path}: '{span}' {SettingValueProblem.NotADuration} A bare number would be read as days.");
            return;
        }
        if (IsScalar(type)) return;
        if (ElementType(type) is { } element)
        {
            // A list or a dictionary: any key (an index or a name) holds an element.
            foreach (var child in section.GetChildren()) Walk(child, element, problems);
            return;
        }
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite || !IsScalar(p.PropertyType)))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        // The Smtp section also holds the engine's own limits, bound onto the engine's options type.
        if (type == typeof(SmtpSettings))
            foreach (var (key, property) in SmtpSettings.EngineKeys) properties[key] = property;
        foreach (var child in section.GetChildren())
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                Walk(child, property.PropertyType, problems);
                continue;
            }
            var near = NearestName.Of(child.Key, properties.Keys);
            var parent = section.Path;
            problems.Add($"unknown setting '{child.Path}'." +
                         (near is null ? "" : $" Did you mean '{parent}:{near}'?") +
                         $" Settings of {parent}: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}.");
        }
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
               || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid)
               || type == typeof(System.Net.IPAddress) || type == typeof(object);
    }

    /// <summary>The element type of an array, list, set or dictionary; null for a settings class.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!typeof(IEnumerable).IsAssignableFrom(type)) return null;
        var dictionary = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)));
        if (dictionary is not null) return dictionary.GetGenericArguments()[1];
        var enumerable = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0] ?? typeof(object);
    }
}
