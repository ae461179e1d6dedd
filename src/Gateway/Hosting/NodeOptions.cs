using Microsoft.Extensions.Configuration;

namespace GovGateway.Hosting;

/// <summary>
/// Who this gateway is among several side by side (section "Node"). The name goes into queue ids, log lines and
/// every audit record, so that records from several nodes in one shared store stay apart.
/// </summary>
public sealed class NodeOptions
{
    public const string SectionName = "Node";

    /// <summary>The node's name; empty means the host name. Letters, digits, '-', '_' and '.', at most 63 characters.</summary>
    public string Name { get; set; } = "";

    /// <summary>The name in force: <see cref="Name"/>, or the machine's host name when none is set.</summary>
    public string EffectiveName => string.IsNullOrWhiteSpace(Name) ? Environment.MachineName : Name.Trim();

    /// <summary>Binds the section; an unknown key or a value that does not parse is an error, never ignored.</summary>
    public static NodeOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new NodeOptions();
        configuration.GetSection(SectionName).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        options.Validate();
        return options;
    }

    internal void Validate()
    {
        var name = EffectiveName;
        if (name.Length > 63 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new ArgumentException($"Node:Name '{name}' must be 1 to 63 letters, digits, '-', '_' or '.'.", nameof(Name));
    }
}
