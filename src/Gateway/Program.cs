using System.CommandLine;
using GovGateway.Quarantine;
using GovGateway.Spool;

namespace GovGateway;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Mail gateway for Vietnamese state agencies' official documents");
        // Each area adds its verbs here; `run` is the default when no verb is given.
        root.Subcommands.Add(QueueCommands.Create());
        root.Subcommands.Add(QuarantineCommands.Create());
        return root.Parse(args).Invoke();
    }
}
