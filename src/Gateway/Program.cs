using GovGateway.Cli;

namespace GovGateway;

internal static class Program
{
    public static int Main(string[] args)
    {
        GovGateway.Smtp.SocketCompletions.PreferInline();
        return CommandLine.Invoke(args);
    }
}
