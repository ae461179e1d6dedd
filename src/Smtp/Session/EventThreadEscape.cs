using System.Runtime.CompilerServices;

namespace GovGateway.Smtp.Session;

/// <summary>
/// An awaitable that completes at once on a thread-pool thread and otherwise moves the continuation
/// to the thread pool: the socket event threads that run inline completions are not pool threads.
/// </summary>
internal readonly struct EventThreadEscape : ICriticalNotifyCompletion
{
    public EventThreadEscape GetAwaiter() => this;

    public bool IsCompleted => Thread.CurrentThread.IsThreadPoolThread;

    public void GetResult() { }

    public void OnCompleted(Action continuation) =>
        ThreadPool.QueueUserWorkItem(static c => c(), continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) =>
        ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
}
