using System.CommandLine;
using GovGateway.Configuration;

namespace GovGateway.Cli;

/// <summary>The --config and --data options every verb takes, with the same defaults as `gateway run`.</summary>
internal static class CommonOptions
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
    /// <param name="dataMustExist">
    /// For verbs that read the data folder: a --data that does not exist is a usage error (exit 2), not "0 messages".
    /// </param>
    public static Func<ParseResult, GatewayPaths> AddTo(Command command, bool dataMustExist = false)
    {
        var config = Config();
        var data = Data();
        command.Options.Add(config);
        command.Options.Add(data);
        if (dataMustExist)
            command.Validators.Add(result =>
            {
                var dir = Path.GetFullPath(result.GetValue(data)!);
                if (!Directory.Exists(dir))
                    result.AddError($"--data: no data folder at {dir}; give the gateway's data folder (the one `gateway run --data` uses).");
            });
        return r => new GatewayPaths(
            Path.GetFullPath(r.GetValue(config)!),
            Path.GetFullPath(r.GetValue(data)!));
    }
}
