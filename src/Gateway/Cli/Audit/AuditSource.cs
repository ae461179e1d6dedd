using GovGateway.Audit;
using GovGateway.AuditQueries.Filters;
using GovGateway.AuditQueries.Server;
using GovGateway.Configuration;
using GovGateway.Hosting;

namespace GovGateway.Cli.Audit;

/// <summary>
/// Where an audit verb gets its answer: the running gateway over the socket when one answers, otherwise the database
/// opened directly (this replays a journal left by a stopped gateway, and never purges).
/// </summary>
internal static class AuditSource
{
    public static async Task<T> AskAsync<T>(GatewayPaths paths, Func<AuditClient, CancellationToken, Task<T>> remote, Func<IAuditReader, T> local, CancellationToken ct)
    {
        string dataDir = paths.DataDir;
        try
        {
            return await remote(new AuditClient(dataDir), ct).ConfigureAwait(false);
        }
        catch (AuditServerUnavailableException)
        {
            // No gateway running: read the files ourselves.
        }
        catch (AuditServerException ex)
        {
            throw new AuditCliException(ex.Message);
        }

        // The verbs read the store the gateway is configured with (a shared PostgreSQL store: every node's records).
        AuditOptions options;
        string node;
        try
        {
            (options, node) = Hosting.AuditSettings.ForVerbs(paths);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new AuditCliException($"The audit settings in {paths.ConfigDir} are not usable: {ex.Message}");
        }
        try
        {
            if (options.Store == AuditStoreKind.LiteDB) AuditLog.EnsureExists(dataDir);
        }
        catch (FileNotFoundException ex)
        {
            throw new AuditCliException($"{ex.Message} (is --data the gateway's data folder?).");
        }

        AuditLog log;
        try
        {
            log = await AuditLog.OpenAsync(dataDir, options, ct: ct, node: node).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new AuditCliException($"The audit settings in {paths.ConfigDir} are not usable: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new AuditCliException($"No gateway answered on {new AuditClient(dataDir).SocketPath}, and the database could not be opened: {ex.Message}");
        }
        await using (log.ConfigureAwait(false))
        {
            // A stopped gateway's journal may hold records it answered 250 for but never stored (killed before its
            // writer shipped them): opening queues them, and the answer waits for them, at most Audit:StoreWaitAtStart
            // when the shared store is away (then it says what it lacks rather than look complete).
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                wait.CancelAfter(options.StoreWaitAtStart);
                try
                {
                    await log.FlushAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await Console.Error.WriteLineAsync($"Warning: {log.Backlog} journaled audit records of node {node} are not in the store yet (is it reachable?); this answer lacks them.").ConfigureAwait(false);
                }
            }
            try
            {
                return local(log);
            }
            catch (ArgumentException ex)
            {
                throw new AuditCliException(ex.Message);
            }
        }
    }
}
