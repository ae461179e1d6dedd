using System.CommandLine;
using Gateway.Tests.Delivery;
using Gateway.Tests.Spool;
using GovGateway.Cli.Quarantine;
using GovGateway.Delivery;
using GovGateway.Quarantine;
using NUnit.Framework;

namespace Gateway.Tests.Quarantine;

[TestFixture, CancelAfter(60_000)]
public class QuarantineTests
{
    TempFolder _data = null!;

    [SetUp] public void SetUp() => _data = new TempFolder();
    [TearDown] public void TearDown() => _data.Dispose();

    static async Task<string> QuarantineAsync(GovGateway.Spool.Spool spool, QuarantineStore store, string subject, string reason)
    {
        using var writer = spool.BeginMessage();
        await writer.WriteAsync(SpoolTestData.SimpleMessage(subject));
        return await store.AddAsync(writer, SpoolTestData.Envelope("vanthu@agency.gov.vn", "rcpt@upstream.test"), reason, CancellationToken.None);
    }

    static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(QuarantineCommands.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Quarantined_message_is_kept_durably_and_not_queued()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        var store = new QuarantineStore(_data.Path);
        var id = await QuarantineAsync(spool, store, "Held", "Tài liệu mật không được gửi ra ngoài / classified attachment");

        Assert.That(spool.List(), Is.Empty);
        Assert.That(Directory.GetFiles(spool.IncomingDir), Is.Empty);
        var entry = new QuarantineStore(_data.Path).Get(id)!;
        Assert.That(entry.Record.Reason, Does.Contain("classified"));
        Assert.That(entry.Record.Envelope.MailFrom, Is.EqualTo("vanthu@agency.gov.vn"));
        using (var reader = new StreamReader(entry.OpenMessage()))
            Assert.That(reader.ReadToEnd(), Does.Contain("Subject: Held"));
        Assert.That(store.List().Select(q => q.Id), Is.EqualTo(new[] { id }));
    }

    [Test]
    public async Task Release_from_the_command_line_gets_the_message_delivered_by_the_running_service()
    {
        await using var upstream = new TestUpstream();
        var spool = new GovGateway.Spool.Spool(_data.Path);
        var store = new QuarantineStore(_data.Path, spool);
        var id = await QuarantineAsync(spool, store, "Released", "manual review");
        var other = await QuarantineAsync(spool, store, "Dropped", "spam");
        using var service = new DeliveryService(spool, DeliveryTestKit.Options(upstream.Port));
        await service.StartAsync(CancellationToken.None);
        try
        {
            var list = Cli("quarantine", "list", "--data", _data.Path);
            Assert.That(list.Code, Is.EqualTo(0));
            Assert.That(list.Out, Does.Contain(id).And.Contain(other).And.Contain("manual review").And.Contain("2 messages"));

            var show = Cli("quarantine", "show", id, "--data", _data.Path);
            Assert.That(show.Out, Does.Contain("Subject: Released").And.Contain("manual review"));

            // The CLI is another process: it has its own store and spool; the service sees the release on its next scan.
            var release = Cli("quarantine", "release", id, "--data", _data.Path);
            Assert.That(release.Code, Is.EqualTo(0), release.Err);
            var received = await upstream.WaitForMessagesAsync(1, TimeSpan.FromSeconds(20));
            Assert.That(received, Has.Length.EqualTo(1));
            Assert.That(System.Text.Encoding.UTF8.GetString(received[0].Data), Does.Contain("Subject: Released"));

            var delete = Cli("quarantine", "delete", other, "--data", _data.Path);
            Assert.That(delete.Code, Is.EqualTo(0));
            Assert.That(store.List(), Is.Empty);
            Assert.That(Cli("quarantine", "release", other, "--data", _data.Path).Code, Is.EqualTo(2));
            Assert.That(Cli("quarantine", "show", "../../etc/passwd", "--data", _data.Path).Err, Does.Contain("No quarantined message"));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}
