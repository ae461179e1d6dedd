using System.CommandLine;

namespace GovGateway.Cli;

/// <summary>The --config and --data options every verb takes, with the same defaults as `gateway run`.</summary>
public static class CommonOptions
{
    public static Option<string> Config() => new("--config")
    {
        Description = "Configuration folder (appsettings.json, policy.yaml, trust/)",
        DefaultValueFactory = _ => "config",
    };

    public static Option<string> Data() => new("--data")
    {
        Description = "Data folder (spool, audit log, quarantine)",
        DefaultValueFactory = _ => "data",
    };

    /// <summary>Adds --config and --data to a command and returns a reader for them.</summary>
    public static Func<ParseResult, GatewayPaths> AddTo(Command command)
    {
        var config = Config();
        var data = Data();
        command.Options.Add(config);
        command.Options.Add(data);
        return r => new GatewayPaths(
            Path.GetFullPath(r.GetValue(config)!),
            Path.GetFullPath(r.GetValue(data)!));
    }
}
