using System.Text;
using Gateway.Tests.Support;
using GovGateway.Audit;
using GovGateway.Delivery;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A HỎA TỐC document goes ahead of a backlog: after an upstream outage the gateway's one delivery worker takes the
/// urgent message first, and it arrives marked Priority: urgent / X-Priority: 1, with its urgency in the audit record.
/// </summary>
[TestFixture]
public sealed class UrgentDeliveryTests
{
    private const int Backlog = 10;

    private Upstream _upstream = null!;
    private TestGateway _gateway = null!;
    private string _work = null!;

    [SetUp]
    public async Task SetUp()
    {
        _work = TempFolders.Create("e2e-urgent");
        _upstream = await Upstream.StartNewAsync();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = _upstream.Port.ToString(),
            // One worker, so the order in which messages leave is the order the worker takes them in.
            ["Delivery:MaxConcurrency"] = "1",
            // No automatic retry during the test: the backlog waits until the outage ends.
            ["Delivery:RetryBaseDelay"] = "00:30:00",
            ["Delivery:RetryMaxDelay"] = "01:00:00",
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Test]
    public async Task An_urgent_message_leaves_ahead_of_the_backlog_marked_urgent()
    {
        _upstream.FailWith("451 4.3.0 upstream busy");
        for (var i = 0; i < Backlog; i++)
        {
            var eml = Mail.WriteEml(Mail.Plain($"Thư thường {i}", $"Nội dung thư thường số {i}."), _work);
            var r = await Swaks.SendAsync(_gateway.Relay.Port, Mail.Sender, Mail.Recipient, eml);
            Assert.That(r.All, Does.Contain("<-  250 "), r.All);
        }
        var urgent = Mail.WriteEml(Mail.Plain("Triệu tập họp", "HỎA TỐC\r\nKính gửi các đồng chí, họp khẩn lúc 14 giờ hôm nay."), _work);
        var sent = await Swaks.SendAsync(_gateway.Relay.Port, Mail.Sender, Mail.Recipient, urgent);
        Assert.That(sent.All, Does.Contain("<-  250 "), sent.All);

        // Every message has been tried once and refused by the busy upstream.
        var spool = _gateway.Runtime.Spool;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (spool.ListIds().Select(id => spool.Get(id, out _)).Count(e => e?.Envelope.Attempts >= 1) < Backlog + 1)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "all messages tried once");
            await Task.Delay(100);
        }
        var ids = spool.ListIds();
        Assert.That(ids.Count(id => spool.Get(id, out _)!.Envelope.Urgency == "hoa-toc"), Is.EqualTo(1), "the spool keeps the urgency");

        // The outage ends; an administrator asks for the whole queue at once (the markers `gateway queue retry` writes).
        _upstream.Heal();
        foreach (var id in ids) File.WriteAllBytes(Path.Combine(spool.QueueDir, id + ".retry"), []);

        var received = await _upstream.WaitForAsync(Backlog + 1, TimeSpan.FromSeconds(60));
        var ordered = received.ToList();
        var first = ordered[0].Text;
        Assert.Multiple(() =>
        {
            var headers = first[..first.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
            Assert.That(headers, Does.Contain("Priority: urgent"));
            Assert.That(headers, Does.Contain("X-Priority: 1"));
            Assert.That(headers, Does.Contain("X-GovVN-Urgency: hoa-toc"), "the urgent message is delivered first");
            Assert.That(ordered.Skip(1).Select(m => m.Text), Has.All.Not.Contain("X-GovVN-Urgency").And.All.Not.Contain("Priority: urgent"), "ordinary mail is not marked");
        });

        var audit = _gateway.Runtime.Audit!;
        await audit.FlushAsync();
        var records = audit.Query(new AuditQuery { Decision = "accepted" }).Records;
        var urgentRecords = records.Where(r => r.Transaction.Urgency is not null).ToList();
        Assert.That(urgentRecords, Has.Count.EqualTo(1));
        Assert.That(urgentRecords[0].Transaction.Urgency, Is.EqualTo("hoa-toc"));
        Assert.That(urgentRecords[0].Transaction.Subject, Is.EqualTo("Triệu tập họp"));
    }

    [Test]
    public async Task A_senders_own_priority_headers_do_not_make_an_ordinary_message_urgent()
    {
        // The sender marks a plain letter as urgent every way mail programs do, and forges the gateway's own field.
        var message = Mail.Plain("Thư thường", "Kính gửi anh chị, gửi lại tài liệu tham khảo.");
        message.Headers.Add("X-Priority", "1 (Highest)");
        message.Headers.Add("Priority", "urgent");
        message.Headers.Add("Importance", "high");
        message.Headers.Add("X-GovVN-Urgency", "hoa-toc");
        var sent = await Swaks.SendAsync(_gateway.Relay.Port, Mail.Sender, Mail.Recipient, Mail.WriteEml(message, _work));
        Assert.That(sent.All, Does.Contain("<-  250 "), sent.All);

        var received = (await _upstream.WaitForAsync(1, TimeSpan.FromSeconds(30))).Single().Text;
        var headers = received[..received.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
        Assert.Multiple(() =>
        {
            Assert.That(headers, Has.None.StartWith("X-GovVN-Urgency:"), "only the gateway writes X-GovVN-Urgency");
            Assert.That(headers, Does.Contain("X-Untrusted-GovVN-Urgency: hoa-toc"), "the sender's copy is renamed like any X-GovVN-* field");
            Assert.That(headers.Count(h => h.StartsWith("X-Priority:", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1), "the gateway adds none of its own");
            Assert.That(headers, Does.Contain("X-Priority: 1 (Highest)"), "the sender's own field goes as sent");
            Assert.That(headers.Count(h => h.StartsWith("Priority:", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1));
        });

        var audit = _gateway.Runtime.Audit!;
        await audit.FlushAsync();
        var record = audit.Query(new AuditQuery { Decision = "accepted" }).Records.Single();
        Assert.That(record.Transaction.Urgency, Is.Null, "the policy found no urgency, whatever the sender's headers say");
    }
}

[TestFixture]
public sealed class DeliveryLanesTests
{
    [Test]
    public void Urgent_items_are_taken_first_and_each_lane_keeps_its_order()
    {
        var lanes = new DeliveryLanes<string>();
        lanes.Write("n1", urgent: false);
        lanes.Write("n2", urgent: false);
        lanes.Write("u1", urgent: true);
        lanes.Write("n3", urgent: false);
        lanes.Write("u2", urgent: true);
        var taken = new List<string>();
        while (lanes.TryRead(out var item)) taken.Add(item);
        Assert.That(taken, Is.EqualTo(new[] { "u1", "u2", "n1", "n2", "n3" }));
    }

    [Test]
    public async Task Concurrent_workers_take_every_item_exactly_once()
    {
        var lanes = new DeliveryLanes<int>();
        var taken = new System.Collections.Concurrent.ConcurrentBag<int>();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (await lanes.WaitToReadAsync(CancellationToken.None))
                while (lanes.TryRead(out var item)) taken.Add(item);
        })).ToArray();
        for (var i = 0; i < 10_000; i++) lanes.Write(i, urgent: i % 7 == 0);
        lanes.Complete();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(taken.Order(), Is.EqualTo(Enumerable.Range(0, 10_000)));
    }
}
