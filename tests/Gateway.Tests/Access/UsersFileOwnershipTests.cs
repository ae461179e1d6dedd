using System.Diagnostics;
using GovGateway.Access;
using GovGateway.FileSystem;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Gateway.Tests.Access;

/// <summary>
/// The README's deployment: the data folder belongs to the service account, an administrator runs `gateway users ...`
/// as root. The users file must stay readable by the service (here `nobody`), and a gateway that cannot read it says
/// so when it starts.
/// </summary>
[Platform(Exclude = "Win")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class UsersFileOwnershipTests
{
    private const uint Nobody = 65534;
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("users-owner-").FullName;
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Users_add_run_by_root_on_the_service_accounts_data_folder_leaves_the_file_to_that_account()
    {
        Assume.That(UnixOwner.IsRoot, "needs root, as an administrator would run it");
        var data = Path.Combine(_root, "data");
        Directory.CreateDirectory(data, PrivateFiles.DirectoryMode);
        UnixOwner.Set(data, (Nobody, Nobody)); // what `install -d -o gateway -m 0700 /var/lib/gateway` leaves

        var add = await RunGatewayAsync("Mật khẩu rất dài 2026\n", "users", "add", "vanthu@hatinh.gov.vn", "--password-stdin",
            "--config", Path.Combine(_root, "config"), "--data", data);
        Assert.That(add.ExitCode, Is.EqualTo(0), add.All);

        var users = Path.Combine(data, "users.json");
        Assert.Multiple(() =>
        {
            Assert.That(UnixOwner.Of(users), Is.EqualTo((Nobody, Nobody)), "users.json owner");
            Assert.That(UnixOwner.Of(users + ".lock"), Is.EqualTo((Nobody, Nobody)), "users.json.lock owner");
            Assert.That(File.GetUnixFileMode(users), Is.EqualTo(PrivateFiles.FileMode));
        });
        // The service account itself can read it (the running gateway re-reads it on the next login).
        var read = await ToolRunner.RunAsync("runuser", ["-u", "nobody", "--", "cat", users]);
        Assert.That(read.ExitCode, Is.EqualTo(0), read.All);
        Assert.That(read.StdOut, Does.Contain("vanthu@hatinh.gov.vn"));
    }

    [Test]
    public void A_users_file_the_gateway_cannot_read_is_reported_when_it_starts_not_at_the_first_login()
    {
        var data = Path.Combine(_root, "data");
        Directory.CreateDirectory(data);
        var users = Path.Combine(data, "users.json");
        File.WriteAllText(users, "{ \"version\": 1, \"users\": [ "); // cut short by a bad edit
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));

        AccessComponents.Create(new AccessOptions(), data, upstream: null, factory);

        Assert.That(logs.Lines, Has.Some.Contains(users).And.Some.Contains("unreadable"), string.Join("\n", logs.Lines));
    }

    private static async Task<ToolResult> RunGatewayAsync(string stdin, params string[] args) =>
        await GatewayBinary.RunAsync(args, stdin);

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private readonly List<string> _lines = [];
        public IReadOnlyList<string> Lines { get { lock (_lines) return _lines.ToList(); } }
        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose() { }

        private sealed class Logger(ListLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel)) return;
                lock (owner._lines) owner._lines.Add($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
