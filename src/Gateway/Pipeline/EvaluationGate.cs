namespace GovGateway.Pipeline;

/// <summary>The outcome of a gated evaluation: the verdict, or null when it ran out of time.</summary>
internal readonly record struct GatedResult<T>(T? Result, bool TimedOut) where T : class;

/// <summary>
/// Runs policy evaluations at most <see cref="EvaluationOptions.MaxConcurrent"/> at a time, each within
/// <see cref="EvaluationOptions.Timeout"/>. Waiting for a slot ends when the client goes away (its token); the time
/// budget starts once the evaluation runs. Cancellation by the client propagates as <see cref="OperationCanceledException"/>;
/// running out of time is an outcome, not an exception.
/// </summary>
internal sealed class EvaluationGate(EvaluationOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrent, options.MaxConcurrent);

    public EvaluationOptions Options => options;

    /// <summary>Evaluations running now (for tests and diagnostics).</summary>
    public int Running => options.MaxConcurrent - _slots.CurrentCount;

    public async ValueTask<GatedResult<T>> RunAsync<T>(Func<CancellationToken, T> evaluate, CancellationToken clientGone) where T : class
    {
        await _slots.WaitAsync(clientGone).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var budget = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
        var budgetToken = budget.Token; // read after the source is disposed by the continuation below
        budget.CancelAfter(options.Timeout);
        var run = Task.Run(() => evaluate(budgetToken), CancellationToken.None);
        // The slot belongs to the evaluation until it really ends: a parser that never looks at the token (PdfPig and the
        // Open XML SDK take none) keeps its slot after the client has had its answer, so runaways stay within MaxConcurrent.
        _ = run.ContinueWith(t =>
        {
            _ = t.Exception; // observed: a runaway's failure after its answer was given is of no interest
            budget.Dispose();
            _slots.Release();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        // The answer does not wait for such a parser: past the budget (and a moment for a cooperative evaluation to
        // notice its token) the message is timed out whether or not the evaluation has stopped.
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(clientGone))
        {
            var first = await Task.WhenAny(run, Task.Delay(options.Timeout + CooperationGrace, waiting.Token)).ConfigureAwait(false);
            waiting.Cancel();
            if (first != run)
            {
                clientGone.ThrowIfCancellationRequested();
                return new GatedResult<T>(null, true);
            }
        }
        try
        {
            var result = await run.ConfigureAwait(false);
            // The timer's callback can come late on a busy machine; an evaluation that took longer than its budget is
            // past it whether or not the cancellation reached it in time.
            return System.Diagnostics.Stopwatch.GetElapsedTime(started) > options.Timeout
                ? new GatedResult<T>(null, true)
                : new GatedResult<T>(result, false);
        }
        catch (OperationCanceledException) when (budgetToken.IsCancellationRequested && !clientGone.IsCancellationRequested)
        {
            return new GatedResult<T>(null, true);
        }
    }

    /// <summary>How long past the budget a cooperative evaluation has to notice its token before it is left behind.</summary>
    private static readonly TimeSpan CooperationGrace = TimeSpan.FromSeconds(1);

    public void Dispose() => _slots.Dispose();
}
