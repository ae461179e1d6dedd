namespace GovGateway.Pipeline;

/// <summary>The outcome of a gated evaluation: the verdict, or null when it ran out of time.</summary>
public readonly record struct GatedResult<T>(T? Result, bool TimedOut) where T : class;

/// <summary>
/// Runs policy evaluations at most <see cref="EvaluationOptions.MaxConcurrent"/> at a time, each within
/// <see cref="EvaluationOptions.Timeout"/>. Waiting for a slot ends when the client goes away (its token); the time
/// budget starts once the evaluation runs. Cancellation by the client propagates as <see cref="OperationCanceledException"/>;
/// running out of time is an outcome, not an exception.
/// </summary>
public sealed class EvaluationGate(EvaluationOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrent, options.MaxConcurrent);

    public EvaluationOptions Options => options;

    /// <summary>Evaluations running now (for tests and diagnostics).</summary>
    public int Running => options.MaxConcurrent - _slots.CurrentCount;

    public async ValueTask<GatedResult<T>> RunAsync<T>(Func<CancellationToken, T> evaluate, CancellationToken clientGone) where T : class
    {
        await _slots.WaitAsync(clientGone).ConfigureAwait(false);
        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
            budget.CancelAfter(options.Timeout);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var result = evaluate(budget.Token);
                // The timer's callback can come late on a busy machine; an evaluation that took longer than its budget is
                // past it whether or not the cancellation reached it in time.
                return System.Diagnostics.Stopwatch.GetElapsedTime(started) > options.Timeout
                    ? new GatedResult<T>(null, true)
                    : new GatedResult<T>(result, false);
            }
            catch (OperationCanceledException) when (budget.IsCancellationRequested && !clientGone.IsCancellationRequested)
            {
                return new GatedResult<T>(null, true);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
