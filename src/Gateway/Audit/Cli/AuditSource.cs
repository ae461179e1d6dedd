namespace GovGateway.Audit;

/// <summary>
/// Where an audit verb gets its answer: the running gateway over the socket when one answers, otherwise the database
/// opened directly (this replays a journal left by a stopped gateway, and never purges).
/// </summary>
internal static class AuditSource
{
    public static async Task<T> AskAsync<T>(string dataDir, Func<AuditClient, CancellationToken, Task<T>> remote, Func<AuditLog, T> local, CancellationToken ct)
    {
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

        if (!File.Exists(AuditLog.DatabasePath(dataDir)) && File.Exists(HeadFile.PathFor(AuditLog.DatabasePath(dataDir))))
            throw new AuditLogDamagedException($"{AuditLog.DatabasePath(dataDir)} is gone, but {HeadFile.PathFor(AuditLog.DatabasePath(dataDir))} records an audit chain: the audit database was deleted. Restore it from the backup.");
        if (!File.Exists(AuditLog.DatabasePath(dataDir)))
            throw new AuditCliException($"No audit log at {AuditLog.DatabasePath(dataDir)} (is --data the gateway's data folder?).");

        AuditLog log;
        try
        {
            log = await AuditLog.OpenAsync(dataDir, new AuditOptions { RetentionDays = 0 }, ct: ct).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new AuditCliException($"No gateway answered on {new AuditClient(dataDir).SocketPath}, and the database could not be opened: {ex.Message}");
        }
        await using (log.ConfigureAwait(false))
        {
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
