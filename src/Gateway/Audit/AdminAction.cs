using System.Runtime.InteropServices;

namespace GovGateway.Audit;

/// <summary>
/// An administrator's command on a message (`gateway queue delete|retry`, `gateway quarantine release|delete`), recorded
/// in the audit log before it takes effect: one outcome entry per recipient it affects, joined to the message's transaction
/// by queue id, whose reply text says which command, who ran it and the OS user id. The entries are links of the hash
/// chain like delivery outcomes, so `audit query` shows them and `audit verify` covers them.
/// </summary>
public sealed class AdminAction
{
    public string QueueId { get; set; } = "";
    public List<string> Recipients { get; set; } = [];
    /// <summary>One of <see cref="AuditOutcomes.AdminActions"/>.</summary>
    public string Outcome { get; set; } = "";
    /// <summary>The command as typed, e.g. "gateway queue delete".</summary>
    public string Command { get; set; } = "";
    /// <summary>The OS user who ran it as the command saw it ("root (sudo by an)"); the gateway adds the uid it checked itself.</summary>
    public string User { get; set; } = "";

    /// <summary>Checks what a client sent; throws <see cref="ArgumentException"/>.</summary>
    public void Validate()
    {
        if (!GovGateway.Spool.QueueId.IsValid(QueueId)) throw new ArgumentException($"'{QueueId}' is not a queue id.");
        if (!AuditOutcomes.AdminActions.Contains(Outcome))
            throw new ArgumentException($"'{Outcome}' is not an administrator's action (expected {string.Join(", ", AuditOutcomes.AdminActions)}).");
        if (Recipients.Count == 0 || Recipients.Count > AuditRecordLimits.MaxRecipients) throw new ArgumentException("An administrator's action names between 1 and 1,000 recipients.");
        if (string.IsNullOrWhiteSpace(Command) || Command.Length > 100 || string.IsNullOrWhiteSpace(User) || User.Length > 200)
            throw new ArgumentException("An administrator's action needs the command and the user.");
    }

    /// <summary>The outcome entries to chain, with the user id the recorder checked (the socket's peer, or this process).</summary>
    internal IEnumerable<AuditDelivery> Entries(uint? uid, DateTime timeUtc)
    {
        var who = uid is { } id ? $"{User} (uid {id})" : User;
        var reply = $"{Command} by {who}";
        return Recipients.Select(r => new AuditDelivery { QueueId = QueueId, Recipient = r, Outcome = Outcome, Reply = reply, TimeUtc = timeUtc });
    }

    /// <summary>
    /// Records the action in the data folder's audit log, durably, before the caller carries it out: through the running
    /// gateway (which owns the log) over DATA/run/audit.sock, or, when none answers, by opening the log itself.
    /// Throws <see cref="AdminAuditException"/> when it cannot be recorded; the action must then not happen.
    /// </summary>
    public static async Task RecordAsync(string dataDir, AdminAction action, CancellationToken ct = default)
    {
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
            var log = await AuditLog.OpenAsync(dataDir, new AuditOptions { RetentionDays = 0 }, ct: ct).ConfigureAwait(false);
            await using (log.ConfigureAwait(false))
                await log.RecordAdminAsync(action, CurrentUid(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AuditLogUnavailableException)
        {
            throw new AdminAuditException($"No gateway answered on {AuditProtocol.SocketPath(dataDir)}, and the audit log could not record this: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Who runs this process: the login name, and under sudo the administrator who used it
    /// (SUDO_USER is set by sudo for root only, so it cannot be claimed without root).
    /// </summary>
    public static string CurrentUser()
    {
        var name = Environment.UserName;
        var sudo = Environment.GetEnvironmentVariable("SUDO_USER");
        return !string.IsNullOrEmpty(sudo) && CurrentUid() == 0 && sudo != name ? $"{name} (sudo by {sudo})" : name;
    }

    /// <summary>This process's effective user id (null off Unix).</summary>
    public static uint? CurrentUid() => OperatingSystem.IsWindows() ? null : geteuid();

    [DllImport("libc")]
    private static extern uint geteuid();
}

/// <summary>An administrator's action could not be recorded in the audit log, so it was not carried out.</summary>
public sealed class AdminAuditException(string message, Exception inner) : Exception(message, inner);
