using System.CommandLine;
using GovGateway.Cli;

namespace GovGateway;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Mail gateway for Vietnamese state agencies' official documents");
        // Each area adds its verbs here; `run` is the default when no verb is given.
        root.Subcommands.Add(PolicyCommands.Create());
        return root.Parse(args).Invoke();
    }
}
