using NUnit.Framework;
using Gateway.Tests.Support;
using GovGateway.Audit;
using MailKit.Net.Smtp;
using MailKit.Security;
using GovGateway.AuditQueries.Server;

namespace Gateway.Tests.EndToEnd;

/// <summary>Staff's mail clients submitting through the gateway to the agency's mail server.</summary>
[TestFixture]
public sealed class SubmissionTests
{
    private const string Password = "Mật-khẩu-2025!";
    private Upstream _upstream = null!;
    private TestGateway _gateway = null!;
    private string _work = null!;

    [SetUp]
    public async Task SetUp()
    {
        _work = TempFolders.Create("e2e");
        _upstream = await Upstream.StartNewAsync();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = _upstream.Port.ToString(),
        });
        Assert.That(await Cli.RunAsync(_gateway.Paths, "users", "add", Mail.Sender, "--password", Password), Is.EqualTo(0));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Test]
    public async Task Invitation_sent_with_swaks_over_starttls_arrives_upstream_with_the_original_bytes_below_the_gateway_headers()
    {
        var message = Mail.WithAttachment("Giấy mời họp giao ban", "giay-moi.txt", Mail.InvitationText);
        var eml = Mail.WriteEml(message, _work);

        var result = await Swaks.SendAsync(_gateway.Submission.Port, Mail.Sender, Mail.Recipient, eml,
            "--tls", "--auth", "LOGIN", "--auth-user", Mail.Sender, "--auth-password", Password);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.All);
        Assert.That(result.All, Does.Contain("<~  250 2.0.0 OK: queued as"));
        var received = await _upstream.WaitForAsync(1, TimeSpan.FromSeconds(20));
        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0].MailFrom, Is.EqualTo(Mail.Sender));
        Assert.That(received[0].Recipients, Is.EqualTo(new[] { Mail.Recipient }));
        // swaks always sends CRLF before the final dot, even after a file that ends with one: that CRLF is part of the message on the wire.
        byte[] onTheWire = [.. File.ReadAllBytes(eml), (byte)'\r', (byte)'\n'];
        Assert.That(Mail.IsOriginalBelowAddedHeaders(received[0].Bytes, onTheWire), Is.True, received[0].Text);
        Assert.That(received[0].Bytes.Length - onTheWire.Length, Is.LessThan(600), "only the gateway's few header lines are added");
        Assert.That(received[0].Text, Does.StartWith("Received: from "));
        Assert.That(received[0].Text, Does.Contain("X-GovVN-Class: invitation"));
        Assert.That(received[0].Text, Does.Contain("X-GovVN-Signature: unsigned"));

        // The audit log holds the exchange with its delivery outcome, and answers over the socket as the CLI asks it.
        var audit = _gateway.Runtime.Audit!;
        AuditRecordView? record = null;
        for (var i = 0; i < 100 && record?.RecipientStatus.FirstOrDefault()?.Outcome != "delivered"; i++)
        {
            await audit.FlushAsync();
            record = audit.Query(new AuditQuery { Decision = "accepted" }).Records.SingleOrDefault();
            await Task.Delay(100);
        }
        Assert.That(record, Is.Not.Null);
        Assert.That(record!.Transaction.MailFrom, Is.EqualTo(Mail.Sender));
        Assert.That(record.Transaction.AuthenticatedUser, Is.EqualTo(Mail.Sender));
        Assert.That(record.Transaction.Listener, Is.EqualTo("submission"));
        Assert.That(record.Transaction.Classes, Is.EqualTo(new[] { "invitation" }));
        Assert.That(record.Transaction.Attachments.Single().Symbol, Is.EqualTo("45/GM-STTTT"));
        Assert.That(record.Transaction.Sha256, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(onTheWire))));
        Assert.That(record.RecipientStatus.Single().Outcome, Is.EqualTo("delivered"));
        var viaSocket = await new AuditClient(_gateway.Paths.DataDir).QueryAsync(new AuditQuery { Symbol = "45/GM-STTTT" });
        Assert.That(viaSocket.Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { record.Transaction.QueueId }));
    }

    [Test]
    public async Task Unsigned_report_is_refused_in_the_session_with_the_rule_and_a_bilingual_reason()
    {
        var message = Mail.WithAttachment("Báo cáo quý III", "bao-cao.txt", Mail.ReportText);
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", _gateway.Submission.Port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(Mail.Sender, Password);

        var ex = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));

        Assert.That((int)ex!.StatusCode, Is.EqualTo(550));
        Assert.That(ex.Message, Does.Contain("[signature]"));
        Assert.That(ex.Message, Does.Contain("ký số").IgnoreCase.Or.Contain("chữ ký").IgnoreCase);
        Assert.That(ex.Message, Does.Contain("sign").IgnoreCase);
        await Task.Delay(500);
        Assert.That(_upstream.Messages(), Is.Empty);

        await _gateway.Runtime.Audit!.FlushAsync();
        var rejected = _gateway.Runtime.Audit.Query(new AuditQuery { Rule = "signature" }).Records.Single().Transaction;
        Assert.That(rejected.Decision, Is.EqualTo("rejected"));
        Assert.That(rejected.Classes, Is.EqualTo(new[] { "report" }));
        Assert.That(rejected.Rules.Single(r => r.Rule == "signature").Mode, Is.EqualTo("enforce"));
        Assert.That(rejected.SmtpReply, Does.StartWith("550 5.7.1"));
        Assert.That(rejected.PolicyVersion, Is.EqualTo(_gateway.Runtime.Policies.Current.Version));
    }

    [Test]
    public async Task Submission_requires_auth_before_mail()
    {
        var result = await Python.SmtpAsync(_gateway.Submission.Port, """
            s.starttls(context=ssl._create_unverified_context()); s.ehlo('client.test')
            print(s.docmd('MAIL FROM:<vanthu@stttt.hatinh.gov.vn>'))
            """);
        Assert.That(result.StdOut, Does.Contain("(530, b'5.7.0"));
    }

    [Test]
    public async Task An_authenticated_user_may_not_send_as_someone_else()
    {
        var result = await Swaks.SendAsync(_gateway.Submission.Port, "giamdoc@stttt.hatinh.gov.vn", Mail.Recipient, null,
            "--tls", "--auth", "PLAIN", "--auth-user", Mail.Sender, "--auth-password", Password);
        Assert.That(result.All, Does.Match(@"<~?\* +553 5\.7\.1"));
        Assert.That(_upstream.Messages(), Is.Empty);
    }

    [Test]
    public async Task Wrong_password_is_refused_with_535()
    {
        var result = await Swaks.SendAsync(_gateway.Smtps.Port, Mail.Sender, Mail.Recipient, null,
            "--tls-on-connect", "--auth", "PLAIN", "--auth-user", Mail.Sender, "--auth-password", "wrong");
        Assert.That(result.All, Does.Match(@"<~?\* +535 5\.7\.8"));
    }

    [Test]
    public async Task Secret_document_is_refused_under_the_secret_rule()
    {
        var message = Mail.WithAttachment("Báo cáo", "bao-cao-mat.txt", Mail.SecretText);
        var eml = Mail.WriteEml(message, _work);
        var result = await Swaks.SendAsync(_gateway.Smtps.Port, Mail.Sender, Mail.Recipient, eml,
            "--tls-on-connect", "--auth", "PLAIN", "--auth-user", Mail.Sender, "--auth-password", Password);
        Assert.That(result.All, Does.Match(@"<~?\* +550[- ]5\.7\.1 \[secret\]"));
        Assert.That(_upstream.Messages(), Is.Empty);
    }
}
