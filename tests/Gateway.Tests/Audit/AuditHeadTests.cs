using Gateway.Tests.Support;
using GovGateway.Audit;
using GovGateway.FileSystem;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

/// <summary>
/// The chain head is also kept in DATA/audit/head: an audit.db that was emptied, truncated, put back to an older
/// copy or overwritten fails `gateway audit verify` (exit 1) and the gateway's start, naming the file and what to do,
/// instead of silently starting a new chain or crashing.
/// </summary>
[TestFixture]
public class AuditHeadTests
{
    private static async Task SeedAsync(string data, string prefix, int count)
    {
        await using var log = await AuditLog.OpenAsync(data, AuditTestData.FastOptions());
        for (int i = 0; i < count; i++) await log.AppendAsync(AuditTestData.Accepted($"{prefix}{i}", AuditTestData.T0.AddSeconds(i)));
    }

    private static string Db(string data) => AuditLog.DatabasePath(data);

    private static async Task<ToolResult> VerifyProcessAsync(string data) =>
        await GatewayBinary.RunAsync("audit", "verify", "--config", RepoPaths.ShippedConfig, "--data", data);

    [Test]
    public async Task A_zero_byte_audit_db_fails_verify_and_opening_instead_of_starting_a_new_chain()
    {
        using var dir = new TempFolder();
        await SeedAsync(dir.Path, "Z", 5);
        Assert.That(File.ReadAllText(Path.Combine(dir.Path, "audit", "head")), Does.StartWith("5 "));
        File.WriteAllBytes(Db(dir.Path), []);
        File.Delete(Db(dir.Path).Replace("audit.db", "audit-log.db"));

        var ex = Assert.ThrowsAsync<AuditLogDamagedException>(async () => await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()));
        Assert.That(ex!.Message, Does.Contain(Db(dir.Path)).And.Contain("reached entry 5").And.Contain("Restore"));

        var verify = await VerifyProcessAsync(dir.Path);
        Assert.That(verify.ExitCode, Is.EqualTo(1), verify.All);
        Assert.That(verify.StdErr, Does.Contain("audit.db").And.Contain("wiped"));
    }

    [Test]
    public async Task An_audit_db_put_back_to_an_older_copy_fails_verify()
    {
        using var dir = new TempFolder();
        await SeedAsync(dir.Path, "A", 3);
        var copy = Path.Combine(dir.Path, "old-audit.db");
        File.Copy(Db(dir.Path), copy);
        await SeedAsync(dir.Path, "B", 4);
        File.Copy(copy, Db(dir.Path), overwrite: true);

        var verify = await VerifyProcessAsync(dir.Path);
        Assert.That(verify.ExitCode, Is.EqualTo(1), verify.All);
        Assert.That(verify.StdErr, Does.Contain("ends at entry 3").And.Contain("reached entry 7").And.Contain("older copy"));
    }

    [Test]
    public async Task An_overwritten_audit_db_is_reported_by_name_instead_of_an_unhandled_exception()
    {
        using var dir = new TempFolder();
        await SeedAsync(dir.Path, "O", 3);
        var garbage = new byte[64 * 1024];
        new Random(15).NextBytes(garbage);
        File.WriteAllBytes(Db(dir.Path), garbage);

        var ex = Assert.ThrowsAsync<AuditLogDamagedException>(async () => await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()));
        Assert.That(ex!.Message, Does.Contain(Db(dir.Path)).And.Contain("cannot be read"));
        var verify = await VerifyProcessAsync(dir.Path);
        Assert.That(verify.ExitCode, Is.EqualTo(1), verify.All);
    }

    [Test]
    public async Task After_a_crash_the_journal_takes_the_log_past_the_head_file_without_a_false_alarm()
    {
        using var dir = new TempFolder();
        await SeedAsync(dir.Path, "S", 2);
        var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        for (int i = 0; i < 5; i++) await log.AppendAsync(AuditTestData.Accepted($"C{i}", AuditTestData.T0.AddMinutes(i)));
        await log.FlushAsync(); // in LiteDB, not checkpointed: the head file still says 2
        await log.SimulateCrashAsync();
        Assert.That(File.ReadAllText(Path.Combine(dir.Path, "audit", "head")), Does.StartWith("2 "));

        await using var reopened = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        Assert.That(reopened.Verify().Ok, Is.True);
        Assert.That(File.ReadAllText(Path.Combine(dir.Path, "audit", "head")), Does.StartWith("7 "));
    }

    [Test]
    public async Task Gateway_run_on_an_emptied_audit_log_exits_1_with_one_message_naming_the_file()
    {
        using var dir = new TempFolder();
        await SeedAsync(dir.Path, "P", 2);
        File.WriteAllBytes(Db(dir.Path), []);
        var run = await GatewayBinary.RunAsync("run",
            "--config", RepoPaths.ShippedConfig, "--data", dir.Path, $"--Smtp:Listeners:Relay:Port={Ports.Free()}",
            "--Smtp:Listeners:Submission:Enabled=false", "--Console:Port=0", "--Smtp:Listeners:Smtps:Enabled=false");
        Assert.That(run.ExitCode, Is.EqualTo(1), run.All);
        Assert.That(run.StdErr, Does.Contain($"gateway run: {Db(dir.Path)} holds no audit entries").And.Contain("Restore"));
        Assert.That(run.All, Does.Not.Contain("Unhandled exception"));
    }

    [Test]
    public async Task A_gateway_does_not_start_on_an_emptied_audit_log()
    {
        var data = TempFolders.Create("gw-head");
        await SeedAsync(data, "G", 2);
        File.WriteAllBytes(Db(data), []);
        var ex = Assert.ThrowsAsync<AuditLogDamagedException>(async () => await (await TestGateway.StartAsync(dataDir: data)).DisposeAsync());
        Assert.That(ex!.Message, Does.Contain(Db(data)).And.Contain("does not start"));
        Directory.Delete(data, recursive: true);
    }

    [Test, Platform(Exclude = "Win")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Audit_verify_run_by_root_on_the_service_accounts_data_folder_leaves_every_file_to_that_account()
    {
        // Seen by hand: `gateway audit verify` (or query) run by root while the gateway was stopped rewrote audit/head
        // as root 0600; the gateway, started again as its service account, then refused to start ("head cannot be read").
        Assume.That(UnixOwner.IsRoot, "needs root, as an auditor using sudo would run it");
        const uint nobody = 65534;
        using var dir = new TempFolder();
        await SeedAsync(dir.Path, "R", 3);
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories).Append(dir.Path))
            UnixOwner.Set(entry, (nobody, nobody)); // what the service account leaves

        var verify = await VerifyProcessAsync(dir.Path);
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.All);

        var notTheServices = Directory.EnumerateFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories)
            .Where(e => UnixOwner.Of(e).Uid != nobody).ToList();
        Assert.That(notTheServices, Is.Empty, "files root left that the service account cannot read");
    }
}
