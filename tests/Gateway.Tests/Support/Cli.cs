namespace Gateway.Tests.Support;

internal static class Cli
{
    /// <summary>Runs a `gateway` verb in this process against the given folders.</summary>
    public static Task<int> RunAsync(GovGateway.Configuration.GatewayPaths paths, params string[] args)
    {
        var all = args.Concat(["--config", paths.ConfigDir, "--data", paths.DataDir]).ToArray();
        return GovGateway.Cli.CommandLine.InvokeAsync(all);
    }
}
