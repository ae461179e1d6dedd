using Gateway.Tests.Support;
using GovGateway.Audit;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A data folder on a small real file system (tmpfs) that fills up and then has room again: the gateway keeps a
/// free-space reserve at MAIL FROM, and after a failed audit-journal write it recovers by itself, without a restart.
/// </summary>
[NonParallelizable]
public class DiskSpaceTests
{
    [Test, CancelAfter(120_000)]
    public async Task Below_the_free_space_reserve_MAIL_FROM_gets_a_bilingual_452_and_space_again_gets_250()
    {
        await using var disk = await SmallDisk.MountAsync(24);
        if (disk is null) { Assert.Ignore("needs root to mount a small tmpfs"); return; }
        await using var upstream = await Upstream.StartNewAsync();
        var data = Path.Combine(disk.Path, "data");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
            ["Audit:MinFreeBytes"] = (8 * 1024 * 1024).ToString(),
        }, dataDir: data);

        disk.Fill(leaveBytes: 6 * 1024 * 1024); // room left, but under the reserve
        var refused = Mail.Plain("Kiểm thử dự trữ dung lượng", "Nội dung");
        var ex = Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(gateway.Relay.Port, refused));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(SmtpErrorCode.SenderNotAccepted), "refused at MAIL FROM");
            Assert.That((int)ex.StatusCode, Is.EqualTo(452));
            Assert.That(ex.Message, Does.Contain("4.3.1").Or.Contain("dung lượng"));
            Assert.That(ex.Message, Does.Contain("hết dung lượng").And.Contain("Insufficient system storage"));
        });

        disk.Free();
        var accepted = Mail.Plain("Kiểm thử khi có chỗ trống", "Nội dung");
        await SendAsync(gateway.Relay.Port, accepted);
        var received = await upstream.WaitForAsync(1, TimeSpan.FromSeconds(30));
        Assert.That(received.Select(m => MimeMessage.Load(new MemoryStream(m.Bytes)).MessageId), Is.EqualTo(new[] { accepted.MessageId }));

        var audit = gateway.Runtime.Audit!;
        await audit.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var failed = audit.Query(new AuditQuery { Decision = AuditDecisions.Failed }).Records.Select(r => r.Transaction).ToList();
        Assert.That(failed, Has.Count.EqualTo(1), "the 452 is in the audit log");
        Assert.That(failed[0].Rules.Select(r => r.Rule), Is.EqualTo(new[] { "free-space" }));
        Assert.That(failed[0].MailFrom, Is.EqualTo(Mail.Sender));
    }

    [Test, CancelAfter(120_000)]
    public async Task After_the_disk_fills_the_journal_recovers_without_restart_and_delivered_messages_leave_the_queue()
    {
        await using var disk = await SmallDisk.MountAsync(24);
        if (disk is null) { Assert.Ignore("needs root to mount a small tmpfs"); return; }
        await using var upstream = new Upstream(); // down for now
        var data = Path.Combine(disk.Path, "data");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
            ["Audit:MinFreeBytes"] = "0", // no reserve: let the journal itself meet the full disk
        }, dataDir: data);
        var audit = gateway.Runtime.Audit!;

        var first = Mail.Plain("Kiểm thử trước khi đầy đĩa", "Nội dung");
        await SendAsync(gateway.Relay.Port, first);

        // Fill the disk, then send until a write fails and the journal is failed (each refusal is a journal write).
        disk.Fill();
        for (int i = 0; i < 50 && !audit.IsShortOfSpace(out _); i++)
        {
            try { await SendAsync(gateway.Relay.Port, Mail.Plain($"Kiểm thử đĩa đầy {i}", "Nội dung")); }
            catch (SmtpCommandException e) { Assert.That((int)e.StatusCode, Is.InRange(450, 452), e.Message); }
        }
        Assert.That(audit.IsShortOfSpace(out _), Is.True, "the audit journal met the full disk");
        var whileFull = Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(gateway.Relay.Port, Mail.Plain("Kiểm thử", "Nội dung")));
        Assert.That((int)whileFull!.StatusCode, Is.EqualTo(452), "refused at MAIL FROM while the journal cannot write");

        // The upstream comes back while the disk is still full: the message is delivered, its outcome waits for the journal.
        await upstream.StartAsync();
        var received = await upstream.WaitForAsync(1, TimeSpan.FromSeconds(30));
        Assert.That(received.Select(m => MimeMessage.Load(new MemoryStream(m.Bytes)).MessageId), Does.Contain(first.MessageId));

        disk.Free();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (gateway.Runtime.Spool.List().Any() && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.That(gateway.Runtime.Spool.List().Select(e => e.QueueId), Is.Empty, "delivered messages left the queue once the journal could write again");

        var after = Mail.Plain("Kiểm thử sau khi có chỗ", "Nội dung");
        await SendAsync(gateway.Relay.Port, after); // 250 without a restart
        await upstream.WaitForAsync(received.Count + 1, TimeSpan.FromSeconds(30));

        await audit.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var firstRecord = audit.Query(new AuditQuery { MessageId = first.MessageId }).Records.Single();
        Assert.That(firstRecord.RecipientStatus.Select(r => r.Outcome), Is.EqualTo(new[] { "delivered" }), "the delivery made while the disk was full is recorded");
        Assert.That(audit.Query(new AuditQuery { MessageId = after.MessageId }).Records.Single().Transaction.Decision, Is.EqualTo(AuditDecisions.Accepted));
        Assert.That(audit.Verify().Ok, Is.True, "the chain is whole");
    }

    private static async Task SendAsync(int port, MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        try
        {
            await client.SendAsync(message);
        }
        finally
        {
            if (client.IsConnected) await client.DisconnectAsync(true);
        }
    }
}
