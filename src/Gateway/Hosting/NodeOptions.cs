using Microsoft.Extensions.Configuration;
using GovGateway.Configuration;

namespace GovGateway.Hosting;

/// <summary>
/// Who this gateway is among several side by side (section "Node"). The name goes into queue ids, log lines and
/// every audit record, so that records from several nodes in one shared store stay apart.
/// </summary>
internal sealed class NodeOptions
{
    public const string SectionName = "Node";

    /// <summary>The node's name; empty means the host name. Letters, digits, '-', '_' and '.', at most 63 characters.</summary>
    public string Name { get; set; } = "";

    /// <summary>The name in force: <see cref="Name"/>, or the machine's host name when none is set.</summary>
    public string EffectiveName => string.IsNullOrWhiteSpace(Name) ? Environment.MachineName : Name.Trim();

    /// <summary>Binds the section; an unknown key or a value that does not parse is an error, never ignored.</summary>
    public static NodeOptions FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        var options = OptionsBinding.Bind(configuration, SectionName, new NodeOptions());
        return validate ? OptionsBinding.Checked(options, options.Validate()) : options;
    }

    /// <summary>Every problem of these settings, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var name = EffectiveName;
        if (name.Length > 63 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            return [$"Node:Name '{name}' must be 1 to 63 letters, digits, '-', '_' or '.'."];
        return [];
    }
}
