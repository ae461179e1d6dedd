using System.CommandLine;
using System.Text.Json;
using Gateway.Tests.Audit.Postgres;
using Gateway.Tests.Support;
using GovGateway.Archive;
using MailKit.Net.Smtp;
using NUnit.Framework;

namespace Gateway.Tests.Archive;

/// <summary>
/// With Audit:Store=PostgreSQL the archive lives in the same database, shared by every node: a document sent through
/// two nodes is one document with both exchanges, found and read back through either, and by the verbs on a stopped node.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ArchivePostgresTests
{
    private PostgresCluster _pg = null!;

    [OneTimeSetUp]
    public async Task StartPostgres() => _pg = await PostgresCluster.StartAsync();

    [OneTimeTearDown]
    public async Task StopPostgres() => await _pg.DisposeAsync();

    private string NodeConfig(string node)
    {
        var config = ArchiveTestKit.ConfigWithTrust();
        File.WriteAllText(Path.Combine(config, "appsettings.json"), JsonSerializer.Serialize(new
        {
            Node = new { Name = node },
            Audit = new { Store = "PostgreSQL", ConnectionString = _pg.ConnectionString },
            Archive = new { Enabled = true },
        }));
        return config;
    }

    private static async Task SendAsync(TestGateway gateway, byte[] pdf)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", gateway.Relay.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(ArchiveTestKit.WithDocument("Báo cáo chuyển đổi số", "bao-cao-12.pdf", pdf));
        await client.DisconnectAsync(true);
    }

    [Test, CancelAfter(240_000)]
    public async Task A_document_sent_through_two_nodes_is_one_document_with_both_exchanges_found_through_either()
    {
        var configA = NodeConfig("gw-a");
        var configB = NodeConfig("gw-b");
        var pdf = ArchiveTestKit.SignedReport();
        var id = ArchiveTestKit.Sha256(pdf);
        await using (var a = await TestGateway.StartAsync(configDir: configA))
        await using (var b = await TestGateway.StartAsync(configDir: configB))
        {
            await SendAsync(a, pdf);
            await SendAsync(b, pdf);
            var found = await ArchiveTestKit.UntilAsync(() => b.Runtime.Archive!.Archive.Find(id), d => d?.Exchanges.Count == 2,
                TimeSpan.FromSeconds(60), "both exchanges in the shared archive");
            Assert.That(found!.Exchanges.Select(e => e.Node), Is.EquivalentTo(new[] { "gw-a", "gw-b" }));
            var hits = a.Runtime.Archive!.Archive.Search(new ArchiveQuery { Text = "chuyen doi so" });
            Assert.That(hits.Total, Is.EqualTo(1));
            Assert.That(hits.Hits[0].Passages, Has.Some.Contains(ArchiveMarks.Start));
            var (_, bytes) = await b.Runtime.Archive!.GetAsync(id[..10], new GovGateway.Archiving.ArchiveActor("kiemtoan", null, null, "test"));
            Assert.That(bytes, Is.EqualTo(pdf));
        }

        // Both nodes stopped: the verb reads the node's settings and asks PostgreSQL itself.
        var output = new StringWriter();
        var code = await GovGateway.Cli.CommandLine.InvokeAsync(["archive", "search", "chuyển đổi số", "--format", "json", "--config", configA, "--data", TempFolders.Create("gw-data")],
            new InvocationConfiguration { Output = output, Error = output });
        Assert.That(code, Is.EqualTo(0), output.ToString());
        var json = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.That(json.GetProperty("total").GetInt32(), Is.EqualTo(1));
        Assert.That(json.GetProperty("hits")[0].GetProperty("document").GetProperty("exchanges").GetArrayLength(), Is.EqualTo(2));
        Directory.Delete(configA, true);
        Directory.Delete(configB, true);
    }
}
