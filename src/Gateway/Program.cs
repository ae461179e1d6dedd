using System.CommandLine;
using GovGateway.Access;
using GovGateway.Audit;
using GovGateway.Cli;
using GovGateway.Spool;
using GovGateway.Hosting;
using GovGateway.Quarantine;

namespace GovGateway;

public static class Program
{
    public static int Main(string[] args)
    {
        GovGateway.Smtp.SocketCompletions.PreferInline();
        return CommandLine.Invoke(args);
    }

    public static RootCommand CreateRoot()
    {
        // `gateway` with no verb runs the gateway, like `gateway run`.
        var root = RunCommand.Configure(new RootCommand("Mail gateway for Vietnamese state agencies' official documents"));
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(PolicyCommands.Create());
        root.Subcommands.Add(UsersCommands.Create());
        root.Subcommands.Add(QueueCommands.Create());
        root.Subcommands.Add(QuarantineCommands.Create());
        root.Subcommands.Add(AuditCommands.Create());
        root.Subcommands.Add(Cli.Archive.ArchiveCommands.Create());
        return root;
    }
}
