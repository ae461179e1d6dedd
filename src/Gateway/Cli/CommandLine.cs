using System.CommandLine;
using System.CommandLine.Help;
using GovGateway.Cli.Audit;
using GovGateway.Cli.Policies;
using GovGateway.Cli.Quarantine;
using GovGateway.Cli.Queue;
using GovGateway.Cli.Run;
using GovGateway.Cli.Users;
using GovGateway.Configuration;

namespace GovGateway.Cli;

/// <summary>
/// Parses and runs a `gateway` command line with the exit-status scheme every verb shares:
/// <see cref="Ok"/>, <see cref="Finding"/>, <see cref="Usage"/>. Anything the parser does not understand
/// (unknown verb, option or argument) is a usage error naming the nearest valid name, never ignored.
/// </summary>
internal static class CommandLine
{
    /// <summary>The command did what was asked and found nothing wrong.</summary>
    public const int Ok = 0;
    /// <summary>The command ran and found a problem: audit chain broken, policy invalid, a file it cannot write.</summary>
    public const int Finding = 1;
    /// <summary>The command line is wrong: unknown verb/option/value, missing file or folder, unknown id.</summary>
    public const int Usage = 2;

    // '@file' response-file expansion is off: `--sender @gmail.com` is a domain, not a file to read arguments from.
    private static readonly ParserConfiguration ParserSettings = new() { ResponseFileTokenReplacer = null };

    public static ParseResult Parse(string[] args) => CreateRoot().Parse(args, ParserSettings);

    /// <summary>Every verb, one folder each under Cli/.</summary>
    private static RootCommand CreateRoot()
    {
        // `gateway` with no verb runs the gateway, like `gateway run`.
        var root = RunCommand.Configure(new RootCommand("Mail gateway for Vietnamese state agencies' official documents"));
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(PolicyCommands.Create());
        root.Subcommands.Add(UsersCommands.Create());
        root.Subcommands.Add(QueueCommands.Create());
        root.Subcommands.Add(QuarantineCommands.Create());
        root.Subcommands.Add(AuditCommands.Create());
        root.Subcommands.Add(Archive.ArchiveCommands.Create());
        return root;
    }

    public static int Invoke(string[] args) => InvokeAsync(args).GetAwaiter().GetResult();

    public static Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        var result = Parse(args);
        configuration ??= new InvocationConfiguration();
        if (IsRun(result.CommandResult.Command))
        {
            // The host handles SIGTERM/Ctrl-C itself (stop accepting, finish transactions, exit 0). System.CommandLine's
            // own handler would end the process 2 s later with 143, in the middle of those transactions.
            configuration.ProcessTerminationTimeout = null;
        }
        if (result.Action is not HelpAction && Problems(result) is { Count: > 0 } problems)
        {
            foreach (var problem in problems) configuration.Error.WriteLine("error: " + problem);
            configuration.Error.WriteLine($"See '{CommandPath(result.CommandResult.Command)} --help'.");
            return Task.FromResult(Usage);
        }
        return result.InvokeAsync(configuration);
    }

    /// <summary>`gateway` alone and `gateway run` take unknown --Section:Key=value tokens as settings.</summary>
    private static bool IsRun(Command command) => command is RootCommand || command.Name == "run";

    private static List<string> Problems(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var unmatched = result.UnmatchedTokens.ToList();
        string? firstUnknown = null;
        for (int i = 0; i < unmatched.Count && firstUnknown is null; i++)
        {
            if (IsRun(command) && IsSetting(unmatched[i]))
            {
                // --Section:Key value: the next token is the value.
                if (!unmatched[i].Contains('=') && i + 1 < unmatched.Count && !unmatched[i + 1].StartsWith("--", StringComparison.Ordinal)) i++;
                continue;
            }
            firstUnknown = unmatched[i];
        }
        // The parser's own errors, except those that only follow from an unknown token (its value, a verb it hid):
        // the first unknown token is what the user has to fix.
        var problems = result.Errors.Select(e => e.Message)
            .Where(m => firstUnknown is null || (!unmatched.Any(t => m.Contains($"'{t}'", StringComparison.Ordinal)) && !m.StartsWith("Required command", StringComparison.Ordinal)))
            .ToList();
        if (firstUnknown is not null) problems.Insert(0, Describe(command, firstUnknown));
        return problems;
    }

    /// <summary>A configuration setting given on the command line: --Section:Key=value or --Section:Key value.</summary>
    public static bool IsSetting(string token) => token.StartsWith("--", StringComparison.Ordinal) && token.Split('=', 2)[0].Contains(':');

    private static string Describe(Command command, string token)
    {
        if (token.StartsWith('-'))
        {
            var name = token.Split('=', 2)[0];
            var options = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).ToList();
            var hint = NearestName.Of(name, options) is { } near ? $" Did you mean '{near}'?" : "";
            var settings = IsRun(command) ? " Settings are given as --Section:Key=value, e.g. --Smtp:Listeners:Relay:Port=2525." : "";
            return $"unknown option '{name}' for '{CommandPath(command)}'.{hint}{settings}";
        }
        var verbs = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        if (verbs.Count > 0)
        {
            var hint = NearestName.Of(token, verbs) is { } near ? $" Did you mean '{near}'?" : "";
            return $"unknown command '{token}' for '{CommandPath(command)}'.{hint} Commands: {string.Join(", ", verbs)}.";
        }
        return $"unexpected argument '{token}' for '{CommandPath(command)}'.";
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is not null; s = s.Parents.FirstOrDefault())
            names.Insert(0, s is RootCommand ? "gateway" : s.Name);
        return string.Join(' ', names);
    }
}
