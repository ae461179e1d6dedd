using GovGateway.Pipeline;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Gateway.Tests.Pipeline;

/// <summary>Issue 15 §1: at most N evaluations at once, each within a time budget; settings are checked.</summary>
[TestFixture]
public sealed class EvaluationGateTests
{
    [Test, CancelAfter(20_000)]
    public async Task At_most_MaxConcurrent_evaluations_run_and_the_rest_wait()
    {
        using var gate = new EvaluationGate(new EvaluationOptions { MaxConcurrent = 2 });
        using var release = new ManualResetEventSlim();
        var inside = 0;
        var most = 0;
        var runs = Enumerable.Range(0, 6).Select(_ => Task.Run(async () => await gate.RunAsync(_ =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            release.Wait();
            Interlocked.Decrement(ref inside);
            return "done";
        }, CancellationToken.None))).ToList();

        while (gate.Running < 2) await Task.Delay(10);
        await Task.Delay(200); // the other four had every chance to get in
        Assert.That(Volatile.Read(ref inside), Is.EqualTo(2));
        release.Set();
        var results = await Task.WhenAll(runs);
        Assert.That(results.Select(r => r.Result), Is.All.EqualTo("done"));
        Assert.That(most, Is.EqualTo(2));
    }

    [Test, CancelAfter(20_000)]
    public async Task An_evaluation_past_its_budget_is_cancelled_and_reported_as_timed_out()
    {
        using var gate = new EvaluationGate(new EvaluationOptions { Timeout = TimeSpan.FromMilliseconds(100) });
        var result = await gate.RunAsync<string>(ct =>
        {
            ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(15));
            ct.ThrowIfCancellationRequested();
            return "finished";
        }, CancellationToken.None);
        Assert.That(result.TimedOut, Is.True);
        Assert.That(result.Result, Is.Null);
    }

    [Test, CancelAfter(20_000)]
    public async Task A_parser_that_ignores_its_token_does_not_hold_back_the_answer_but_keeps_its_slot()
    {
        // PdfPig and the Open XML SDK take no token: such a parser must not keep the client waiting past the budget.
        using var gate = new EvaluationGate(new EvaluationOptions { Timeout = TimeSpan.FromMilliseconds(200), MaxConcurrent = 1 });
        using var release = new ManualResetEventSlim();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await gate.RunAsync<string>(_ => { release.Wait(TimeSpan.FromSeconds(15)); return "late"; }, CancellationToken.None);
        Assert.That(result.TimedOut, Is.True);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "answered at the budget plus a short grace, not when the parser ended");
        Assert.That(gate.Running, Is.EqualTo(1), "the runaway still holds its slot, so runaways stay within MaxConcurrent");
        release.Set();
        while (gate.Running > 0) await Task.Delay(10);
        var next = await gate.RunAsync(_ => "ok", CancellationToken.None);
        Assert.That(next.Result, Is.EqualTo("ok"));
    }

    [Test, CancelAfter(20_000)]
    public void A_client_that_leaves_while_waiting_for_a_slot_stops_waiting()
    {
        using var gate = new EvaluationGate(new EvaluationOptions { MaxConcurrent = 1 });
        using var release = new ManualResetEventSlim();
        var holder = Task.Run(async () => await gate.RunAsync(_ => { release.Wait(); return "held"; }, CancellationToken.None));
        SpinWait.SpinUntil(() => gate.Running == 1, 5000);
        using var client = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.That(async () => await gate.RunAsync(_ => "never", client.Token), Throws.InstanceOf<OperationCanceledException>());
        release.Set();
    }

    [TestCase("Evaluation:Timout", "00:00:10")]
    [TestCase("Evaluation:OnTimeout", "Quarantaine")]
    [TestCase("Evaluation:Timeout", "ten seconds")]
    [TestCase("Evaluation:Timeout", "00:00:00")]
    [TestCase("Evaluation:MaxConcurrent", "0")]
    public void A_mistyped_setting_or_value_is_an_error(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        Assert.That(() => EvaluationOptions.FromConfiguration(configuration), Throws.Exception);
    }

    [Test]
    public void Defaults_are_thirty_seconds_refuse_and_twice_the_cores()
    {
        var options = EvaluationOptions.FromConfiguration(new ConfigurationBuilder().Build());
        Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(options.OnTimeout, Is.EqualTo(EvaluationTimeoutAction.Refuse));
        Assert.That(options.MaxConcurrent, Is.EqualTo(2 * Environment.ProcessorCount));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
