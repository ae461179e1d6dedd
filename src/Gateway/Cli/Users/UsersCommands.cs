using System.CommandLine;
using System.Text;
using GovGateway.Access;
using GovGateway.Access.Auth;
using GovGateway.Cli;
using GovGateway.Configuration;
using Microsoft.Extensions.Configuration;

namespace GovGateway.Cli.Users;

/// <summary>`gateway users add|passwd|aliases|remove|list`: manage the local AUTH users file.</summary>
internal static class UsersCommands
{
    private const string FileHelp =
        "The users file is DATA/users.json (DATA = --data), or the path in Access:Auth:UsersFile of " +
        "CONFIG/appsettings.json (relative paths are under DATA). It holds Argon2id password hashes, " +
        "never passwords, is written atomically with mode 600, and a running gateway re-reads it when it changes.";

    /// <summary>Shortest password `users add` and `users passwd` accept, in characters.</summary>
    public const int MinPasswordLength = 10;

    public static Command Create() => Create(() => Console.In, () => !Console.IsInputRedirected);

    /// <summary>For tests: where --password-stdin reads, and whether a terminal prompt is possible.</summary>
    internal static Command Create(Func<TextReader> stdin, Func<bool> isTerminal)
    {
        var users = new Command("users", "Manage local users for SMTP AUTH (Access:Auth:Backend \"local\"). " + FileHelp);
        users.Subcommands.Add(Add(stdin, isTerminal));
        users.Subcommands.Add(Passwd(stdin, isTerminal));
        users.Subcommands.Add(Aliases());
        users.Subcommands.Add(Roles());
        users.Subcommands.Add(Remove());
        users.Subcommands.Add(List());
        return users;
    }

    private static Command Add(Func<TextReader> stdin, Func<bool> isTerminal)
    {
        var cmd = new Command("add", "Add a user (login name, usually the mailbox address). (file: see `gateway users --help`)");
        var name = NameArgument();
        var alias = AliasOption("Another sender address this user may use (repeatable)");
        var role = RoleOption();
        var password = PasswordOptions(cmd);
        cmd.Arguments.Add(name);
        cmd.Options.Add(alias);
        cmd.Options.Add(role);
        var paths = CommonOptions.AddTo(cmd);
        cmd.SetAction(r => Run(r, () =>
        {
            var store = Store(paths(r));
            var secret = password.Read(r, stdin, isTerminal);
            var user = store.Add(r.GetValue(name)!, secret, r.GetValue(alias) ?? [], r.GetValue(role) ?? []);
            r.InvocationConfiguration.Output.WriteLine($"Added {user.Name} ({string.Join(", ", user.Roles)}) to {store.Path}");
        }));
        return cmd;
    }

    private static Command Passwd(Func<TextReader> stdin, Func<bool> isTerminal)
    {
        var cmd = new Command("passwd", "Set a user's password. (file: see `gateway users --help`)");
        var name = NameArgument();
        var password = PasswordOptions(cmd);
        cmd.Arguments.Add(name);
        var paths = CommonOptions.AddTo(cmd);
        cmd.SetAction(r => Run(r, () =>
        {
            var store = Store(paths(r));
            var secret = password.Read(r, stdin, isTerminal);
            var user = store.SetPassword(r.GetValue(name)!, secret);
            r.InvocationConfiguration.Output.WriteLine($"Password changed for {user.Name}");
        }));
        return cmd;
    }

    private static Command Aliases()
    {
        var cmd = new Command("aliases", "Replace a user's aliases with the --alias addresses given (none clears them). (file: see `gateway users --help`)");
        var name = NameArgument();
        var alias = AliasOption("Sender address this user may use besides their own (repeatable)");
        cmd.Arguments.Add(name);
        cmd.Options.Add(alias);
        var paths = CommonOptions.AddTo(cmd);
        cmd.SetAction(r => Run(r, () =>
        {
            var user = Store(paths(r)).SetAliases(r.GetValue(name)!, r.GetValue(alias) ?? []);
            r.InvocationConfiguration.Output.WriteLine(
                $"Aliases of {user.Name}: {(user.Aliases.Count == 0 ? "(none)" : string.Join(", ", user.Aliases))}");
        }));
        return cmd;
    }

    private static Command Roles()
    {
        var cmd = new Command("roles", "Replace a user's roles with the --role values given (none: staff, mail only). (file: see `gateway users --help`)");
        var name = NameArgument();
        var role = RoleOption();
        cmd.Arguments.Add(name);
        cmd.Options.Add(role);
        var paths = CommonOptions.AddTo(cmd);
        cmd.SetAction(r => Run(r, () =>
        {
            var user = Store(paths(r)).SetRoles(r.GetValue(name)!, r.GetValue(role) ?? []);
            r.InvocationConfiguration.Output.WriteLine($"Roles of {user.Name}: {string.Join(", ", user.Roles)}");
        }));
        return cmd;
    }

    private static Option<string[]> RoleOption()
    {
        var option = new Option<string[]>("--role")
        {
            Description = "staff (mail only, the default), auditor (reads and exports the audit log in the console), admin (queue, quarantine, policy in the console); repeatable",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
        };
        // A mistyped role is a usage error naming the nearest one, before anything is read or written.
        option.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
                if (!UserRoles.All.Contains(value.Trim().ToLowerInvariant()))
                    result.AddError($"--role '{value}' is not a role; roles are {string.Join(", ", UserRoles.All)}." +
                                    (NearestName.Of(value, UserRoles.All) is { } near ? $" Did you mean '{near}'?" : ""));
        });
        return option;
    }

    private static Command Remove()
    {
        var cmd = new Command("remove", "Remove a user. (file: see `gateway users --help`)");
        var name = NameArgument();
        cmd.Arguments.Add(name);
        var paths = CommonOptions.AddTo(cmd);
        cmd.SetAction(r => Run(r, () =>
        {
            var store = Store(paths(r));
            store.Remove(r.GetValue(name)!);
            r.InvocationConfiguration.Output.WriteLine($"Removed {r.GetValue(name)} from {store.Path}");
        }));
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "List users, their aliases and how their password is hashed. (file: see `gateway users --help`)");
        var paths = CommonOptions.AddTo(cmd);
        cmd.SetAction(r => Run(r, () =>
        {
            var store = Store(paths(r));
            var output = r.InvocationConfiguration.Output;
            var list = store.List();
            output.WriteLine($"# {store.Path}: {list.Count} user(s)");
            foreach (var user in list)
            {
                var aliases = user.Aliases.Count == 0 ? "-" : string.Join(",", user.Aliases);
                output.WriteLine($"{user.Name}\troles={string.Join(",", user.Roles)}\taliases={aliases}\thash={user.Password.Algorithm}\tchanged={user.Changed.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
            }
        }));
        return cmd;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "Login name, e.g. nguyenvana@hatinh.gov.vn" };

    private static Option<string[]> AliasOption(string description) => new("--alias")
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static LocalUserStore Store(GatewayPaths paths)
    {
        var config = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(paths.ConfigDir, "appsettings.json"), optional: true, reloadOnChange: false)
            .Build();
        var options = new AuthOptions();
        if (config["Access:Auth:UsersFile"] is { Length: > 0 } configured)
            options.UsersFile = configured;
        return new LocalUserStore(LocalUserStore.ResolvePath(options, paths.DataDir));
    }

    private static int Run(ParseResult r, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (PasswordRefusedException ex)
        {
            r.InvocationConfiguration.Error.WriteLine($"error: {ex.Message}");
            return CommandLine.Usage;
        }
        catch (Exception ex) when (ex is UsersFileException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            r.InvocationConfiguration.Error.WriteLine($"error: {ex.Message}");
            return CommandLine.Finding;
        }
    }

    private static PasswordInput PasswordOptions(Command cmd)
    {
        var fromStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input" };
        var plain = new Option<string>("--password")
        {
            Description = "The password itself. Visible to other local users in `ps` and kept in shell history: prefer --password-stdin or the prompt",
        };
        cmd.Options.Add(fromStdin);
        cmd.Options.Add(plain);
        return new PasswordInput(fromStdin, plain);
    }

    /// <summary>A password the command refuses to store (too short): a usage error, nothing is written.</summary>
    private sealed class PasswordRefusedException(string message) : Exception(message);

    private sealed record PasswordInput(Option<bool> FromStdin, Option<string> Plain)
    {
        public string Read(ParseResult r, Func<TextReader> stdin, Func<bool> isTerminal)
        {
            var secret = ReadAny(r, stdin, isTerminal);
            // Counted in characters as people see them: "mật khẩu" is 8 whatever its normalization.
            var length = new System.Globalization.StringInfo(secret.Normalize(NormalizationForm.FormC)).LengthInTextElements;
            if (length < MinPasswordLength)
                throw new PasswordRefusedException(
                    $"Mật khẩu quá ngắn: cần ít nhất {MinPasswordLength} ký tự / The password is too short: at least {MinPasswordLength} characters (it has {length}).");
            return secret;
        }

        private string ReadAny(ParseResult r, Func<TextReader> stdin, Func<bool> isTerminal)
        {
            if (r.GetValue(Plain) is { } given)
            {
                if (r.GetValue(FromStdin))
                    throw new InvalidDataException("Give either --password or --password-stdin, not both.");
                r.InvocationConfiguration.Error.WriteLine("warning: --password is visible in the process list; prefer --password-stdin");
                return given;
            }
            if (r.GetValue(FromStdin))
            {
                var line = stdin().ReadLine();
                if (string.IsNullOrEmpty(line))
                    throw new InvalidDataException("No password on standard input.");
                return line;
            }
            if (!isTerminal())
                throw new InvalidDataException("No password given: use --password-stdin (or run in a terminal to be prompted).");
            var first = Prompt("Password: ");
            var second = Prompt("Password again: ");
            if (first != second)
                throw new InvalidDataException("The two passwords differ.");
            return first;
        }

        // Reads a line from the terminal without echoing it.
        private static string Prompt(string label)
        {
            Console.Error.Write(label);
            var sb = new StringBuilder();
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Enter)
                    break;
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (sb.Length > 0)
                        sb.Length--;
                    continue;
                }
                if (!char.IsControl(key.KeyChar))
                    sb.Append(key.KeyChar);
            }
            Console.Error.WriteLine();
            return sb.ToString();
        }
    }
}
