using System.Collections;
using System.Text.RegularExpressions;

namespace GovGateway.Configuration;

/// <summary>
/// Turns the configuration binder's "Failed to convert configuration value 'Postgres' at 'Audit:Store' to type
/// 'GovGateway.Audit.AuditStoreKind'" into what an administrator can act on: the setting's full name, what it takes
/// and, for a choice, the nearest valid value (`Audit:Store: 'Postgres' is not a store; did you mean 'PostgreSQL'?`).
/// </summary>
internal static partial class SettingValueProblem
{
    /// <summary>What a duration setting takes, said the same way for a value that does not parse and for a bare number.</summary>
    internal const string NotADuration = "is not a duration: write hh:mm:ss (00:00:30) or d.hh:mm:ss (5.00:00:00).";

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<path>[^']*)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex FailedConversion();

    /// <summary>The plain-words problem, or null when <paramref name="ex"/> is not a value that failed to convert.</summary>
    public static string? Describe(string sectionName, InvalidOperationException ex)
    {
        var match = FailedConversion().Match(ex.Message);
        if (!match.Success)
            return null;
        var value = match.Groups["value"].Value;
        var path = match.Groups["path"].Value;
        // Sections bound from the root report 'Audit:Store'; those bound from their own section 'Listeners:Relay:Port'.
        var key = path.StartsWith(sectionName + ":", StringComparison.OrdinalIgnoreCase) ? path : $"{sectionName}:{path}";
        var type = FindType(match.Groups["type"].Value);
        return $"{key}: '{value}' {Expected(type, value)}";
    }

    private static string Expected(Type? type, string value)
    {
        if (type is null)
            return "does not parse.";
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            var near = NearestName.Of(value, names)
                ?? names.SingleOrDefault(n => value.Length > 0 && n.StartsWith(value, StringComparison.OrdinalIgnoreCase));
            var hint = near is null ? "" : $" Did you mean '{near}'?";
            return $"is not one of {string.Join(", ", names)}.{hint}";
        }
        if (type == typeof(bool))
            return "is not true or false.";
        if (type == typeof(TimeSpan))
            return NotADuration;
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong))
            return "is not a whole number.";
        if (type == typeof(double) || type == typeof(decimal) || type == typeof(float))
            return "is not a number.";
        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
            return "is one value where a list is expected: in appsettings.json write a JSON array ([\"10.0.0.10\"]); "
                + "on the command line or in the environment number the entries (--Key:0=..., Key__0=...).";
        return $"does not parse as {type.Name}.";
    }

    private static Type? FindType(string name) =>
        Type.GetType(name)
        ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);
}
