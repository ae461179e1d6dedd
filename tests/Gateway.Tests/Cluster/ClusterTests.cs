using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;
using GovGateway.Access.Identity;
using GovGateway.Spool;
using MailKit.Net.Smtp;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.Cluster;

/// <summary>
/// Two real `gateway run` nodes, each with its own data folder and audit log, behind a real HAProxy that speaks
/// PROXY v2 to them, with clients on 127.0.0.5: what the auditors and the senders see when the load balancer
/// spreads the traffic and when a node dies mid-load.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class ClusterTests
{
    private const string ClientAddress = "127.0.0.5";
    private static readonly Regex ReceivedId = new(@"\bid ([0-9A-Z]{18})\b");

    private static ClusterNode NewNode(string name, Upstream upstream)
    {
        var config = TempFolders.Create($"cluster-{name}-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        var data = TempFolders.Create($"cluster-{name}-data");
        return new ClusterNode(name, config, data, upstream, new Dictionary<string, string> { ["Node:Name"] = name });
    }

    /// <summary>Each transaction in a node's audit log: queue id, client address, and the outcome of each recipient.</summary>
    private static async Task<List<(string QueueId, string ClientIp, string Decision, string[] Outcomes)>> AuditAsync(ClusterNode node)
    {
        var query = await GatewayBinary.RunAsync("audit", "query",
            "--config", node.Config, "--data", node.Data, "--format", "json", "--limit", "10000");
        Assert.That(query.ExitCode, Is.EqualTo(0), query.All);
        using var json = JsonDocument.Parse(query.StdOut);
        return json.RootElement.GetProperty("records").EnumerateArray().Select(r =>
        {
            var t = r.GetProperty("transaction");
            var outcomes = r.TryGetProperty("recipientStatus", out var s) ? s.EnumerateArray().Select(o => o.GetProperty("outcome").GetString()!).ToArray() : [];
            return (t.GetProperty("queueId").GetString() ?? "", t.GetProperty("clientIp").GetString() ?? "", t.GetProperty("decision").GetString()!, outcomes);
        }).ToList();
    }

    private static MimeMessage Message(int n)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(Mail.Sender));
        message.To.Add(MailboxAddress.Parse(Mail.Recipient));
        message.Subject = $"Tin nhắn {n:000}";
        message.Body = new TextPart("plain") { Text = $"Nội dung {n}." };
        return message;
    }

    /// <summary>One message over a new connection from 127.0.0.5 (MailKit, bound to that address); the queue id of its 250.</summary>
    private static async Task<string> SendThroughAsync(int port, int n, CancellationToken ct)
    {
        using var client = new SmtpClient { LocalEndPoint = new IPEndPoint(IPAddress.Parse(ClientAddress), 0), Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None, ct);
        var reply = await client.SendAsync(Message(n), ct);
        await client.DisconnectAsync(true, ct);
        return Regex.Match(reply, @"queued as ([0-9A-Z]{18})").Groups[1].Value is { Length: 18 } id ? id : throw new InvalidOperationException("250 without a queue id: " + reply);
    }

    [Test, CancelAfter(240_000)]
    public async Task Two_nodes_behind_haproxy_share_the_traffic_and_each_audits_the_clients_real_address()
    {
        await using var upstream = await Upstream.StartNewAsync();
        await using var a = NewNode("gw-a", upstream);
        await using var b = NewNode("gw-b", upstream);
        Assert.That(a.Tag, Is.Not.EqualTo(b.Tag), "the two names must give different queue-id tags");
        await Task.WhenAll(a.Process.StartAsync(), b.Process.StartAsync());
        await using var haproxy = await Haproxy.StartAsync([(a.Name, a.Process.RelayPort), (b.Name, b.Process.RelayPort)]);
        // HAProxy's SMTP checks begin with a PROXY v2 LOCAL header: UP means the nodes answered them.
        await haproxy.WaitForStatusAsync("UP L7OK", TimeSpan.FromSeconds(30), a.Name, b.Name);

        var ids = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            var sent = await Swaks.SendAsync(haproxy.Port, Mail.Sender, Mail.Recipient, null,
                "--local-interface", ClientAddress, "--header", $"Subject: Tin nhắn {i}");
            var id = Regex.Match(sent.All, @"queued as ([0-9A-Z]{18})").Groups[1].Value;
            Assert.That(id, Has.Length.EqualTo(18), $"{sent.All}\n--- haproxy:\n{haproxy.Output}\n--- {a.Name}:\n{a.Process.Output}\n--- {b.Name}:\n{b.Process.Output}");
            ids.Add(id);
        }
        // Round robin (HAProxy's threads share it loosely, so not strictly alternating); the tag in the id tells the node.
        Assert.That(ids.Count(id => id.Substring(10, 2) == a.Tag), Is.GreaterThan(0), "both nodes got traffic: " + string.Join(" ", ids));
        Assert.That(ids.Count(id => id.Substring(10, 2) == b.Tag), Is.GreaterThan(0), "both nodes got traffic: " + string.Join(" ", ids));
        Assert.That(ids.Count(id => id.Substring(10, 2) == a.Tag || id.Substring(10, 2) == b.Tag), Is.EqualTo(6));
        var received = await upstream.WaitForAsync(6, TimeSpan.FromSeconds(60));
        Assert.That(received.Select(m => ReceivedId.Match(m.Text).Groups[1].Value), Is.EquivalentTo(ids));
        Assert.That(received.Select(m => m.Text), Has.All.Contains($"([{ClientAddress}])"), "the Received: line names the client, not the balancer");

        foreach (var node in new[] { a, b })
        {
            var records = await AuditAsync(node);
            Assert.That(records.Select(r => r.QueueId), Is.EquivalentTo(ids.Where(id => id.Substring(10, 2) == node.Tag)), node.Name);
            Assert.That(records.Select(r => r.ClientIp), Has.All.EqualTo(ClientAddress), $"{node.Name} audits the client's own address");
            Assert.That(node.Process.Output, Does.Match($@"=> node {node.Name} \w+: accepted .* client={Regex.Escape(ClientAddress)} "), "log lines name the node and the real client");
        }

        // A client that skips the balancer is refused with a reason it can read, and the node says why in its log.
        var direct = await Swaks.SendAsync(a.Process.RelayPort, Mail.Sender, Mail.Recipient, null, "--local-interface", ClientAddress);
        Assert.That(direct.All, Does.Contain("421 4.7.0 Cổng này chỉ nhận kết nối qua bộ cân bằng tải của cổng thư"));
        Assert.That(direct.All, Does.Contain("This port takes connections only through the gateway's load balancer"));
        Assert.That(a.Process.Output, Does.Contain($"Connection from {ClientAddress}:").And.Contain("refused: not one of its trusted proxies (Smtp:Listeners:relay:TrustedProxies)"));
        Assert.That((await AuditAsync(a)).Count, Is.EqualTo(ids.Count(id => id.Substring(10, 2) == a.Tag)), "nothing recorded for a connection that never became a session");
    }

    [Test, CancelAfter(300_000)]
    public async Task A_node_killed_under_load_delivers_its_spool_after_restart_and_no_message_answered_250_is_lost()
    {
        await using var upstream = await Upstream.StartNewAsync();
        // The upstream defers everything at first, so the killed node's spool is full when it dies.
        upstream.FailWith("451 4.3.0 mailbox busy, try later");
        await using var a = NewNode("gw-a", upstream);
        await using var b = NewNode("gw-b", upstream);
        await Task.WhenAll(a.Process.StartAsync(), b.Process.StartAsync());
        await using var haproxy = await Haproxy.StartAsync([(a.Name, a.Process.RelayPort), (b.Name, b.Process.RelayPort)]);
        await haproxy.WaitForStatusAsync("UP L7OK", TimeSpan.FromSeconds(30), a.Name, b.Name);

        // Bounded load: 4 clients, 60 messages at most, each over its own connection through HAProxy.
        var accepted = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<string>();
        int next = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var killed = new TaskCompletionSource();
        async Task ClientAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                int n = Interlocked.Increment(ref next);
                if (n > 60) return;
                try { accepted.Add(await SendThroughAsync(haproxy.Port, n, stop.Token)); }
                catch (Exception e) when (e is not OperationCanceledException) { failures.Add($"{n}: {e.GetType().Name}: {e.Message}"); }
            }
        }
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(ClientAsync)).ToArray();
        while (accepted.Count(id => id.Substring(10, 2) == a.Tag) < 8) await Task.Delay(20, stop.Token);
        await a.Process.KillAsync(); // SIGKILL, with transactions in flight
        int acceptedAtKill = accepted.Count;
        await Task.WhenAll(clients);

        var fromA = accepted.Where(id => id.Substring(10, 2) == a.Tag).ToHashSet();
        var fromB = accepted.Where(id => id.Substring(10, 2) == b.Tag).ToHashSet();
        Assert.That(fromA.Count + fromB.Count, Is.EqualTo(accepted.Count), "every id carries one of the two tags");
        Assert.That(accepted.Count, Is.GreaterThan(acceptedAtKill), "the survivor kept taking mail after the kill: " + string.Join("\n", failures));
        Assert.That(fromA, Is.Not.Empty);
        Assert.That(Directory.GetFiles(Path.Combine(a.Data, "spool", "queue"), "*.msg"), Has.Length.GreaterThanOrEqualTo(fromA.Count),
            "the dead node's spool still holds what it accepted");

        upstream.Heal();
        await a.Replace().StartAsync();
        var all = await upstream.WaitForAsync(accepted.Count, TimeSpan.FromSeconds(90));
        var delivered = all.Select(m => ReceivedId.Match(m.Text).Groups[1].Value).ToHashSet();
        Assert.That(accepted.Where(id => !delivered.Contains(id)), Is.Empty, "answered 250 but never delivered");

        var records = await AuditAsync(a);
        Assert.That(fromA.Where(id => !records.Any(r => r.QueueId == id && r.Decision == "accepted")), Is.Empty, "an accepted message of the killed node without its audit record");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            records = await AuditAsync(a);
            var undelivered = fromA.Where(id => !records.Any(r => r.QueueId == id && r.Outcomes.Contains("delivered"))).ToList();
            if (undelivered.Count == 0) break;
            if (DateTime.UtcNow > deadline) Assert.Fail("no 'delivered' outcome in the killed node's audit log for " + string.Join(" ", undelivered));
            await Task.Delay(1000);
        }
        Assert.That((await AuditAsync(a)).Select(r => r.ClientIp).Distinct(), Is.EqualTo(new[] { ClientAddress }));
        TestContext.Out.WriteLine($"accepted {accepted.Count} ({fromA.Count} by {a.Name}, {fromB.Count} by {b.Name}), {acceptedAtKill} before the kill; {failures.Count} client failures (not answered 250):\n{string.Join("\n", failures)}");
    }
}
