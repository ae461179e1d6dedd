using Gateway.Tests.Support;
using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Refusals the SMTP engine makes by itself (size, bare LF, line length, timeouts) are bilingual and
/// recorded in the audit log like the policy's own.
/// </summary>
[TestFixture]
public sealed class EngineRefusalTests
{
    private TestGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Smtp:MaxMessageSize"] = (1024 * 1024).ToString(),
            ["Smtp:CommandTimeout"] = "00:00:01",
        });
    }

    [OneTimeTearDown]
    public async Task TearDown() => await _gateway.DisposeAsync();

    private async Task<AuditTransaction> RecordFromAsync(string sender)
    {
        var audit = _gateway.Runtime.Audit!;
        for (var i = 0; i < 50; i++)
        {
            await audit.FlushAsync();
            var found = audit.Query(new AuditQuery { Sender = sender }).Records;
            if (found.Count > 0) return found.Single().Transaction;
            await Task.Delay(100);
        }
        Assert.Fail($"no audit record from {sender}");
        return null!;
    }

    [Test]
    public async Task Size_declared_at_mail_is_refused_naming_the_limit_in_MB_and_audited()
    {
        const string sender = "size@stttt.hatinh.gov.vn";
        var result = await Python.SmtpAsync(_gateway.Relay.Port, $"print(s.docmd('MAIL FROM:<{sender}> SIZE=5000000'))");
        Assert.That(result.StdOut, Does.Contain("552, b'5.3.4"), result.All);
        var text = result.StdOut;
        Assert.That(text, Does.Contain("1 MB").And.Contain(" / Message size exceeds the maximum of 1 MB"), result.All);
        Assert.That(text, Does.Contain("\\xe1\\xbb\\x91i \\xc4\\x91a"), "Vietnamese first (\"tối đa\", UTF-8): " + result.All);

        var record = await RecordFromAsync(sender);
        Assert.That(record.Decision, Is.EqualTo("rejected"));
        Assert.That(record.Size, Is.EqualTo(5_000_000), "the declared size");
        Assert.That(record.SmtpReply, Does.StartWith("552 5.3.4 Thư vượt quá kích thước tối đa 1 MB"));
        Assert.That(record.Rules.Select(r => r.Rule), Is.EqualTo(new[] { "smtp-size" }));
        Assert.That(record.Listener, Is.EqualTo("relay"));
    }

    [Test]
    public async Task Bare_LF_in_content_is_refused_in_both_languages_and_audited()
    {
        const string sender = "barelf@stttt.hatinh.gov.vn";
        var result = await Python.SmtpAsync(_gateway.Relay.Port, $$"""
            s.mail('{{sender}}')
            s.rcpt('{{Mail.Recipient}}')
            s.putcmd('DATA')
            print(s.getreply())
            s.send(b'Subject: x\r\n\r\nline one\nline two\r\n.\r\n')
            print(s.getreply())
            """);
        Assert.That(result.StdOut, Does.Contain("(550, b'5.5.2").And.Contain(" / Bare <CR> or <LF> in message content"), result.All);
        var record = await RecordFromAsync(sender);
        Assert.That(record.Decision, Is.EqualTo("rejected"));
        Assert.That(record.Recipients, Is.EqualTo(new[] { Mail.Recipient }));
        Assert.That(record.Rules.Select(r => r.Rule), Is.EqualTo(new[] { "smtp-bare-line-break" }));
    }

    [Test]
    public async Task A_line_over_the_limit_is_refused_in_both_languages_and_audited()
    {
        const string sender = "longline@stttt.hatinh.gov.vn";
        var result = await Python.SmtpAsync(_gateway.Relay.Port, $$"""
            s.mail('{{sender}}')
            s.rcpt('{{Mail.Recipient}}')
            print(s.data(b'Subject: x\r\n\r\n' + b'a' * 1500 + b'\r\n'))
            """);
        Assert.That(result.StdOut, Does.Contain("(500, b'5.5.6").And.Contain(" / Message line longer than 1000 octets"), result.All);
        var record = await RecordFromAsync(sender);
        Assert.That(record.Rules.Select(r => r.Rule), Is.EqualTo(new[] { "smtp-line-length" }));
    }

    [Test]
    public async Task A_client_silent_after_mail_gets_a_bilingual_421_and_the_transaction_is_audited()
    {
        const string sender = "silent@stttt.hatinh.gov.vn";
        var result = await Python.SmtpAsync(_gateway.Relay.Port, $$"""
            import time
            s.mail('{{sender}}')
            s.rcpt('{{Mail.Recipient}}')
            time.sleep(2)
            print(s.getreply())
            """);
        Assert.That(result.StdOut, Does.Contain("(421, b'4.4.2").And.Contain(" / Timeout waiting for command"), result.All);
        var record = await RecordFromAsync(sender);
        Assert.That(record.Decision, Is.EqualTo("failed"));
        Assert.That(record.Recipients, Is.EqualTo(new[] { Mail.Recipient }));
        Assert.That(record.Rules.Select(r => r.Rule), Is.EqualTo(new[] { "smtp-timeout" }));
    }

    [Test]
    public async Task Syntax_errors_are_answered_in_both_languages()
    {
        var result = await Python.SmtpAsync(_gateway.Relay.Port, "print(s.docmd('MAIL FROM:<not an address>'))");
        Assert.That(result.StdOut, Does.Contain("(501, b'5.1.7 \\xc4\\x90\\xe1\\xbb\\x8ba ch\\xe1\\xbb\\x89 th\\xc6\\xb0 kh\\xc3\\xb4ng \\xc4\\x91\\xc3\\xbang c\\xc3\\xba ph\\xc3\\xa1p / Bad sender address syntax')"), result.All);
    }

    [Test]
    public async Task Bad_sequence_is_answered_in_both_languages()
    {
        var result = await Python.SmtpAsync(_gateway.Relay.Port, "print(s.docmd('RCPT TO:<" + Mail.Recipient + ">'))");
        Assert.That(result.StdOut, Does.Contain("(503, b'5.5.1 Sai tr\\xc3\\xacnh t\\xe1\\xbb\\xb1: c\\xe1\\xba\\xa7n g\\xe1\\xbb\\xadi l\\xe1\\xbb\\x87nh MAIL tr\\xc6\\xb0\\xe1\\xbb\\x9bc / Bad sequence: need MAIL command first')"), result.All);
    }
}
