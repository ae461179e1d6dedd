using Gateway.Tests.Spool;
using Gateway.Tests.Support;
using GovGateway.Audit;
using GovGateway.Configuration;
using GovGateway.Quarantine;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Administrators' commands on messages are in the audit log with who ran them, before they take effect, whether the
/// gateway runs (recorded through its audit socket) or not (the command opens the log); bounces are recorded too.
/// </summary>
[TestFixture, CancelAfter(120_000)]
public sealed class AdminAuditTests
{
    private static string Me => Environment.UserName;

    private static async Task<AuditRecordView> WaitForAsync(IAuditReader audit, AuditQuery query, Func<AuditRecordView, bool> done)
    {
        AuditRecordView? record = null;
        for (var i = 0; i < 150; i++)
        {
            await audit.FlushAsync();
            record = audit.Query(query).Records.FirstOrDefault();
            if (record is not null && done(record)) return record;
            await Task.Delay(100);
        }
        Assert.Fail("not recorded: " + System.Text.Json.JsonSerializer.Serialize(record));
        return null!;
    }

    [Test]
    public async Task Queue_retry_and_delete_on_a_running_gateway_are_recorded_with_who_and_the_message_ends_deleted()
    {
        await using var upstream = await Upstream.StartNewAsync();
        upstream.FailWith("451 4.3.0 try later");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        });
        var sent = await Swaks.SendAsync(gateway.Relay.Port, Mail.Sender, Mail.Recipient, null, "--header", "Subject: Thử");
        Assert.That(sent.All, Does.Contain("250 2.0.0 OK: queued as"), sent.All);
        var audit = gateway.Runtime.Audit!;
        var query = new AuditQuery { Decision = "accepted" };
        var deferred = await WaitForAsync(audit, query, r => r.RecipientStatus.Single().Outcome == "deferred");
        var id = deferred.Transaction.QueueId!;

        Assert.That(await Cli.RunAsync(gateway.Paths, "queue", "retry", id), Is.EqualTo(0));
        Assert.That(await Cli.RunAsync(gateway.Paths, "queue", "delete", id), Is.EqualTo(0));
        Assert.That(gateway.Runtime.Spool.Get(id), Is.Null);

        var record = await WaitForAsync(audit, query, r => r.RecipientStatus.Single().Outcome == "deleted");
        var retry = record.Deliveries.First(d => d.Outcome == "retry-requested");
        Assert.That(retry.Reply, Does.StartWith($"gateway queue retry by {Me} (uid "));
        var deleted = record.Deliveries.Last();
        Assert.That(deleted.Outcome, Is.EqualTo("deleted"));
        Assert.That(deleted.Recipient, Is.EqualTo(Mail.Recipient));
        Assert.That(deleted.Reply, Does.StartWith($"gateway queue delete by {Me} (uid "));
        Assert.That(deleted.TimeUtc, Is.EqualTo(DateTime.UtcNow).Within(TimeSpan.FromMinutes(1)));
        Assert.That(audit.Verify().Ok, Is.True, "the admin entries are links of the chain");
    }

    [Test]
    public async Task A_bounce_the_gateway_generates_is_recorded_as_a_transaction_of_its_own()
    {
        await using var upstream = await Upstream.StartNewAsync();
        upstream.FailWith("550 5.1.1 no such user", "lanhdao@");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        });
        var sent = await Swaks.SendAsync(gateway.Relay.Port, Mail.Sender, Mail.Recipient, null, "--header", "Subject: Thử");
        Assert.That(sent.All, Does.Contain("250 2.0.0 OK: queued as"), sent.All);
        var audit = gateway.Runtime.Audit!;
        var original = await WaitForAsync(audit, new AuditQuery { Recipient = Mail.Recipient }, r => r.RecipientStatus.Single().Outcome == "bounced");

        var bounce = await WaitForAsync(audit, new AuditQuery { Recipient = Mail.Sender }, r => r.RecipientStatus.Single().Outcome == "delivered");
        Assert.That(bounce.Transaction.MailFrom, Is.EqualTo(""));
        Assert.That(bounce.Transaction.Listener, Is.EqualTo("bounce"));
        Assert.That(bounce.Transaction.QueueId, Is.Not.EqualTo(original.Transaction.QueueId));
        Assert.That(bounce.Transaction.Rules.Single().Message, Does.StartWith($"{original.Transaction.QueueId} <{Mail.Recipient}>: 550 5.1.1"));
        var delivered = await upstream.WaitForAsync(1, TimeSpan.FromSeconds(20));
        Assert.That(delivered.Single().MailFrom, Is.EqualTo("<>"));
    }

    private static async Task<(TempFolder Data, string Id)> HeldMessageAsync()
    {
        var data = new TempFolder();
        var spool = new GovGateway.Spool.Spool(data.Path);
        var store = new QuarantineStore(data.Path);
        string id;
        using (var writer = spool.BeginMessage())
        {
            await writer.WriteAsync(SpoolTestData.SimpleMessage("Held"));
            id = await store.AddAsync(writer, SpoolTestData.Envelope("vanthu@agency.gov.vn", "rcpt@upstream.test"), "manual review");
        }
        await using var audit = await AuditLog.OpenAsync(data.Path, new AuditOptions());
        await audit.AppendAsync(new AuditTransaction { QueueId = id, MailFrom = "vanthu@agency.gov.vn", Recipients = ["rcpt@upstream.test"], Decision = "quarantined", Listener = "relay" });
        return (data, id);
    }

    private static async Task<AuditRecordView> OfflineRecordAsync(string dataDir)
    {
        await using var audit = await AuditLog.OpenAsync(dataDir, new AuditOptions());
        return audit.Query(new AuditQuery { Decision = "quarantined" }).Records.Single();
    }

    [TestCase("release", "released")]
    [TestCase("delete", "deleted")]
    public async Task Quarantine_commands_with_no_gateway_running_record_in_the_log_themselves(string verb, string outcome)
    {
        var (data, id) = await HeldMessageAsync();
        using (data)
        {
            var paths = new GovGateway.Configuration.GatewayPaths(RepoPaths.ShippedConfig, data.Path);
            Assert.That(await Cli.RunAsync(paths, "quarantine", verb, id), Is.EqualTo(0));
            Assert.That(new QuarantineStore(data.Path).Get(id), Is.Null);

            var record = await OfflineRecordAsync(data.Path);
            var entry = record.Deliveries.Single();
            Assert.That((entry.Outcome, entry.Recipient), Is.EqualTo((outcome, "rcpt@upstream.test")));
            Assert.That(entry.Reply, Does.StartWith($"gateway quarantine {verb} by {Me} (uid "));
        }
    }

    [Test]
    public async Task When_the_log_cannot_record_the_command_does_nothing()
    {
        var (data, id) = await HeldMessageAsync();
        using (data)
        {
            var paths = new GovGateway.Configuration.GatewayPaths(RepoPaths.ShippedConfig, data.Path);
            // Another process owns the log and answers no socket: the action cannot be recorded.
            await using (await AuditLog.OpenAsync(data.Path, new AuditOptions()))
                Assert.That(await Cli.RunAsync(paths, "quarantine", "delete", id), Is.EqualTo(1));
            Assert.That(new QuarantineStore(data.Path).Get(id), Is.Not.Null, "still held");
            Assert.That((await OfflineRecordAsync(data.Path)).Deliveries, Is.Empty);
        }
    }
}
