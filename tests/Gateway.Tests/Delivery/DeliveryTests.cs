using GovGateway.Audit;
using System.Text;
using GovGateway.Access;
using GovGateway.Access.Relay;
using GovGateway.Delivery;
using GovGateway.Spool;
using Gateway.Tests.Spool;
using MimeKit;
using NUnit.Framework;
using static Gateway.Tests.Delivery.DeliveryTestKit;
using static GovGateway.TestKit.Eventually;

namespace Gateway.Tests.Delivery;

[TestFixture, CancelAfter(60_000)]
public class DeliveryTests
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    TempFolder _data = null!;
    TestUpstream _upstream = null!;
    GovGateway.Spool.Spool _spool = null!;
    RecordingObserver _observer = null!;
    DeliveryService? _service;

    [SetUp]
    public void SetUp()
    {
        _data = new TempFolder();
        _upstream = new TestUpstream();
        _spool = new GovGateway.Spool.Spool(_data.Path);
        _observer = new RecordingObserver();
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_service is not null)
        {
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
        }
        await _upstream.DisposeAsync();
        _data.Dispose();
    }

    async Task StartAsync(DeliveryOptions options)
    {
        _service = new DeliveryService(_spool, options, _observer);
        await _service.StartAsync(CancellationToken.None);
    }

    [Test]
    public async Task A_retry_of_an_urgent_message_queued_by_another_process_puts_it_in_the_urgent_lane()
    {
        var options = Options(_upstream.Port);
        options.MaxConcurrency = 1; // one worker: the order messages arrive in is the order it takes them in
        options.ScanInterval = TimeSpan.FromHours(1); // only the retry brings the other process's message in
        int inData = 0;
        using var hold = new ManualResetEventSlim(false);
        _upstream.DataReply = () =>
        {
            Interlocked.Increment(ref inData);
            hold.Wait(TimeSpan.FromSeconds(30));
            return null;
        };
        await StartAsync(options);

        await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage("Ordinary 1"), SpoolTestData.Envelope("a@agency.gov.vn", "rcpt@upstream.test"));
        await UntilAsync(() => Volatile.Read(ref inData) == 1, Wait, "the worker busy with the first message");
        await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage("Ordinary 2"), SpoolTestData.Envelope("a@agency.gov.vn", "rcpt@upstream.test"));
        await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage("Ordinary 3"), SpoolTestData.Envelope("a@agency.gov.vn", "rcpt@upstream.test"));

        // Another process (a release by `gateway quarantine`, a restore) queues a HỎA TỐC message, then `gateway queue retry`.
        var other = new GovGateway.Spool.Spool(_data.Path);
        var envelope = SpoolTestData.Envelope("a@agency.gov.vn", "rcpt@upstream.test");
        envelope.Urgency = "hoa-toc";
        var urgent = await SpoolTestData.CommitAsync(other, SpoolTestData.SimpleMessage("Urgent"), envelope);
        Assert.That(other.MarkForRetry(urgent.QueueId), Is.True);
        await UntilAsync(() => !File.Exists(Path.Combine(_spool.QueueDir, urgent.QueueId + ".retry")), Wait, "the retry taken");
        await Task.Delay(300);

        hold.Set();
        var received = await _upstream.WaitForMessagesAsync(4, Wait);
        var subjects = received.Select(m => Encoding.UTF8.GetString(m.Data)).Select(t => t[(t.IndexOf("Subject: ", StringComparison.Ordinal) + 9)..t.IndexOf("\r\n", t.IndexOf("Subject: ", StringComparison.Ordinal), StringComparison.Ordinal)]);
        Assert.That(subjects, Is.EqualTo(new[] { "Ordinary 1", "Urgent", "Ordinary 2", "Ordinary 3" }), "the urgent message is taken before the ordinary ones waiting");
    }

    static readonly string[] Prepend =
    [
        "Received: from client.agency.gov.vn ([127.0.0.1])\r\n\tby gw.test with ESMTPSA id 0123;\r\n\tMon, 23 Nov 2026 10:00:00 +0000",
        "X-GovVN-Class: official-document",
        "X-GovVN-Policy: accepted",
    ];

    static byte[] EightBitMessage()
    {
        var sb = new StringBuilder();
        sb.Append("Received: from a.example by b.example with ESMTP id 1;\r\n\tMon, 23 Nov 2026 09:00:00 +0700\r\n");
        sb.Append("From: =?UTF-8?B?VsSDbiB0aMawIMSRaeG7h24=?= <vanthu@agency.gov.vn>\r\n");
        sb.Append("To: \"Người nhận\" <rcpt@upstream.test>\r\n");
        sb.Append("Subject: A very long subject that goes on and on well past the usual seventy-eight\r\n  columns, folded by hand\r\n\twith a tab continuation\r\n");
        sb.Append("X-Odd:no-space-after-colon\r\n");
        sb.Append("X-Trailing: value with trailing spaces   \r\n");
        sb.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        sb.Append("Công văn số 123/UBND-VP về việc đôn đốc triển khai.\r\n");
        sb.Append(".a line starting with a dot\r\n..two dots\r\n.\r\n");
        sb.Append(new string('x', 1200)).Append("\r\n");
        sb.Append("Trailing whitespace   \r\n\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    byte[] OpensslSignedMessage()
    {
        var dir = Path.Combine(_data.Path, "smime");
        Directory.CreateDirectory(dir);
        var key = ToolRunner.Run("openssl", "req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=vanthu@agency.gov.vn".Split(' '), dir);
        Assert.That(key.ExitCode, Is.EqualTo(0), key.All);
        File.WriteAllBytes(Path.Combine(dir, "body.txt"), Encoding.UTF8.GetBytes(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nQuyết định số 45/QĐ-UBND.\r\n.dot line\r\n"));
        var sign = ToolRunner.Run("openssl", "cms -sign -in body.txt -signer cert.pem -inkey key.pem -crlfeol -from vanthu@agency.gov.vn -to rcpt@upstream.test -subject Signed -out signed.eml".Split(' '), dir);
        Assert.That(sign.ExitCode, Is.EqualTo(0), sign.All);
        var signed = File.ReadAllBytes(Path.Combine(dir, "signed.eml"));
        Assert.That(Encoding.ASCII.GetString(signed), Does.Contain("multipart/signed"));
        return signed;
    }

    static byte[] ExpectedOnWire(byte[] original) =>
        Encoding.UTF8.GetBytes(string.Concat(Prepend.Select(h => h + "\r\n"))).Concat(original).ToArray();

    [Test]
    public async Task Delivered_bytes_are_the_received_bytes_with_only_the_prepended_headers_added()
    {
        await StartAsync(Options(_upstream.Port));
        var eightBit = EightBitMessage();
        var signed = OpensslSignedMessage();

        var e1 = SpoolTestData.Envelope("vanthu@agency.gov.vn", "rcpt@upstream.test");
        e1.BodyType = "8BITMIME";
        e1.PrependHeaders.AddRange(Prepend);
        var e2 = SpoolTestData.Envelope("vanthu@agency.gov.vn", "rcpt@upstream.test");
        e2.BodyType = "8BITMIME";
        e2.PrependHeaders.AddRange(Prepend);
        var first = await SpoolTestData.CommitAsync(_spool, eightBit, e1);
        await UntilAsync(() => _upstream.Messages.Count == 1, Wait, "first message");
        var second = await SpoolTestData.CommitAsync(_spool, signed, e2);
        var received = await _upstream.WaitForMessagesAsync(2, Wait);

        Assert.That(received, Has.Length.EqualTo(2));
        Assert.That(received[0].Data, Is.EqualTo(ExpectedOnWire(eightBit)), "8bit message changed in transit");
        Assert.That(received[1].Data, Is.EqualTo(ExpectedOnWire(signed)), "signed message changed in transit");
        Assert.That(received[0].MailFromLine, Does.Contain("<vanthu@agency.gov.vn>").And.Contain("BODY=8BITMIME"));

        var onDisk = Path.Combine(_data.Path, "received-signed.eml");
        File.WriteAllBytes(onDisk, received[1].Data);
        var verify = await ToolRunner.RunAsync("openssl", ["cms", "-verify", "-noverify", "-in", onDisk, "-out", "/dev/null"]);
        Assert.That(verify.ExitCode, Is.EqualTo(0), "openssl cms -verify on the relayed bytes: " + verify.All);
        Assert.That(verify.All, Does.Contain("Verification successful"));

        await UntilAsync(() => !_spool.List().Any(), Wait, "queue empty");
        Assert.That(_observer.Has("rcpt@upstream.test", AuditOutcomes.Queued), Is.True);
        await UntilAsync(() => _observer.Events.Count(e => e.Outcome == AuditOutcomes.Delivered) == 2, Wait, "delivered events");
        Assert.That(_observer.Events.Where(e => e.Outcome == AuditOutcomes.Delivered).Select(e => e.QueueId),
            Is.EquivalentTo(new[] { first.QueueId, second.QueueId }));
    }

    [Test]
    public async Task Upstream_over_STARTTLS_with_authentication_and_SMTPUTF8()
    {
        using var certificate = TestCertificates.Rsa("CN=upstream.test", TimeSpan.FromDays(1));
        _upstream.Certificate = certificate;
        var options = Options(_upstream.Port);
        options.Upstream.Security = UpstreamSecurity.StartTls;
        options.Upstream.AcceptInvalidCertificates = true;
        options.Upstream.UserName = "relay";
        options.Upstream.Password = "mật khẩu";
        await StartAsync(options);

        var envelope = SpoolTestData.Envelope("văn.thư@agency.gov.vn", "người.nhận@upstream.test");
        envelope.SmtpUtf8 = true;
        envelope.BodyType = "8BITMIME";
        var original = Encoding.UTF8.GetBytes("From: văn.thư@agency.gov.vn\r\nTo: người.nhận@upstream.test\r\nSubject: Thử\r\n\r\nNội dung\r\n");
        await SpoolTestData.CommitAsync(_spool, original, envelope);

        var received = await _upstream.WaitForMessagesAsync(1, Wait);
        Assert.That(received, Has.Length.EqualTo(1));
        Assert.That(_upstream.Encrypted.Single(), Is.True, "sent after STARTTLS");
        Assert.That(_upstream.Logins.Single(), Is.EqualTo("relay:mật khẩu"));
        Assert.That(received[0].MailFromLine, Does.Contain("<văn.thư@agency.gov.vn>").And.Contain("SMTPUTF8").And.Contain("BODY=8BITMIME"));
        Assert.That(received[0].Recipients, Is.EqualTo(new[] { "người.nhận@upstream.test" }));
        Assert.That(received[0].Data, Is.EqualTo(original));
    }

    [Test]
    public async Task An_untrusted_upstream_certificate_defers_instead_of_sending_in_clear()
    {
        using var certificate = TestCertificates.Rsa("CN=upstream.test", TimeSpan.FromDays(1));
        _upstream.Certificate = certificate;
        var options = Options(_upstream.Port);
        options.Upstream.Security = UpstreamSecurity.StartTls;
        await StartAsync(options);
        var entry = await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("a@agency.gov.vn", "r@upstream.test"));

        await UntilAsync(() => _spool.Get(entry.QueueId)?.Envelope.Attempts >= 1, Wait, "attempt recorded");
        Assert.That(_spool.Get(entry.QueueId)!.Envelope.Recipients[0].Status, Is.EqualTo(RecipientStatus.Pending));
        Assert.That(_upstream.Messages, Is.Empty);
    }

    [TestCase(UpstreamSecurity.StartTlsWhenAvailable)]
    [TestCase(null)]
    public async Task The_gateways_upstream_login_is_never_sent_without_tls(UpstreamSecurity? security)
    {
        // An upstream that offers AUTH in clear and no STARTTLS (or whose STARTTLS an attacker stripped).
        _upstream.Capabilities += "\r\nAUTH PLAIN";
        var options = Options(_upstream.Port);
        options.Upstream.Security = security;
        options.Upstream.UserName = "relay";
        options.Upstream.Password = "mật khẩu";
        Assert.That(options.Upstream.EffectiveSecurity, Is.Not.EqualTo(UpstreamSecurity.None));
        await StartAsync(options);
        var entry = await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("a@agency.gov.vn", "r@upstream.test"));

        await UntilAsync(() => _spool.Get(entry.QueueId)?.Envelope.Attempts >= 1, Wait, "attempt recorded");
        var recipient = _spool.Get(entry.QueueId)!.Envelope.Recipients[0];
        Assert.That(recipient.Status, Is.EqualTo(RecipientStatus.Pending), "deferred, not bounced: a configuration problem on our side");
        Assert.That(_upstream.Logins, Is.Empty, "the password never crossed the network");
        Assert.That(_upstream.Messages, Is.Empty);
        if (security is not null)
            Assert.That(recipient.LastReply, Does.Contain("not sent in clear"));

        Assert.That(new DeliveryOptions { Upstream = { Host = "mail.x", UserName = "relay", Password = "p", Security = UpstreamSecurity.None } }.Validate(),
            Has.Some.Contains("Delivery:Upstream:Security"));
    }

    [Test]
    public async Task Messages_queue_while_the_upstream_is_down_and_all_drain_when_it_returns()
    {
        _upstream.Down = true;
        await StartAsync(Options(_upstream.Port));
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
            ids.Add((await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage("m" + i), SpoolTestData.Envelope("a@agency.gov.vn", $"r{i}@upstream.test"))).QueueId);

        await UntilAsync(() => _spool.List().Count(e => e.Envelope.Attempts >= 1) == 20, Wait, "every message tried once");
        var deferred = _spool.List().First();
        Assert.That(deferred.Envelope.Recipients[0].Status, Is.EqualTo(RecipientStatus.Pending));
        Assert.That(deferred.Envelope.Recipients[0].LastReply, Does.Contain("127.0.0.1:" + _upstream.Port));
        Assert.That(deferred.Envelope.NextAttemptUtc, Is.GreaterThan(deferred.Envelope.ReceivedUtc));
        Assert.That(_upstream.Messages, Is.Empty);
        Assert.That(_observer.Events.Any(e => e.Outcome == AuditOutcomes.Deferred), Is.True);

        _upstream.Down = false;
        var received = await _upstream.WaitForMessagesAsync(20, Wait);
        Assert.That(received.SelectMany(m => m.Recipients).Order(), Is.EquivalentTo(Enumerable.Range(0, 20).Select(i => $"r{i}@upstream.test")));
        await UntilAsync(() => !_spool.List().Any(), Wait, "queue drained");
    }

    [Test]
    public async Task Connections_are_reused_across_messages()
    {
        await StartAsync(Options(_upstream.Port));
        for (var i = 0; i < 12; i++)
            await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage("m" + i), SpoolTestData.Envelope("a@agency.gov.vn", $"r{i}@upstream.test"));
        await _upstream.WaitForMessagesAsync(12, Wait);
        Assert.That(_upstream.Messages, Has.Count.EqualTo(12));
        Assert.That(_upstream.Connections, Is.LessThanOrEqualTo(2), "two workers, one connection each");
    }

    [Test]
    public async Task A_delivered_message_leaves_the_queue_only_once_the_observer_has_recorded_its_outcome()
    {
        var recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _observer.Recorded = recorded.Task;
        // Scans every 200 ms: a held message must not be taken for one still to deliver.
        await StartAsync(Options(_upstream.Port));
        var entry = await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("a@agency.gov.vn", "r@upstream.test"));

        await _upstream.WaitForMessagesAsync(1, Wait);
        await UntilAsync(() => _observer.Has("r@upstream.test", AuditOutcomes.Delivered), Wait, "outcome given to the observer");
        await Task.Delay(1000);
        Assert.That(_spool.Get(entry.QueueId), Is.Not.Null, "kept while its records are not durable");
        Assert.That(_upstream.Messages, Has.Count.EqualTo(1), "and not delivered again by a queue scan meanwhile");

        recorded.SetResult();
        await UntilAsync(() => _spool.Get(entry.QueueId) is null, Wait, "removed once recorded");
        Assert.That(_upstream.Messages, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Temporary_failures_are_retried_with_backoff_until_accepted()
    {
        var refusals = 0;
        _upstream.RcptReply = _ => Interlocked.Increment(ref refusals) <= 2 ? "451 4.3.0 try again later" : null;
        await StartAsync(Options(_upstream.Port));
        var entry = await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("a@agency.gov.vn", "r@upstream.test"));

        await UntilAsync(() => _spool.Get(entry.QueueId)?.Envelope.Attempts >= 1, Wait, "first attempt recorded");
        var afterFirst = _spool.Get(entry.QueueId)!.Envelope;
        Assert.That(afterFirst.Recipients[0].LastReply, Is.EqualTo("451 4.3.0 try again later"));
        Assert.That(afterFirst.Recipients[0].Status, Is.EqualTo(RecipientStatus.Pending));

        var received = await _upstream.WaitForMessagesAsync(1, Wait);
        Assert.That(received, Has.Length.EqualTo(1));
        Assert.That(refusals, Is.EqualTo(3));
        await UntilAsync(() => _spool.Get(entry.QueueId) is null, Wait, "finished message removed");
        Assert.That(_observer.Events.Count(e => e.Outcome == AuditOutcomes.Deferred), Is.EqualTo(2));
        Assert.That(_observer.Has("r@upstream.test", AuditOutcomes.Delivered), Is.True);
        Assert.That(_observer.Has("r@upstream.test", AuditOutcomes.Bounced), Is.False);
    }

    [Test]
    public void Retry_delay_doubles_from_the_base_up_to_the_cap()
    {
        var options = new DeliveryOptions();
        Assert.That(options.RetryDelay(1), Is.EqualTo(TimeSpan.FromMinutes(1)));
        Assert.That(options.RetryDelay(2), Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(options.RetryDelay(4), Is.EqualTo(TimeSpan.FromMinutes(8)));
        Assert.That(options.RetryDelay(7), Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(options.RetryDelay(500), Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(options.MaxAge, Is.EqualTo(TimeSpan.FromDays(5)));
        Assert.That(new DeliveryOptions { MaxConcurrency = 0 }.Validate(), Has.Some.Contains("Delivery:MaxConcurrency"));
    }

    [TestCase("203.0.113.5", null, false)]
    [TestCase("127.0.0.1", null, true)]
    [TestCase("203.0.113.5", "vanthu@agency.gov.vn", true)]
    public async Task Only_mail_from_a_logged_in_user_or_an_internal_server_is_bounced(string clientIp, string? user, bool bounced)
    {
        // Mail from outside may carry a forged envelope sender: a bounce would go to an innocent third party.
        var origin = new GovGateway.Access.Relay.SenderOrigin(new GovGateway.Access.AccessOptions());
        _upstream.RcptReply = a => a.StartsWith("bad") ? "550 5.1.1 <" + a + ">: user unknown" : null;
        _service = new DeliveryService(_spool, Options(_upstream.Port), _observer, mayBounce: e => origin.MayBounce(e.AuthenticatedUser, e.ClientIp));
        await _service.StartAsync(CancellationToken.None);
        var envelope = SpoolTestData.Envelope("forged-or-not@victim.example", "bad@upstream.test");
        envelope.ClientIp = clientIp;
        envelope.AuthenticatedUser = user;
        var original = await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage("Spam?"), envelope);

        await UntilAsync(() => _observer.Has("bad@upstream.test", AuditOutcomes.Bounced), Wait, "failure recorded");
        await UntilAsync(() => !_spool.List().Any() || _upstream.Messages.Count > 0, Wait, "queue settled");
        if (bounced)
        {
            var received = await _upstream.WaitForMessagesAsync(1, Wait);
            Assert.That(received.Single().Recipients, Is.EqualTo(new[] { "forged-or-not@victim.example" }), "the bounce");
        }
        else
        {
            await UntilAsync(() => !_spool.List().Any(), Wait, "finished");
            await Task.Delay(500);
            Assert.That(_upstream.Messages, Is.Empty, "no bounce to a sender nobody vouched for");
        }
        Assert.That(_spool.Get(original.QueueId), Is.Null, "the failed message left the queue either way");
    }

    [Test]
    public async Task Permanent_failure_bounces_at_once_with_a_valid_delivery_status_report()
    {
        _upstream.RcptReply = a => a.StartsWith("bad") ? "550 5.1.1 <" + a + ">: user unknown" : null;
        await StartAsync(Options(_upstream.Port));
        var envelope = SpoolTestData.Envelope("vanthu@agency.gov.vn", "good@upstream.test", "bad@upstream.test");
        envelope.Recipients[1].OriginalRecipient = "rfc822;bad@upstream.test";
        envelope.DsnEnvelopeId = "ENV-42";
        var original = await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage("Important"), envelope);

        var received = await _upstream.WaitForMessagesAsync(2, Wait);
        Assert.That(received, Has.Length.EqualTo(2));
        Assert.That(received[0].Recipients, Is.EqualTo(new[] { "good@upstream.test" }));
        var bounce = received[1];
        Assert.That(bounce.MailFromLine, Does.StartWith("MAIL FROM:<>"));
        Assert.That(bounce.Recipients, Is.EqualTo(new[] { "vanthu@agency.gov.vn" }));

        var dsn = MimeMessage.Load(new MemoryStream(bounce.Data));
        var report = dsn.Body as MultipartReport;
        Assert.That(report, Is.Not.Null, "body is multipart/report");
        Assert.That(report!.ReportType, Is.EqualTo("delivery-status"));
        Assert.That(dsn.Headers["Auto-Submitted"], Is.EqualTo("auto-replied"));
        var text = ((TextPart)report[0]).Text;
        Assert.That(text, Does.Contain("không gửi được").And.Contain("could not be delivered").And.Contain("bad@upstream.test"));
        var status = report.OfType<MessageDeliveryStatus>().Single();
        Assert.That(status.StatusGroups[0]["Reporting-MTA"], Is.EqualTo("dns; gw.test"));
        Assert.That(status.StatusGroups[0]["Original-Envelope-Id"], Is.EqualTo("ENV-42"));
        Assert.That(status.StatusGroups[0]["Arrival-Date"], Is.Not.Null);
        // MimeKit reports the blank line that ends the last group as one more, empty group.
        var groups = status.StatusGroups.Where(g => g.Count > 0).ToList();
        Assert.That(groups, Has.Count.EqualTo(2), "one per-message group, one failed recipient");
        var rcpt = groups[1];
        Assert.That(rcpt["Final-Recipient"], Is.EqualTo("rfc822; bad@upstream.test"));
        Assert.That(rcpt["Original-Recipient"], Is.EqualTo("rfc822; bad@upstream.test"));
        Assert.That(rcpt["Action"], Is.EqualTo("failed"));
        Assert.That(rcpt["Status"], Is.EqualTo("5.1.1"));
        Assert.That(rcpt["Diagnostic-Code"], Is.EqualTo("smtp; 550 5.1.1 <bad@upstream.test>: user unknown"));
        var returned = report.OfType<MessagePart>().Single();
        Assert.That(returned.Message!.Subject, Is.EqualTo("Important"));

        await UntilAsync(() => !_spool.List().Any(), Wait, "original and bounce both finished");
        Assert.That(_observer.Has("good@upstream.test", AuditOutcomes.Delivered), Is.True);
        Assert.That(_observer.Events.Single(e => e.Recipient == "bad@upstream.test" && e.Outcome == AuditOutcomes.Bounced).QueueId, Is.EqualTo(original.QueueId));
    }

    [Test]
    public async Task No_bounce_for_a_bounce_nor_for_NOTIFY_NEVER()
    {
        _upstream.RcptReply = _ => "550 5.7.1 rejected";
        await StartAsync(Options(_upstream.Port));
        var never = SpoolTestData.Envelope("vanthu@agency.gov.vn", "x@upstream.test");
        never.Recipients[0].Notify = "NEVER";
        await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage(), never);
        await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("", "y@upstream.test"));

        await UntilAsync(() => _observer.Events.Count(e => e.Outcome == AuditOutcomes.Bounced) == 2, Wait, "both failed");
        await UntilAsync(() => !_spool.List().Any(), Wait, "queue empty");
        await Task.Delay(300);
        Assert.That(_spool.List(), Is.Empty, "no notification was queued");
        Assert.That(_upstream.Messages, Is.Empty);
    }

    [Test]
    public async Task Messages_older_than_MaxAge_bounce_with_status_4_4_7()
    {
        _upstream.RcptReply = _ => "451 4.4.1 no answer from host";
        var options = Options(_upstream.Port);
        options.MaxAge = TimeSpan.FromSeconds(1);
        await StartAsync(options);
        var envelope = SpoolTestData.Envelope("vanthu@agency.gov.vn", "slow@upstream.test");
        var entry = await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage(), envelope);

        await UntilAsync(() => _observer.Has("slow@upstream.test", AuditOutcomes.Bounced), Wait, "expiry");
        Assert.That(_observer.Has("slow@upstream.test", AuditOutcomes.Deferred), Is.True, "deferred before it expired");
        _upstream.RcptReply = _ => null;
        var received = await _upstream.WaitForMessagesAsync(1, Wait);
        var dsn = MimeMessage.Load(new MemoryStream(received.Single().Data));
        var status = ((MultipartReport)dsn.Body!).OfType<MessageDeliveryStatus>().Single();
        Assert.That(status.StatusGroups[1]["Status"], Is.EqualTo("4.4.7"));
        Assert.That(status.StatusGroups[1]["Diagnostic-Code"], Is.EqualTo("smtp; 451 4.4.1 no answer from host"));
        Assert.That(((TextPart)((MultipartReport)dsn.Body!)[0]).Text, Does.Contain("retried"));
        await UntilAsync(() => _spool.Get(entry.QueueId) is null, Wait, "expired message removed");
    }

    [Test]
    public async Task Headers_only_are_returned_for_RET_HDRS()
    {
        _upstream.RcptReply = a => a.StartsWith("bad") ? "550 5.1.1 unknown" : null;
        await StartAsync(Options(_upstream.Port));
        var envelope = SpoolTestData.Envelope("vanthu@agency.gov.vn", "bad@upstream.test");
        envelope.DsnReturn = "HDRS";
        await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage("Secret", "confidential body\r\n"), envelope);
        var received = await _upstream.WaitForMessagesAsync(1, Wait);
        var text = Encoding.UTF8.GetString(received.Single().Data);
        Assert.That(text, Does.Contain("text/rfc822-headers").And.Contain("Subject: Secret"));
        Assert.That(text, Does.Not.Contain("confidential body"));
    }

    [Test]
    public async Task Without_an_upstream_messages_go_durably_to_the_outbox()
    {
        await StartAsync(Options(upstreamPort: null));
        var original = EightBitMessage();
        var envelope = SpoolTestData.Envelope("vanthu@agency.gov.vn", "rcpt@upstream.test");
        envelope.PrependHeaders.AddRange(Prepend);
        var entry = await SpoolTestData.CommitAsync(_spool, original, envelope);

        var outboxFile = Path.Combine(_data.Path, "outbox", entry.QueueId + ".eml");
        await UntilAsync(() => File.Exists(outboxFile) && _spool.Get(entry.QueueId) is null, Wait, "outbox delivery");
        Assert.That(File.ReadAllBytes(outboxFile), Is.EqualTo(ExpectedOnWire(original)));
        Assert.That(Directory.GetFiles(Path.Combine(_data.Path, "outbox")), Has.Length.EqualTo(1), "no temporary files left");
        await UntilAsync(() => _observer.Has("rcpt@upstream.test", AuditOutcomes.Outbox), Wait, "outbox event");
        Assert.That(_observer.Has("rcpt@upstream.test", AuditOutcomes.Delivered), Is.False, "an outbox file is not a delivery");
    }

    [Test]
    public async Task Messages_committed_while_the_queue_is_rescanned_are_never_left_for_the_next_scan()
    {
        // A rescan lists the queue, then drops schedule entries it did not list. A message committed in between was
        // dropped and waited for the next rescan (5 s by default). Rescan constantly while committing to catch it.
        var options = Options(_upstream.Port);
        options.ScanInterval = TimeSpan.FromMilliseconds(5);
        options.MaxConcurrency = 4;
        _upstream.DataReply = () => { Thread.Sleep(2); return null; };
        var log = new CapturingLogger();
        _service = new DeliveryService(_spool, options, _observer, log);
        await _service.StartAsync(CancellationToken.None);

        const int perTask = 60, tasks = 6;
        await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < perTask; i++)
                await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage($"{t}-{i}"), SpoolTestData.Envelope("a@agency.gov.vn", $"r{t}-{i}@upstream.test"));
        })));

        await _upstream.WaitForMessagesAsync(perTask * tasks, TimeSpan.FromSeconds(60));
        Assert.That(log.Messages.Where(m => m.Contains("added outside this process")), Is.Empty,
            "every message committed in this process is scheduled by the commit itself");
    }

    sealed class CapturingLogger : Microsoft.Extensions.Logging.ILogger<DeliveryService>
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));
    }

    [Test]
    public async Task After_a_restart_the_queue_is_scanned_and_delivery_resumes()
    {
        // "Before the crash": two committed messages, one half-received, one rewritten envelope whose message was deleted.
        var committed = new[]
        {
            await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage("one"), SpoolTestData.Envelope("a@agency.gov.vn", "one@upstream.test")),
            await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage("two"), SpoolTestData.Envelope("a@agency.gov.vn", "two@upstream.test")),
        };
        File.WriteAllText(Path.Combine(_spool.IncomingDir, QueueId.New() + ".eml"), "From: half-received");
        var orphan = Path.Combine(_spool.QueueDir, QueueId.New() + ".json");
        File.WriteAllText(orphan, "{}");
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddMinutes(-5));

        // "After the restart": a new process, a new Spool instance.
        _spool = new GovGateway.Spool.Spool(_data.Path);
        await StartAsync(Options(_upstream.Port));
        var received = await _upstream.WaitForMessagesAsync(2, Wait);
        Assert.That(received.SelectMany(m => m.Recipients), Is.EquivalentTo(new[] { "one@upstream.test", "two@upstream.test" }));
        await UntilAsync(() => !_spool.List().Any(), Wait, "queue empty");
        Assert.That(Directory.GetFiles(_spool.IncomingDir), Is.Empty);
        Assert.That(Directory.GetFiles(_spool.QueueDir), Is.Empty);
        Assert.That(committed.All(c => _spool.Get(c.QueueId) is null), Is.True);
    }

    [Test]
    public async Task A_retry_requested_by_another_process_is_picked_up()
    {
        var refuse = true;
        _upstream.RcptReply = _ => Volatile.Read(ref refuse) ? "451 4.3.0 later" : null;
        var options = Options(_upstream.Port);
        options.RetryBaseDelay = TimeSpan.FromMinutes(10);
        options.RetryMaxDelay = TimeSpan.FromMinutes(10);
        await StartAsync(options);
        var entry = await SpoolTestData.CommitAsync(_spool, SpoolTestData.SimpleMessage(), SpoolTestData.Envelope("a@agency.gov.vn", "r@upstream.test"));
        await UntilAsync(() => _spool.Get(entry.QueueId)?.Envelope.Attempts == 1, Wait, "first attempt");

        Volatile.Write(ref refuse, false);
        // Another process (the CLI) has its own Spool instance: only the marker file connects them.
        Assert.That(new GovGateway.Spool.Spool(_data.Path).MarkForRetry(entry.QueueId), Is.True);
        var received = await _upstream.WaitForMessagesAsync(1, Wait);
        Assert.That(received, Has.Length.EqualTo(1), "delivered long before the 10 minute backoff");
    }
}
