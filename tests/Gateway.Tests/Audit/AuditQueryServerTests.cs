using System.Net.Sockets;
using GovGateway.Audit;
using NUnit.Framework;
using GovGateway.AuditQueries.Server;

namespace Gateway.Tests.Audit;

[TestFixture]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class AuditQueryServerTests
{
    [Test]
    public async Task Queries_over_the_socket_answer_while_another_task_inserts_at_load()
    {
        using var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        await using var server = new AuditQueryServer(dir.Path, log);
        await server.StartAsync(CancellationToken.None);
        Assert.That(File.GetUnixFileMode(server.SocketPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(server.SocketPath)!) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherExecute), Is.EqualTo(UnixFileMode.None));

        const int Total = 600;
        using var loadDone = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int i = w; i < Total; i += 8)
            {
                await log.AppendAsync(AuditTestData.Accepted($"L{i:D4}", AuditTestData.T0.AddSeconds(i)));
                await log.RecordDeliveryAsync(AuditTestData.Delivery($"L{i:D4}", "lanhdao@sotttt.hanoi.gov.vn", "delivered", "250 ok", AuditTestData.T0.AddSeconds(i + 1)));
            }
        })));

        var client = new AuditClient(dir.Path);
        int queries = 0, lastSeen = 0;
        while (!load.IsCompleted)
        {
            var result = await client.QueryAsync(new AuditQuery { Limit = 10_000 });
            Assert.That(result.Records.Count, Is.GreaterThanOrEqualTo(lastSeen), "records never disappear");
            lastSeen = result.Records.Count;
            var stats = await client.StatsAsync(null, null);
            Assert.That(stats.Transactions, Is.GreaterThanOrEqualTo(lastSeen));
            queries++;
        }
        await load;
        await log.FlushAsync();

        var final = await client.QueryAsync(new AuditQuery { Limit = 10_000, Subject = "giay moi" });
        Assert.That(final.Records, Has.Count.EqualTo(Total));
        Assert.That(final.Records.All(r => r.RecipientStatus.Single().Outcome == "delivered"), Is.True);
        var verify = await client.VerifyAsync();
        Assert.That(verify.Ok, Is.True, verify.Message);
        Assert.That(verify.Checked, Is.EqualTo(2 * Total));
        Assert.That(queries, Is.GreaterThan(0));

        await server.StopAsync(CancellationToken.None);
        Assert.That(File.Exists(server.SocketPath), Is.False);
        Assert.That(await client.PingAsync(), Is.False);
    }

    [Test]
    public async Task A_query_sees_a_record_appended_just_before_it_even_with_long_batching_delays()
    {
        using var dir = new TempFolder();
        var options = AuditTestData.FastOptions();
        options.CommitDelay = TimeSpan.FromSeconds(2);
        options.FlushInterval = TimeSpan.FromSeconds(2);
        await using var log = await AuditLog.OpenAsync(dir.Path, options);
        await using var server = new AuditQueryServer(dir.Path, log);
        await server.StartAsync(CancellationToken.None);
        var client = new AuditClient(dir.Path);

        // Carried, as an accepted message's record is: nobody waits for the journal, which holds it up to CommitDelay.
        var carried = log.Carry(AuditTestData.Accepted("FRESH1", DateTime.UtcNow));
        log.AppendCarried(carried);
        log.RecordDelivery(AuditTestData.Delivery("FRESH1", "lanhdao@sotttt.hanoi.gov.vn", "delivered", "250 ok", DateTime.UtcNow));

        var result = await client.QueryAsync(new AuditQuery { Limit = 10 });
        Assert.That(result.Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { "FRESH1" }));
        Assert.That(result.Records.Single().RecipientStatus.Single().Outcome, Is.EqualTo("delivered"));
        Assert.That((await client.StatsAsync(null, null)).Transactions, Is.EqualTo(1));
    }

    [Test]
    public async Task Bad_requests_get_an_error_answer_not_a_crash()
    {
        using var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        await using var server = new AuditQueryServer(dir.Path, log);
        await server.StartAsync(CancellationToken.None);

        Assert.That(await RawAsync(server.SocketPath, "this is not json\n"), Does.Contain("\"ok\":false"));
        Assert.That(await RawAsync(server.SocketPath, "{\"op\":\"drop\"}\n"), Does.Contain("unknown op"));
        Assert.That(await RawAsync(server.SocketPath, "{\"op\":\"query\",\"query\":{\"limit\":0}}\n"), Does.Contain("\"ok\":false"));
        var ex = Assert.ThrowsAsync<AuditServerException>(() => new AuditClient(dir.Path).QueryAsync(new AuditQuery { Limit = -1 }));
        Assert.That(ex!.Message, Does.Contain("limit"));
        Assert.That(await new AuditClient(dir.Path).PingAsync(), Is.True, "the server still answers");
    }

    [Test]
    public async Task A_stale_socket_file_is_replaced_and_a_live_one_is_refused()
    {
        using var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        var path = new AuditClient(dir.Path).SocketPath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            dead.Bind(new UnixDomainSocketEndPoint(path)); // bound, never listening: what a killed process leaves
        Assert.That(await new AuditClient(dir.Path).PingAsync(), Is.False);

        await using var server = new AuditQueryServer(dir.Path, log);
        await server.StartAsync(CancellationToken.None);
        Assert.That(await new AuditClient(dir.Path).PingAsync(), Is.True);

        await using var second = new AuditQueryServer(dir.Path, log);
        Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync(CancellationToken.None));
    }

    private static async Task<string> RawAsync(string socketPath, string request)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(request));
        using var reader = new StreamReader(stream);
        return await reader.ReadLineAsync() ?? "";
    }
}
