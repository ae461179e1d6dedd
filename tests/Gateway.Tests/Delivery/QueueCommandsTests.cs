using System.CommandLine;
using Gateway.Tests.Spool;
using GovGateway.Cli.Queue;
using GovGateway.Spool;
using NUnit.Framework;

namespace Gateway.Tests.Delivery;

[TestFixture, CancelAfter(30_000)]
public class QueueCommandsTests
{
    TempFolder _data = null!;

    [SetUp] public void SetUp() => _data = new TempFolder();
    [TearDown] public void TearDown() => _data.Dispose();

    (int Code, string Out, string Err) Cli(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(QueueCommands.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(args.Concat(new[] { "--data", _data.Path }).ToArray()).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public async Task List_show_retry_and_delete()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        var envelope = SpoolTestData.Envelope("vanthu@agency.gov.vn", "a@upstream.test", "b@upstream.test");
        var entry = await SpoolTestData.CommitAsync(spool, SpoolTestData.SimpleMessage("Báo cáo tuần"), envelope);
        entry.Envelope.Attempts = 2;
        entry.Envelope.Recipients[0].Status = RecipientStatus.Delivered;
        entry.Envelope.Recipients[0].LastReply = "250 2.0.0 ok";
        entry.Envelope.Recipients[1].LastReply = "451 4.3.0 mailbox busy";
        await spool.UpdateAsync(entry);

        var list = Cli("queue", "list");
        Assert.That(list.Code, Is.EqualTo(0), list.Err);
        Assert.That(list.Out, Does.Contain(entry.QueueId).And.Contain("<vanthu@agency.gov.vn>").And.Contain("attempts 2"));
        Assert.That(list.Out, Does.Contain("Delivered <a@upstream.test>  250 2.0.0 ok"));
        Assert.That(list.Out, Does.Contain("Pending   <b@upstream.test>  451 4.3.0 mailbox busy"));
        Assert.That(list.Out, Does.Contain("1 message"));

        var show = Cli("queue", "show", entry.QueueId);
        Assert.That(show.Code, Is.EqualTo(0));
        Assert.That(show.Out, Does.Contain("Subject: Báo cáo tuần").And.Contain("last reply: 451 4.3.0 mailbox busy"));

        var retry = Cli("queue", "retry", entry.QueueId);
        Assert.That(retry.Code, Is.EqualTo(0));
        Assert.That(File.Exists(Path.Combine(spool.QueueDir, entry.QueueId + ".retry")), Is.True);

        Assert.That(Cli("queue", "show", "01ABCDEFGHJKMNPQRS").Code, Is.EqualTo(2), "an unknown id is a usage error");
        Assert.That(Cli("queue", "retry", "nonsense").Err, Does.Contain("No queued message"));

        var delete = Cli("queue", "delete", entry.QueueId);
        Assert.That(delete.Code, Is.EqualTo(0));
        Assert.That(spool.List(), Is.Empty);
        Assert.That(Cli("queue", "list").Out, Does.Contain("0 messages"));
    }
}
