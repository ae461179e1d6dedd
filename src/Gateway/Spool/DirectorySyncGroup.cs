namespace GovGateway.Spool;

/// <summary>
/// Group commit for directory fsyncs: callers that ask for a sync while one is running share the next
/// one, so 50 concurrent commits cost a handful of fsyncs instead of 50. A caller's request is only
/// satisfied by an fsync that started after the request, so every rename made before asking is durable
/// when the returned task completes.
/// </summary>
internal sealed class DirectorySyncGroup
{
    readonly string _directory;
    readonly object _gate = new();
    TaskCompletionSource? _next;
    bool _running;

    public DirectorySyncGroup(string directory) => _directory = directory;

    public Task SyncAsync()
    {
        lock (_gate)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = _next.Task;
            if (!_running)
            {
                _running = true;
                _ = Task.Run(Loop);
            }
            return task;
        }
    }

    void Loop()
    {
        while (true)
        {
            TaskCompletionSource? batch;
            lock (_gate)
            {
                batch = _next;
                _next = null;
                if (batch is null)
                {
                    _running = false;
                    return;
                }
            }
            try
            {
                GovGateway.FileSystem.Fsync.Path(_directory);
                batch.SetResult();
            }
            catch (Exception ex)
            {
                batch.SetException(ex);
            }
        }
    }
}
