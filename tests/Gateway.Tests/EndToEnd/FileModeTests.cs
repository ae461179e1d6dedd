using Gateway.Tests.Support;
using GovGateway.FileSystem;
using MailKit.Net.Smtp;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Everything the gateway writes under its data folder — spool, outbox, quarantine, audit log and journal, TLS key,
/// locks, the query socket — is closed to other local users (0600 files, 0700 folders) even when it is started with
/// umask 000.
/// </summary>
[Platform(Exclude = "Win")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class FileModeTests
{
    [Test, CancelAfter(120_000)]
    public async Task Under_umask_000_every_file_is_0600_and_every_folder_0700()
    {
        var root = TempFolders.Create("gw-modes");
        var config = Path.Combine(root, "config");
        var data = Path.Combine(root, "data"); // created by the gateway
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        try
        {
            // First run: the upstream is down, so the message waits in the queue with its rewritten envelope.
            var deadPort = Ports.Free();
            await using (var gateway = new GatewayProcess(config, data, new Dictionary<string, string>
            {
                ["Delivery:Upstream:Host"] = "127.0.0.1",
                ["Delivery:Upstream:Port"] = deadPort.ToString(),
            }) { Umask = "000" })
            {
                await gateway.StartAsync();
                await SendAsync(gateway.RelayPort);
                await Eventually.UntilAsync(() => Directory.EnumerateFiles(Path.Combine(data, "spool", "queue"), "*.json").Any(), TimeSpan.FromSeconds(30), () => "a queued message; gateway output:\n" + gateway.Output);
                AssertPrivate(data, mustInclude: ["spool/queue", "audit/audit.db", "audit/audit.lock", "audit/journal", "tls/dev-certificate.pfx", "run/audit.sock"]);
                Assert.That(await gateway.TerminateAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0), gateway.Output);
            }

            // Second run without an upstream: the queued message, retried now, is written to the outbox.
            await using (var gateway = new GatewayProcess(config, data, new Dictionary<string, string>()) { Umask = "000" })
            {
                await gateway.StartAsync();
                // `gateway queue retry` does the same from another process: a marker file the delivery service picks up.
                var spool = new GovGateway.Spool.Spool(data);
                Assert.That(spool.List().Select(e => spool.MarkForRetry(e.QueueId)), Is.EqualTo(new[] { true }));
                await Eventually.UntilAsync(() => Directory.Exists(Path.Combine(data, "outbox")) && Directory.EnumerateFiles(Path.Combine(data, "outbox"), "*.eml").Any(),
                    TimeSpan.FromSeconds(30), () => "a message in the outbox; gateway output:\n" + gateway.Output);
                AssertPrivate(data, mustInclude: ["outbox", "quarantine", "spool/free"]);
                Assert.That(await gateway.TerminateAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0), gateway.Output);
            }
            AssertPrivate(data, mustInclude: ["audit/audit.db"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task A_data_folder_left_open_to_other_users_is_closed_at_start()
    {
        var data = TempFolders.Create("gw-open-data");
        File.SetUnixFileMode(data, (UnixFileMode)Convert.ToInt32("777", 8)); // anyone could plant audit/ or run/ here
        await using var gateway = await TestGateway.StartAsync(dataDir: data);
        Assert.That(File.GetUnixFileMode(data), Is.EqualTo(PrivateFiles.DirectoryMode));
    }

    private static void AssertPrivate(string data, string[] mustInclude)
    {
        var seen = new List<string>();
        var wrong = new List<string>();
        var all = new[] { data }.Concat(Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories));
        foreach (var path in all)
        {
            var relative = Path.GetRelativePath(data, path);
            seen.Add(relative);
            var mode = File.GetUnixFileMode(path);
            var expected = Directory.Exists(path) ? PrivateFiles.DirectoryMode : PrivateFiles.FileMode;
            if (mode != expected) wrong.Add($"{relative}: {Convert.ToString((int)mode, 8)}");
        }
        Assert.Multiple(() =>
        {
            Assert.That(wrong, Is.Empty, "files or folders open to other users");
            foreach (var name in mustInclude)
                Assert.That(seen, Has.Some.StartsWith(name), $"{name} was written (else this test proves nothing about it)");
        });
    }

    private static async Task SendAsync(int port)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(Mail.Plain("Kiểm thử quyền tệp", "Nội dung"));
        await client.DisconnectAsync(true);
    }
}
