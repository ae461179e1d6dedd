using System.Text.Json;
using GovGateway.Audit;
using GovGateway.AuditQueries.Output;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

/// <summary>
/// A LiteDB log's records name the node that wrote them (Node:Name), as the shared store's do, and `audit query` shows
/// them: always in JSON and CSV, and as a table column once records of more than one node are listed.
/// </summary>
[TestFixture]
public sealed class AuditNodeNameTests
{
    [Test]
    public async Task A_litedb_log_records_the_node_and_still_verifies_across_records_written_before_it_did()
    {
        using var dir = new TempFolder();
        await using (var before = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
            await before.AppendAsync(AuditTestData.Accepted("OLD1", AuditTestData.T0));
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions(), node: "gw1");
        await log.AppendAsync(AuditTestData.Accepted("NEW1", AuditTestData.T0.AddSeconds(1)));
        log.RecordDelivery(AuditTestData.Delivery("NEW1", "lanhdao@sotttt.hanoi.gov.vn", AuditOutcomes.Delivered, "250 ok", AuditTestData.T0.AddSeconds(2)));
        await log.FlushAsync();

        var records = log.Query(new AuditQuery()).Records;
        Assert.That(records.Select(r => (r.Transaction.QueueId, r.Node)), Is.EqualTo(new[] { ("NEW1", "gw1"), ("OLD1", (string?)null) }));
        Assert.That(records[0].RecipientStatus.Single().Outcome, Is.EqualTo(AuditOutcomes.Delivered));
        var verified = log.Verify();
        Assert.That(verified.Ok, Is.True, verified.Message);

        var json = new StringWriter();
        AuditFormatter.WriteQuery(json, new AuditQueryResult { Records = [records[0]] }, "json");
        using var doc = JsonDocument.Parse(json.ToString());
        Assert.That(doc.RootElement.GetProperty("records")[0].GetProperty("node").GetString(), Is.EqualTo("gw1"));
        var csv = new StringWriter();
        AuditFormatter.WriteQuery(csv, new AuditQueryResult { Records = [records[0]] }, "csv");
        Assert.That(csv.ToString().Split("\r\n")[1], Does.EndWith(",gw1"));
    }

    [Test]
    public async Task The_table_shows_a_node_column_when_records_of_two_nodes_are_listed()
    {
        using var one = new TempFolder();
        using var two = new TempFolder();
        var records = new List<AuditRecordView>();
        foreach (var (dir, node, queueId) in new[] { (one, "gw1", "Q1"), (two, "gw2", "Q2") })
        {
            await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions(), node: node);
            await log.AppendAsync(AuditTestData.Accepted(queueId, AuditTestData.T0));
            await log.FlushAsync();
            records.AddRange(log.Query(new AuditQuery()).Records);
        }

        var both = new StringWriter();
        AuditFormatter.WriteQuery(both, new AuditQueryResult { Records = records }, "table");
        var lines = both.ToString().Split('\n');
        Assert.That(lines[0], Does.Match(@"^Time \(UTC\)\s+Node\s+Queue"));
        Assert.That(lines.Single(l => l.Contains("Q1")), Does.Contain(" gw1 "));
        Assert.That(lines.Single(l => l.Contains("Q2")), Does.Contain(" gw2 "));

        var single = new StringWriter();
        AuditFormatter.WriteQuery(single, new AuditQueryResult { Records = [records[0]] }, "table");
        Assert.That(single.ToString().Split('\n')[0], Does.Not.Contain("Node"), "one node's log needs no node column");
    }
}
