using Gateway.Tests.Support;
using GovGateway.Audit;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Issue 15 §1 through the real gateway and Python's smtplib: an evaluation past its time budget gets a bilingual
/// temporary refusal (or quarantine) and an audit record; a client that hangs up before the reply gets nothing
/// accepted, so its retry is the only copy.
/// </summary>
[TestFixture]
public sealed class EvaluationLimitsTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = TempFolders.Create("evaluation-limits");

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private static string Py(string path) => path.Replace("\\", "\\\\").Replace("'", "\\'");

    private static Task<ToolResult> SendAsync(int port, string eml) => Python.SmtpAsync(port, $$"""
        try:
            s.sendmail('{{Mail.Sender}}', ['{{Mail.Recipient}}'], open('{{Py(eml)}}', 'rb').read())
            print('ACCEPTED')
        except smtplib.SMTPDataError as e:
            print('REFUSED', e.smtp_code, e.smtp_error.decode())
        """);

    /// <summary>A message whose evaluation takes far longer than a millisecond: 10 MB of text to read for stamps.</summary>
    private string HeavyMessage()
    {
        var line = "Nội dung báo cáo tình hình thực hiện nhiệm vụ chuyển đổi số của các cơ quan, đơn vị trên địa bàn tỉnh.\n";
        var text = string.Concat(Enumerable.Repeat(line, 10_000_000 / line.Length));
        return Mail.WriteEml(Mail.Plain("Thông tin", text), _dir);
    }

    private static async Task<List<AuditTransaction>> WaitForRecordsAsync(TestGateway gateway, string decision, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await gateway.Runtime.Audit!.FlushAsync();
            var records = gateway.Runtime.Audit.Query(new AuditQuery { Decision = decision }).Records.Select(r => r.Transaction).ToList();
            if (records.Count >= count || DateTime.UtcNow > deadline) return records;
            await Task.Delay(100);
        }
    }

    [Test, CancelAfter(120_000)]
    public async Task An_evaluation_past_its_budget_gets_a_bilingual_451_and_an_audit_record_and_nothing_is_queued()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Evaluation:Timeout"] = "00:00:00.001" });

        var result = await SendAsync(gateway.Relay.Port, HeavyMessage());

        Assert.That(result.StdOut, Does.Contain("REFUSED 451 4.7.0 Kiểm tra thư vượt quá thời gian cho phép").And.Contain("/ Checking the message took longer than allowed"), result.All);
        var failed = await WaitForRecordsAsync(gateway, AuditDecisions.Failed, 1);
        Assert.That(failed.Single().Rules.Single().Rule, Is.EqualTo("evaluation-timeout"));
        Assert.That(failed.Single().SmtpReply, Does.StartWith("451 4.7.0"));
        Assert.That(gateway.Runtime.Spool.List(), Is.Empty);
    }

    [Test, CancelAfter(120_000)]
    public async Task With_OnTimeout_Quarantine_an_evaluation_past_its_budget_is_held()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Evaluation:Timeout"] = "00:00:00.001",
            ["Evaluation:OnTimeout"] = "Quarantine",
        });

        var result = await SendAsync(gateway.Relay.Port, HeavyMessage());

        Assert.That(result.StdOut, Does.Contain("ACCEPTED"), result.All);
        var held = await WaitForRecordsAsync(gateway, AuditDecisions.Quarantined, 1);
        var all = gateway.Runtime.Audit!.Query(new AuditQuery()).Records.Select(r => $"{r.Transaction.Decision} {r.Transaction.SmtpReply} {string.Join(",", r.Transaction.Rules.Select(x => x.Rule))}");
        Assert.That(held, Has.Count.EqualTo(1), string.Join("\n", all));
        Assert.That(held.Single().Rules.Select(r => r.Rule), Is.EqualTo(new[] { "evaluation-timeout" }));
        Assert.That(gateway.Runtime.Spool.List(), Is.Empty, "held, not queued for delivery");
    }

    [Test, CancelAfter(120_000)]
    public async Task A_client_that_hangs_up_before_the_reply_gets_nothing_accepted_and_its_retry_is_the_only_copy()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Evaluation:MaxConcurrent"] = "1" });
        var eml = Mail.WriteEml(Mail.Plain("Thông tin", "Xin chào."), _dir);

        // The one evaluation slot is busy, so the message waits for its decision while its client hangs up.
        using var release = new ManualResetEventSlim();
        var busy = Task.Run(async () => await gateway.Runtime.Evaluation.RunAsync(_ => { release.Wait(); return "busy"; }, CancellationToken.None));
        SpinWait.SpinUntil(() => gateway.Runtime.Evaluation.Running == 1, 5000);
        var hangUp = await Python.SmtpAsync(gateway.Relay.Port, $$"""
            s.docmd('MAIL FROM:<{{Mail.Sender}}>')
            s.docmd('RCPT TO:<{{Mail.Recipient}}>')
            print(s.docmd('DATA'))
            s.sock.sendall(open('{{Py(eml)}}', 'rb').read() + b'.\r\n')
            s.sock.close()
            """);
        Assert.That(hangUp.StdOut, Does.Contain("354"), hangUp.All);

        var failed = await WaitForRecordsAsync(gateway, AuditDecisions.Failed, 1);
        Assert.That(failed, Has.Count.EqualTo(1), "the exchange is recorded");
        Assert.That(failed.Single().SmtpReply, Does.StartWith("421 4.4.2"));
        release.Set();
        await busy;
        Assert.That(gateway.Runtime.Spool.List(), Is.Empty, "nothing of the abandoned message is queued");

        var retry = await SendAsync(gateway.Relay.Port, eml);
        Assert.That(retry.StdOut, Does.Contain("ACCEPTED"), retry.All);
        var accepted = await WaitForRecordsAsync(gateway, AuditDecisions.Accepted, 1);
        Assert.That(accepted, Has.Count.EqualTo(1), "one copy accepted: the retry");
    }
}
