using System.CommandLine;
using Gateway.Tests.Spool;
using GovGateway.Cli;
using GovGateway.Quarantine;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.Admin;

/// <summary>`queue show` and `quarantine show` as an administrator reads them, and --save.</summary>
[TestFixture, CancelAfter(30_000)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class HeldMessageCliTests
{
    private TempFolder _data = null!;

    [SetUp] public void SetUp() => _data = new TempFolder();
    [TearDown] public void TearDown() => _data.Dispose();

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = GovGateway.Cli.CommandLine.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }).GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A report with a Vietnamese subject (sent as RFC 2047 encoded words, as every mail client does) and a PDF.</summary>
    private static byte[] Report()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Văn thư", "vanthu@hatinh.gov.vn"));
        message.To.Add(MailboxAddress.Parse("lanhdao@bnv.gov.vn"));
        message.Subject = "Báo cáo tình hình quý 4";
        var body = new BodyBuilder { TextBody = "Kính gửi" };
        body.Attachments.Add("Báo cáo 12-BC.pdf", new byte[12345], new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }

    [Test]
    public async Task Queue_show_decodes_the_subject_lists_attachments_and_saves_the_message_0600()
    {
        var bytes = Report();
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes), Does.Contain("Subject: =?utf-8?"), "the fixture is encoded as mail clients send it");
        var entry = await SpoolTestData.CommitAsync(new GovGateway.Spool.Spool(_data.Path), bytes, SpoolTestData.Envelope("vanthu@hatinh.gov.vn", "lanhdao@bnv.gov.vn"));

        var show = Run("queue", "show", entry.QueueId, "--data", _data.Path);
        Assert.That(show.Code, Is.EqualTo(0), show.Err);
        Assert.That(show.Out, Does.Contain("Subject: Báo cáo tình hình quý 4"));
        Assert.That(show.Out, Does.Contain("Attachments:").And.Contain("Báo cáo 12-BC.pdf  [application/pdf, 12345 bytes]"));

        var file = Path.Combine(_data.Path, "saved.eml");
        var save = Run("queue", "show", entry.QueueId, "--data", _data.Path, "--save", file);
        Assert.That(save.Code, Is.EqualTo(0), save.Err);
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes), "the bytes as received");
        Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

        var again = Run("queue", "show", entry.QueueId, "--data", _data.Path, "-o", file);
        Assert.That(again.Code, Is.EqualTo(2));
        Assert.That(again.Err, Does.Contain("already exists"));
    }

    [Test]
    public async Task Quarantine_show_decodes_lists_and_saves()
    {
        var spool = new GovGateway.Spool.Spool(_data.Path);
        var store = new QuarantineStore(_data.Path);
        using var writer = spool.BeginMessage();
        var bytes = Report();
        await writer.WriteAsync(bytes);
        var id = await store.AddAsync(writer, SpoolTestData.Envelope("vanthu@hatinh.gov.vn", "x@gmail.com"), "secret stamp", CancellationToken.None);

        var show = Run("quarantine", "show", id, "--data", _data.Path);
        Assert.That(show.Code, Is.EqualTo(0), show.Err);
        Assert.That(show.Out, Does.Contain("Subject: Báo cáo tình hình quý 4").And.Contain("Báo cáo 12-BC.pdf"));

        var file = Path.Combine(_data.Path, "held.eml");
        Assert.That(Run("quarantine", "show", id, "--data", _data.Path, "--save", file).Code, Is.EqualTo(0));
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes));
    }

    [Test]
    public void A_wrong_data_folder_is_an_error_not_zero_messages()
    {
        var missing = Path.Combine(_data.Path, "no-such-folder");
        foreach (var verb in new[] { new[] { "queue", "list" }, ["quarantine", "list"], ["queue", "show", "01ABCDEFGHJKMNPQRS"] })
        {
            var result = Run([.. verb, "--data", missing]);
            Assert.That(result.Code, Is.EqualTo(2), string.Join(' ', verb) + ": " + result.Out);
            Assert.That(result.Err, Does.Contain($"--data: no data folder at {missing}"));
            Assert.That(result.Out, Does.Not.Contain("0 messages"));
        }
        var unknown = Run("queue", "show", "01ABCDEFGHJKMNPQRS", "--data", _data.Path);
        Assert.That(unknown.Code, Is.EqualTo(2));
    }
}
