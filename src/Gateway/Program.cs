using System.CommandLine;

namespace GovGateway;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Mail gateway for Vietnamese state agencies' official documents");
        // Each area adds its verbs here; `run` is the default when no verb is given.
        return root.Parse(args).Invoke();
    }
}
