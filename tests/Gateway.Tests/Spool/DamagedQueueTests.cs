using System.Text;
using Gateway.Tests.Support;
using GovGateway.Configuration;
using GovGateway.Spool;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.Spool;

/// <summary>
/// A queue file whose envelope is damaged is moved aside to spool/corrupt/ and listed by `gateway queue list`; one whose
/// bytes changed after the 250 (no longer the SHA-256 recorded at acceptance) is held there too, never delivered.
/// </summary>
public class DamagedQueueTests
{
    [Test, CancelAfter(120_000)]
    public async Task A_message_changed_on_disk_after_acceptance_is_held_not_delivered()
    {
        await using var upstream = new Upstream(); // down: the messages wait in the queue
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        });
        var changed = Mail.Plain("Báo cáo sẽ bị sửa", "Số tiền: 100.000 đồng");
        var intact = Mail.Plain("Báo cáo nguyên vẹn", "Số tiền: 100.000 đồng");
        await SendAsync(gateway.Relay.Port, changed);
        await SendAsync(gateway.Relay.Port, intact);
        var spool = gateway.Runtime.Spool;
        var target = spool.List().Single(e => MessageIdOf(e) == changed.MessageId);
        Assert.That(target.Envelope.Sha256, Has.Length.EqualTo(64), "the SHA-256 is recorded at acceptance");

        // Someone with access to the spool edits the amount in the queued message.
        var bytes = File.ReadAllBytes(target.MessagePath);
        var at = IndexOf(bytes, Encoding.UTF8.GetBytes("100.000"));
        Assert.That(at, Is.GreaterThan(0).And.LessThan(target.Size));
        bytes[at] = (byte)'9';
        File.WriteAllBytes(target.MessagePath, bytes);

        await upstream.StartAsync();
        var received = await upstream.WaitForAsync(1, TimeSpan.FromSeconds(30));
        await Task.Delay(1500); // time for the held one to be tried too
        received = upstream.Messages();
        Assert.Multiple(() =>
        {
            Assert.That(received.Select(m => MimeMessage.Load(new MemoryStream(m.Bytes)).MessageId), Is.EqualTo(new[] { intact.MessageId }), "only the intact message left");
            Assert.That(spool.ListCorrupt().Select(c => c.QueueId), Is.EqualTo(new[] { target.QueueId }));
            Assert.That(spool.ListCorrupt().Single().Reason, Does.Contain("changed after acceptance"));
            Assert.That(spool.MovedAsideCount, Is.EqualTo(1));
        });

        var list = await QueueListAsync(gateway.Paths);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.All);
        Assert.That(list.StdOut, Does.Contain(target.QueueId).And.Contain("DAMAGED").And.Contain("changed after acceptance"));
    }

    [Test, CancelAfter(120_000)]
    public async Task A_queue_file_with_a_damaged_envelope_is_moved_aside_and_listed()
    {
        var data = TempFolders.Create("gw-damaged");
        var spool = new GovGateway.Spool.Spool(data);
        var damaged = await SpoolTestData.CommitAsync(spool, SpoolTestData.SimpleMessage("Hư"), SpoolTestData.Envelope("a@agency.gov.vn", "b@upstream.test"));
        // A torn write or a stray edit: the envelope at the end of the file is gone.
        using (var file = new FileStream(damaged.MessagePath, FileMode.Open, FileAccess.Write)) file.SetLength(damaged.Size);

        var before = await QueueListAsync(new GovGateway.Configuration.GatewayPaths(RepoPaths.ShippedConfig, data));
        Assert.That(before.StdOut, Does.Contain(damaged.QueueId).And.Contain("DAMAGED"), "listed even before the gateway moves it");

        await using var upstream = await Upstream.StartNewAsync();
        await using (var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        }, dataDir: data))
        {
            var deadline = DateTime.UtcNow.AddSeconds(20); // the delivery service's first scan runs in the background
            while (gateway.Runtime.Spool.ListCorrupt().Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.That(gateway.Runtime.Spool.ListCorrupt().Select(c => c.QueueId), Is.EqualTo(new[] { damaged.QueueId }));
            Assert.That(File.Exists(Path.Combine(data, "spool", "corrupt", damaged.QueueId + ".msg")), Is.True);
            Assert.That(gateway.Runtime.Spool.ListIds(), Is.Empty, "no longer in the queue");
            var after = await QueueListAsync(gateway.Paths);
            Assert.That(after.StdOut, Does.Contain(damaged.QueueId).And.Contain("no envelope"));

            // The envelope is unreadable, so no recipient is known: the delete is still done and recorded.
            Assert.That(await Cli.RunAsync(gateway.Paths, "queue", "delete", damaged.QueueId), Is.EqualTo(0));
            Assert.That(Directory.GetFiles(Path.Combine(data, "spool", "corrupt")), Is.Empty, "the message, its reason and envelope are gone");
            Assert.That(await Cli.RunAsync(gateway.Paths, "queue", "delete", damaged.QueueId), Is.EqualTo(2), "gone: a second delete finds nothing");
        }
        Assert.That(upstream.Messages(), Is.Empty);
    }

    [Test, CancelAfter(120_000)]
    public async Task A_message_moved_aside_is_audited_as_damaged_and_queue_delete_removes_it_audited()
    {
        await using var upstream = new Upstream(); // down: the message waits in the queue
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        });
        var message = Mail.Plain("Báo cáo bị sửa", "Số tiền: 100.000 đồng");
        await SendAsync(gateway.Relay.Port, message);
        var spool = gateway.Runtime.Spool;
        var target = spool.List().Single();
        var bytes = File.ReadAllBytes(target.MessagePath);
        bytes[IndexOf(bytes, Encoding.UTF8.GetBytes("100.000"))] = (byte)'9';
        File.WriteAllBytes(target.MessagePath, bytes);

        await upstream.StartAsync();
        var audit = gateway.Runtime.Audit!;
        var query = new GovGateway.Audit.AuditQuery { MessageId = message.MessageId };
        var record = await WaitForOutcomeAsync(audit, query, "damaged");
        var damaged = record.Deliveries.Single(d => d.Outcome == "damaged");
        Assert.Multiple(() =>
        {
            Assert.That(damaged.Recipient, Is.EqualTo(Mail.Recipient));
            Assert.That(damaged.Reply, Does.Contain("spool/corrupt/").And.Contain("changed after acceptance"));
            Assert.That(spool.ListCorrupt().Select(c => c.QueueId), Is.EqualTo(new[] { target.QueueId }));
        });

        Assert.That(await Cli.RunAsync(gateway.Paths, "queue", "delete", target.QueueId), Is.EqualTo(0));
        Assert.That(spool.ListCorrupt(), Is.Empty);
        Assert.That(Directory.GetFiles(spool.CorruptDir), Is.Empty, "the .msg, .reason and .json are gone");
        record = await WaitForOutcomeAsync(audit, query, "deleted");
        Assert.That(record.Deliveries.Last().Reply, Does.StartWith("gateway queue delete (damaged) by " + Environment.UserName));
        Assert.That(audit.Verify().Ok, Is.True);
        Assert.That(upstream.Messages(), Is.Empty);
    }

    private static async Task<GovGateway.Audit.AuditRecordView> WaitForOutcomeAsync(GovGateway.Audit.IAuditReader audit, GovGateway.Audit.AuditQuery query, string outcome)
    {
        GovGateway.Audit.AuditRecordView? record = null;
        for (var i = 0; i < 150; i++)
        {
            await audit.FlushAsync();
            record = audit.Query(query).Records.FirstOrDefault();
            if (record is not null && record.RecipientStatus.Single().Outcome == outcome) return record;
            await Task.Delay(100);
        }
        Assert.Fail($"no '{outcome}' outcome recorded: " + System.Text.Json.JsonSerializer.Serialize(record));
        return null!;
    }

    private static string? MessageIdOf(SpoolEntry e)
    {
        using var stream = e.OpenMessage();
        return MimeMessage.Load(stream).MessageId;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }

    private static async Task<ToolResult> QueueListAsync(GovGateway.Configuration.GatewayPaths paths) =>
        await GatewayBinary.RunAsync("queue", "list", "--config", paths.ConfigDir, "--data", paths.DataDir);

    private static async Task SendAsync(int port, MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }
}
