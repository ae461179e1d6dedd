using NUnit.Framework;
using System.Collections.Concurrent;
using System.Diagnostics;
using Gateway.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Gateway.Tests.EndToEnd;

/// <summary>Nothing that got 250 is lost: crash, upstream outage, full disk, graceful stop. Each bounded in time.</summary>
[TestFixture]
public sealed class ReliabilityTests
{
    [Test, CancelAfter(120_000)]
    public async Task After_sigkill_mid_stream_every_message_that_got_250_reaches_the_upstream()
    {
        await using var upstream = await Upstream.StartNewAsync();
        var (config, data, settings) = ProcessSetup(upstream);
        await using var gateway = new GatewayProcess(config, data, settings);
        await gateway.StartAsync();

        var accepted = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 8).Select(i => SendUntilFailureAsync(gateway.RelayPort, $"crash{i}", accepted, stop.Token)).ToList();
        var deadline = Stopwatch.StartNew();
        while (accepted.Count < 150 && deadline.Elapsed < TimeSpan.FromSeconds(40))
            await Task.Delay(20);
        await gateway.KillAsync();
        stop.Cancel();
        await Task.WhenAll(senders);
        Assert.That(accepted, Has.Count.GreaterThan(0), "no message was accepted before the kill");

        await using var restarted = new GatewayProcess(config, data, settings);
        await restarted.StartAsync();
        var expected = accepted.ToHashSet();
        var arrived = await WaitForMessageIdsAsync(upstream, expected, TimeSpan.FromSeconds(60));
        var missing = expected.Except(arrived.Keys).ToList();
        var duplicates = arrived.Values.Count(n => n > 1);
        TestContext.Out.WriteLine($"accepted before SIGKILL: {expected.Count}, arrived: {arrived.Count(kv => expected.Contains(kv.Key))}, duplicates: {duplicates}, missing: {missing.Count}");
        Assert.That(missing, Is.Empty, "messages that got 250 but never arrived");
        await restarted.KillAsync();
        await AssertEveryOneAuditedAsync(data, expected);
        Directory.Delete(config, true);
    }

    [Test, CancelAfter(120_000)]
    public async Task After_sigkill_within_the_audit_commit_delay_every_accepted_message_keeps_its_audit_record()
    {
        // Accepted messages' audit records ride the journal's next group commit; the queue file holds them until then.
        // A 5 s delay makes sure the kill lands before the journal has any of them.
        await using var upstream = await Upstream.StartNewAsync();
        var (config, data, settings) = ProcessSetup(upstream);
        var expected = new HashSet<string>();
        await using (var gateway = new GatewayProcess(config, data, new Dictionary<string, string>(settings) { ["Audit:CommitDelay"] = "00:00:05" }))
        {
            await gateway.StartAsync();
            for (var i = 0; i < 10; i++)
            {
                var message = Mail.Plain($"Kiểm thử ghi nhật ký {i}", "Nội dung");
                await SendAsync(gateway.RelayPort, message);
                expected.Add(message.MessageId!);
            }
            await upstream.WaitForAsync(10, TimeSpan.FromSeconds(30));
            await gateway.KillAsync();
        }
        Assert.That(Directory.GetFiles(Path.Combine(data, "spool", "queue"), "*.msg"), Has.Length.EqualTo(10),
            "delivered, but kept in the queue while their audit records were not in the journal");

        await using (var restarted = new GatewayProcess(config, data, settings))
        {
            await restarted.StartAsync();
            await Eventually.UntilAsync(() => Directory.GetFiles(Path.Combine(data, "spool", "queue"), "*.msg").Length == 0,
                TimeSpan.FromSeconds(30), "the queue drained after the restart");
            Assert.That(restarted.Output, Does.Contain("recovered 10 transaction records"));
            await restarted.TerminateAsync(TimeSpan.FromSeconds(30));
        }
        await AssertEveryOneAuditedAsync(data, expected);
        Directory.Delete(config, true);
    }

    /// <summary>A copy of the shipped configuration, an empty data folder, and settings relaying to the upstream.</summary>
    private static (string Config, string Data, Dictionary<string, string> Settings) ProcessSetup(Upstream upstream)
    {
        var config = TempFolders.Create("gw-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        var settings = new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        };
        return (config, TempFolders.Create("gw-data"), settings);
    }

    /// <summary>Opens the stopped gateway's audit log: one "accepted" record per Message-ID, and the chain verifies.</summary>
    private static async Task AssertEveryOneAuditedAsync(string data, IReadOnlyCollection<string> messageIds)
    {
        await using var log = await GovGateway.Audit.AuditLog.OpenAsync(data, new GovGateway.Audit.AuditOptions());
        var unrecorded = messageIds.Where(id => log.Query(new GovGateway.Audit.AuditQuery { MessageId = id })
            .Records.Count(r => r.Transaction.Decision == GovGateway.Audit.AuditDecisions.Accepted) != 1).ToList();
        Assert.That(unrecorded, Is.Empty, "messages that got 250 without exactly one \"accepted\" audit record");
        Assert.That(log.Verify().Ok, Is.True);
    }

    [Test, CancelAfter(90_000)]
    public async Task Messages_queue_while_the_upstream_is_down_and_drain_when_it_returns()
    {
        await using var upstream = new Upstream();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        });
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var message = Mail.Plain($"Kiểm thử {i}", "Nội dung");
            ids.Add(message.MessageId!);
            await SendAsync(gateway.Relay.Port, message);
        }
        await Task.Delay(1000);
        Assert.That(gateway.Runtime.Spool.List().Count(), Is.EqualTo(5), "the messages wait in the queue");

        await upstream.StartAsync();
        var received = await upstream.WaitForAsync(5, TimeSpan.FromSeconds(60));
        Assert.That(received.Select(MessageId), Is.EquivalentTo(ids));
    }

    [Test, CancelAfter(90_000)]
    public async Task A_permanent_upstream_refusal_bounces_to_the_sender_with_a_delivery_status_notification()
    {
        await using var upstream = await Upstream.StartNewAsync();
        upstream.FailWith("550 5.1.1 no such user", "khongtontai@");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        });
        var message = Mail.Plain("Kiểm thử", "Nội dung", to: "khongtontai@ubnd.hatinh.gov.vn");
        await SendAsync(gateway.Relay.Port, message);

        var received = await upstream.WaitForAsync(1, TimeSpan.FromSeconds(30));
        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0].MailFrom, Is.EqualTo("<>"), "a bounce has the null sender");
        Assert.That(received[0].Recipients, Is.EqualTo(new[] { Mail.Sender }));
        var dsn = MimeMessage.Load(new MemoryStream(received[0].Bytes));
        Assert.That(dsn.Body, Is.InstanceOf<MultipartReport>());
        Assert.That(((MultipartReport)dsn.Body).ReportType, Is.EqualTo("delivery-status"));
        Assert.That(received[0].Text, Does.Contain("Action: failed"));
        Assert.That(received[0].Text, Does.Contain("Status: 5.1.1"));
    }

    [Test, CancelAfter(90_000)]
    public async Task A_message_undeliverable_until_the_maximum_age_bounces()
    {
        await using var upstream = await Upstream.StartNewAsync();
        upstream.FailWith("451 4.3.0 try later", "lanhdao@");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
            ["Delivery:MaxAge"] = "00:00:03",
        });
        await SendAsync(gateway.Relay.Port, Mail.Plain("Kiểm thử", "Nội dung"));
        var received = await upstream.WaitForAsync(1, TimeSpan.FromSeconds(40));
        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0].MailFrom, Is.EqualTo("<>"));
        Assert.That(received[0].Recipients, Is.EqualTo(new[] { Mail.Sender }));
        Assert.That(received[0].Text, Does.Contain("Action: failed"));
    }

    [Test, CancelAfter(90_000)]
    public async Task A_full_disk_answers_4xx_and_the_gateway_keeps_serving()
    {
        var data = TempFolders.Create("gw-tmpfs");
        var mount = await ToolRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", data]);
        if (mount.ExitCode != 0)
            Assert.Ignore("needs root to mount a small tmpfs: " + mount.All);
        try
        {
            await using var upstream = await Upstream.StartNewAsync();
            await using (var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
            {
                ["Delivery:Upstream:Host"] = "127.0.0.1",
                ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
                ["Audit:MinFreeBytes"] = "0", // the disk is smaller than the reserve; this test is about writes that fail
            }, dataDir: data))
            {
                var big = Mail.Plain("Kiểm thử dung lượng", new string('x', 76) + "\r\n" + string.Concat(Enumerable.Repeat(new string('y', 76) + "\r\n", 120_000)));
                var ex = Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(gateway.Relay.Port, big));
                Assert.That((int)ex!.StatusCode, Is.InRange(450, 452), ex.Message);

                var small = Mail.Plain("Kiểm thử", "Nội dung ngắn");
                await SendAsync(gateway.Relay.Port, small);
                var received = await upstream.WaitForAsync(1, TimeSpan.FromSeconds(30));
                Assert.That(received.Select(MessageId), Does.Contain(small.MessageId));
            }
        }
        finally
        {
            await ToolRunner.RunAsync("umount", ["-l", data]);
            Directory.Delete(data, true);
        }
    }

    [Test, CancelAfter(120_000)]
    public async Task A_graceful_stop_under_load_loses_no_accepted_message()
    {
        await using var upstream = await Upstream.StartNewAsync();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        });
        var accepted = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var port = gateway.Relay.Port;
        var senders = Enumerable.Range(0, 8).Select(i => SendUntilFailureAsync(port, $"stop{i}", accepted, stop.Token)).ToList();
        var deadline = Stopwatch.StartNew();
        while (accepted.Count < 100 && deadline.Elapsed < TimeSpan.FromSeconds(40))
            await Task.Delay(20);
        await gateway.RestartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        });
        stop.Cancel();
        await Task.WhenAll(senders);

        var expected = accepted.ToHashSet();
        var arrived = await WaitForMessageIdsAsync(upstream, expected, TimeSpan.FromSeconds(60));
        Assert.That(expected.Except(arrived.Keys), Is.Empty);
    }

    private static async Task SendAsync(int port, MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    /// <summary>Sends small messages on one connection (reconnecting as needed) until cancelled; records the Message-IDs that got 250.</summary>
    private static async Task SendUntilFailureAsync(int port, string tag, ConcurrentBag<string> accepted, CancellationToken stop)
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            using var client = new SmtpClient { Timeout = 10_000 };
            try
            {
                await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None, stop);
                while (!stop.IsCancellationRequested)
                {
                    var message = Mail.Plain($"Kiểm thử {tag}-{n++}", "Nội dung kiểm thử độ tin cậy\r\n" + new string('z', 2000));
                    await client.SendAsync(message, stop);
                    accepted.Add(message.MessageId!);
                }
            }
            catch (Exception ex) when (ex is IOException or SmtpCommandException or SmtpProtocolException or System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException)
            {
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private static async Task<Dictionary<string, int>> WaitForMessageIdsAsync(Upstream upstream, HashSet<string> expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var arrived = upstream.Messages().GroupBy(MessageId).ToDictionary(g => g.Key, g => g.Count());
            if (expected.All(arrived.ContainsKey) || DateTime.UtcNow > deadline)
                return arrived;
            await Task.Delay(200);
        }
    }

    private static string MessageId(ReceivedMessage m) =>
        MimeMessage.Load(new MemoryStream(m.Bytes)).MessageId ?? "";
}
