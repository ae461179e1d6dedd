using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json;
using GovGateway.Access;
using NUnit.Framework;
using GovGateway.Access.Auth;
using GovGateway.Access.Identity;
using GovGateway.Cli.Users;

namespace Gateway.Tests.Access;

/// <summary>`gateway users ...` run in-process against a temporary data folder.</summary>
public class UsersCliTests
{
    private const string Password = "Mật khẩu rất dài 2026!";
    private static readonly IPAddress Client = IPAddress.Loopback;
    private string _root = "";
    private string DataDir => Path.Combine(_root, "data");
    private string ConfigDir => Path.Combine(_root, "config");
    private string UsersPath => Path.Combine(DataDir, "users.json");

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "access-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(ConfigDir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private (int Code, string Out, string Err) Gateway(string stdin, params string[] args)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(UsersCommands.Create(() => new StringReader(stdin), () => false));
        var output = new StringWriter();
        var error = new StringWriter();
        var all = args.Concat(["--config", ConfigDir, "--data", DataDir]).ToArray();
        var code = root.Parse(all).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Add_stores_a_salted_argon2id_hash_with_mode_600_and_no_plaintext()
    {
        var store = new LocalUserStore(UsersPath); // created first: must see users added later
        Assert.That((await store.AuthenticateAsync("nguyenvana@hatinh.gov.vn", Password, Client, default)).Status, Is.EqualTo(AuthStatus.Failed));

        var add = Gateway(Password + "\n", "users", "add", "nguyenvana@hatinh.gov.vn", "--password-stdin",
            "--alias", "vanthu@hatinh.gov.vn", "--alias", "vanthu@bộ.gov.vn");
        Assert.That(add.Code, Is.EqualTo(0), add.Err);
        Assert.That(add.Out, Does.Contain("Added nguyenvana@hatinh.gov.vn").And.Contain(UsersPath));

        var text = await File.ReadAllTextAsync(UsersPath);
        Assert.That(text, Does.Not.Contain(Password));
        Assert.That(text, Does.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Password))));
        using var json = JsonDocument.Parse(text);
        var entry = json.RootElement.GetProperty("users")[0];
        var hash = entry.GetProperty("password");
        Assert.Multiple(() =>
        {
            Assert.That(hash.GetProperty("algorithm").GetString(), Is.EqualTo("argon2id"));
            Assert.That(hash.GetProperty("memoryKiB").GetInt32(), Is.EqualTo(19 * 1024));
            Assert.That(hash.GetProperty("iterations").GetInt32(), Is.EqualTo(2));
            Assert.That(hash.GetProperty("parallelism").GetInt32(), Is.EqualTo(1));
            Assert.That(Convert.FromBase64String(hash.GetProperty("salt").GetString()!), Has.Length.EqualTo(16));
            Assert.That(Convert.FromBase64String(hash.GetProperty("hash").GetString()!), Has.Length.EqualTo(32));
            Assert.That(entry.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()),
                Is.EqualTo(new[] { "vanthu@hatinh.gov.vn", "vanthu@xn--b-8xm.gov.vn" }));
            if (!OperatingSystem.IsWindows())
                Assert.That(File.GetUnixFileMode(UsersPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(Directory.GetFiles(DataDir, "*.tmp"), Is.Empty, "no temp file left behind");
        });

        Assert.That((await store.AuthenticateAsync("nguyenvana@hatinh.gov.vn", Password, Client, default)).Status, Is.EqualTo(AuthStatus.Success));
        Assert.That((await store.AuthenticateAsync("NguyenVanA@HATINH.gov.vn", Password, Client, default)).Status, Is.EqualTo(AuthStatus.Success));
        Assert.That((await store.AuthenticateAsync("nguyenvana@hatinh.gov.vn", Password + "x", Client, default)).Status, Is.EqualTo(AuthStatus.Failed));
        Assert.That((await store.AuthenticateAsync("nguyenvana@hatinh.gov.vn", "", Client, default)).Status, Is.EqualTo(AuthStatus.Failed));
        Assert.That((await store.AuthenticateAsync("nobody@hatinh.gov.vn", Password, Client, default)).Status, Is.EqualTo(AuthStatus.Failed));
        // The same password typed as decomposed Unicode still matches.
        Assert.That((await store.AuthenticateAsync("nguyenvana@hatinh.gov.vn", Password.Normalize(NormalizationForm.FormD), Client, default)).Status,
            Is.EqualTo(AuthStatus.Success));

        var identity = new SenderIdentity(new AccessOptions(), store);
        Assert.That(identity.MayUse("nguyenvana@hatinh.gov.vn", "VanThu@bộ.gov.vn"), Is.True);
        Assert.That(identity.MayUse("nguyenvana@hatinh.gov.vn", "other@hatinh.gov.vn"), Is.False);
    }

    [Test]
    public async Task Passwd_remove_and_list_apply_to_a_running_store()
    {
        Assert.That(Gateway("first-pass\n", "users", "add", "a@hatinh.gov.vn", "--password-stdin").Code, Is.EqualTo(0));
        Assert.That(Gateway("", "users", "add", "b@hatinh.gov.vn", "--password", "b-password-1").Code, Is.EqualTo(0));
        var store = new LocalUserStore(UsersPath);
        Assert.That((await store.AuthenticateAsync("a@hatinh.gov.vn", "first-pass", Client, default)).IsSuccess, Is.True);

        var passwd = Gateway("second-pass\n", "users", "passwd", "A@hatinh.gov.vn", "--password-stdin");
        Assert.That(passwd.Code, Is.EqualTo(0), passwd.Err);
        Assert.That((await store.AuthenticateAsync("a@hatinh.gov.vn", "first-pass", Client, default)).Status, Is.EqualTo(AuthStatus.Failed));
        Assert.That((await store.AuthenticateAsync("a@hatinh.gov.vn", "second-pass", Client, default)).IsSuccess, Is.True);

        var list = Gateway("", "users", "list");
        Assert.That(list.Code, Is.EqualTo(0));
        Assert.That(list.Out, Does.Contain("2 user(s)").And.Contain("a@hatinh.gov.vn").And.Contain("b@hatinh.gov.vn").And.Contain("hash=argon2id"));
        Assert.That(list.Out, Does.Not.Contain("pass"));

        var aliases = Gateway("", "users", "aliases", "b@hatinh.gov.vn", "--alias", "vanthu@hatinh.gov.vn");
        Assert.That(aliases.Code, Is.EqualTo(0), aliases.Err);
        Assert.That(store.AliasesOf("B@hatinh.gov.vn"), Is.EqualTo(new[] { "vanthu@hatinh.gov.vn" }));

        var remove = Gateway("", "users", "remove", "b@hatinh.gov.vn");
        Assert.That(remove.Code, Is.EqualTo(0), remove.Err);
        Assert.That((await store.AuthenticateAsync("b@hatinh.gov.vn", "b-password-1", Client, default)).Status, Is.EqualTo(AuthStatus.Failed));
        Assert.That(Gateway("", "users", "list").Out, Does.Contain("1 user(s)").And.Not.Contain("b@hatinh.gov.vn"));
    }

    [Test]
    public void Mistakes_give_clear_errors_and_exit_code_1()
    {
        Assert.That(Gateway("pass-word-1\n", "users", "add", "a@hatinh.gov.vn", "--password-stdin").Code, Is.EqualTo(0));
        Assert.Multiple(() =>
        {
            var duplicate = Gateway("pass-word-1\n", "users", "add", "A@HATINH.GOV.VN", "--password-stdin");
            Assert.That((duplicate.Code, duplicate.Err), Is.EqualTo((1, "error: User 'A@HATINH.GOV.VN' already exists (use 'passwd' to change the password).\n")));

            var noPassword = Gateway("", "users", "add", "c@hatinh.gov.vn");
            Assert.That(noPassword.Code, Is.EqualTo(1));
            Assert.That(noPassword.Err, Does.Contain("--password-stdin"));

            var emptyStdin = Gateway("", "users", "passwd", "a@hatinh.gov.vn", "--password-stdin");
            Assert.That(emptyStdin.Code, Is.EqualTo(1));

            var both = Gateway("x\n", "users", "passwd", "a@hatinh.gov.vn", "--password-stdin", "--password", "y");
            Assert.That(both.Err, Does.Contain("either"));

            var badAlias = Gateway("pass-word-1\n", "users", "add", "d@hatinh.gov.vn", "--password-stdin", "--alias", "u%x@hatinh.gov.vn");
            Assert.That((badAlias.Code, badAlias.Err.Contains("not a valid address")), Is.EqualTo((1, true)));

            var missing = Gateway("", "users", "remove", "zz@hatinh.gov.vn");
            Assert.That((missing.Code, missing.Err.Contains("No user")), Is.EqualTo((1, true)));

            var plain = Gateway("", "users", "passwd", "a@hatinh.gov.vn", "--password", "visible-password");
            Assert.That((plain.Code, plain.Err.Contains("visible in the process list")), Is.EqualTo((0, true)));

            var nine = Gateway("mật-khẩu9\n", "users", "add", "e@hatinh.gov.vn", "--password-stdin");
            Assert.That(nine.Code, Is.EqualTo(2), "a password shorter than 10 characters is refused");
            Assert.That(nine.Err, Does.Contain("at least 10 characters (it has 9)"));
            var shortChange = Gateway("", "users", "passwd", "a@hatinh.gov.vn", "--password", "short");
            Assert.That(shortChange.Code, Is.EqualTo(2));
            Assert.That(Gateway("", "users", "list").Out, Does.Not.Contain("e@hatinh.gov.vn"), "nothing written");
        });
    }

    [Test]
    public async Task Users_file_path_comes_from_configuration()
    {
        var elsewhere = Path.Combine(_root, "secrets", "smtp-users.json");
        await File.WriteAllTextAsync(Path.Combine(ConfigDir, "appsettings.json"),
            JsonSerializer.Serialize(new { Access = new { Auth = new { UsersFile = elsewhere } } }));
        var add = Gateway("pass-word-1\n", "users", "add", "a@hatinh.gov.vn", "--password-stdin");
        Assert.That(add.Code, Is.EqualTo(0), add.Err);
        Assert.That(File.Exists(elsewhere), Is.True);
        Assert.That(File.Exists(UsersPath), Is.False);
        Assert.That(LocalUserStore.ResolvePath(new AuthOptions(), DataDir), Is.EqualTo(UsersPath));
    }

    [Test]
    public async Task A_broken_file_keeps_the_last_good_users_in_a_running_gateway()
    {
        Assert.That(Gateway("pass-word-1\n", "users", "add", "a@hatinh.gov.vn", "--password-stdin").Code, Is.EqualTo(0));
        var store = new LocalUserStore(UsersPath);
        Assert.That((await store.AuthenticateAsync("a@hatinh.gov.vn", "pass-word-1", Client, default)).IsSuccess, Is.True);

        await File.WriteAllTextAsync(UsersPath, "{ \"version\": 1, \"users\": [ { broken");
        Assert.That((await store.AuthenticateAsync("a@hatinh.gov.vn", "pass-word-1", Client, default)).IsSuccess, Is.True);

        var list = Gateway("", "users", "list");
        Assert.That(list.Code, Is.EqualTo(1));
        Assert.That(list.Err, Does.Contain("not valid JSON"));
    }

    [Test]
    public async Task Parallel_adds_from_two_stores_do_not_lose_users()
    {
        var path = UsersPath;
        var fast = (Func<string, PasswordHash>)(p => PasswordHash.CreatePbkdf2(p, iterations: 1000));
        var one = new LocalUserStore(path, hasher: fast);
        var two = new LocalUserStore(path, hasher: fast);
        await Task.WhenAll(
            Task.Run(() => { for (var i = 0; i < 10; i++) one.Add($"one{i}@hatinh.gov.vn", "p"); }),
            Task.Run(() => { for (var i = 0; i < 10; i++) two.Add($"two{i}@hatinh.gov.vn", "p"); }));
        Assert.That(new LocalUserStore(path).List(), Has.Count.EqualTo(20));
    }
}
