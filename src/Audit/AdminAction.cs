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
        // The host checks its own queue id format before this; the log only refuses what could not be one.
        if (string.IsNullOrEmpty(QueueId) || QueueId.Length > 64 || !QueueId.All(char.IsAsciiLetterOrDigit)) throw new ArgumentException($"'{QueueId}' is not a queue id.");
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

