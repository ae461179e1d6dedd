using GovGateway.Audit;
using GovGateway.AuditQueries.Server;
using GovGateway.Cli;
using GovGateway.Configuration;
using GovGateway.Hosting;
using GovGateway.Spool;

namespace GovGateway.Cli;

/// <summary>Records an administrator's command in the audit log before the command takes effect.</summary>
internal static class AdminAuditRecorder
{
    private static readonly AsyncLocal<GatewayPaths?> s_paths = new();

    /// <summary>
    /// The folders of the command being run, so that with no gateway running the action is recorded in the configured
    /// store (see <see cref="Hosting.AuditSettings.ForVerbs"/>); the queue and quarantine verbs set it around their action.
    /// </summary>
    public static IDisposable For(GatewayPaths paths)
    {
        var before = s_paths.Value;
        s_paths.Value = paths;
        return new Restore(() => s_paths.Value = before);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>
    /// Records the action in the data folder's audit log, durably, before the caller carries it out: through the running
    /// gateway (which owns the log) over DATA/run/audit.sock, or, when none answers, by opening the log itself.
    /// Throws <see cref="AdminAuditException"/> when it cannot be recorded; the action must then not happen.
    /// </summary>
    public static async Task RecordAsync(string dataDir, AdminAction action, CancellationToken ct = default)
    {
        if (!QueueId.IsValid(action.QueueId)) throw new ArgumentException($"'{action.QueueId}' is not a queue id.");
        action.Validate();
        try
        {
            await new AuditClient(dataDir, TimeSpan.FromSeconds(30)).RecordAdminAsync(action, ct).ConfigureAwait(false);
            return;
        }
        catch (AuditServerUnavailableException)
        {
            // No gateway running: the log is ours to open.
        }
        catch (AuditServerException ex)
        {
            throw new AdminAuditException($"The running gateway could not record this in the audit log: {ex.Message}", ex);
        }
        try
        {
            var (options, node) = s_paths.Value is { } paths ? Hosting.AuditSettings.ForVerbs(paths) : (new AuditOptions { RetentionDays = 0 }, Environment.MachineName);
            var log = await AuditLog.OpenAsync(dataDir, options, ct: ct, node: node).ConfigureAwait(false);
            await using (log.ConfigureAwait(false))
                await log.RecordAdminAsync(action, AdminAction.CurrentUid(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AuditLogUnavailableException or ArgumentException)
        {
            throw new AdminAuditException($"No gateway answered on {AuditProtocol.SocketPath(dataDir)}, and the audit log could not record this: {ex.Message}", ex);
        }
    }

}

/// <summary>An administrator's action could not be recorded in the audit log, so it was not carried out.</summary>
internal sealed class AdminAuditException(string message, Exception inner) : Exception(message, inner);
