using GovGateway.Smtp.Session;

namespace GovGateway.Smtp.Tests;

/// <summary>
/// With inline socket completions the engine's continuations can run on the socket event threads, which
/// are not pool threads; hooks that may block must first move to the pool.
/// </summary>
public class EventThreadTests
{
    [Test]
    public async Task Escape_from_a_dedicated_thread_continues_on_the_thread_pool()
    {
        var observed = new TaskCompletionSource<(bool Before, bool After, int BeforeId, int AfterId)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            int beforeId = Environment.CurrentManagedThreadId;
            bool before = Thread.CurrentThread.IsThreadPoolThread;
            _ = Continue();

            async Task Continue()
            {
                await default(EventThreadEscape);
                observed.SetResult((before, Thread.CurrentThread.IsThreadPoolThread, beforeId, Environment.CurrentManagedThreadId));
            }
        }) { IsBackground = true, Name = "fake socket event thread" };
        thread.Start();

        var r = await observed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(r.Before, Is.False);
        Assert.That(r.After, Is.True);
        Assert.That(r.AfterId, Is.Not.EqualTo(r.BeforeId));
    }

    [Test]
    public async Task Escape_on_a_pool_thread_does_not_hop()
    {
        var (id, after) = await Task.Run(async () =>
        {
            int id = Environment.CurrentManagedThreadId;
            var awaiter = default(EventThreadEscape);
            Assert.That(awaiter.IsCompleted, Is.True);
            await awaiter;
            return (id, Environment.CurrentManagedThreadId);
        });
        Assert.That(after, Is.EqualTo(id));
    }

    [Test]
    public void PreferInline_respects_an_explicit_environment_setting()
    {
        var saved = Environment.GetEnvironmentVariable(SocketCompletions.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(SocketCompletions.EnvironmentVariable, "0");
            Assert.That(SocketCompletions.PreferInline(), Is.False);
            Assert.That(Environment.GetEnvironmentVariable(SocketCompletions.EnvironmentVariable), Is.EqualTo("0"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketCompletions.EnvironmentVariable, saved);
        }
    }
}
