using System.Globalization;
using GovGateway.Audit;
using GovGateway.FileSystem;
using GovGateway.Smtp;

namespace GovGateway.Metrics;

/// <summary>
/// What /readyz answers: whether this gateway can take mail as it should now. Each problem is one line naming what
/// to fix; none means ready. Checked: the SMTP listeners accept connections, the spool folder takes a write and has
/// room (the Audit:MinFreeBytes reserve under which MAIL FROM is answered 452), and the audit log can record.
/// A policy edit with errors is a warning, not a problem: the last good policy keeps judging mail, and since nodes
/// share their configuration, failing readiness on a typo would take every node out of the balancer at once.
/// </summary>
internal sealed class ReadinessProbe(SmtpServer? smtp, Spool.Spool spool, IAuditWriter? audit, PolicyStatus policy, long minFreeBytes,
    Func<string?>? archiveProblem = null)
{
    // Enough to fix a typo from; `gateway policy check` lists them all.
    private const int MaxPolicyErrors = 20;

    /// <summary>Bytes free on a path's file system; tests replace it to stand for a full disk.</summary>
    internal Func<string, long> FreeSpace { get; set; } = DiskSpace.Available;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (smtp is null)
            problems.Add("smtp: the listeners are not started");
        else
            foreach (var name in smtp.ListenersNotAccepting())
                problems.Add($"smtp: the {name} listener is not accepting connections (stopping)");
        CheckSpool(problems);
        if (audit?.HealthProblem is { } auditProblem)
            problems.Add("audit: " + auditProblem);
        // Mail still flows, but accepted messages wait in the queue until their documents are stored.
        if (archiveProblem?.Invoke() is { } archive)
            problems.Add("archive: " + archive);
        return problems;
    }

    /// <summary>What an administrator should fix though mail still flows: a policy edit with errors, each error's file:line.</summary>
    public IReadOnlyList<string> Warnings()
    {
        var warnings = new List<string>();
        var errors = policy.Errors;
        if (errors.Count > 0)
        {
            warnings.Add($"policy: the edited policy has {errors.Count} error(s) and is not in force (policy {policy.Current.Version} still is)");
            foreach (var error in errors.Take(MaxPolicyErrors))
                warnings.Add("policy: " + error);
        }
        return warnings;
    }

    private void CheckSpool(List<string> problems)
    {
        var probe = Path.Combine(spool.IncomingDir, $".readyz-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            // What accepting a message does first: create a private file in incoming/ and write to it.
            using var file = PrivateFiles.Open(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            file.WriteByte(0);
            file.Flush(flushToDisk: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"spool: cannot write in {spool.IncomingDir}: {ex.Message}");
            return;
        }
        if (minFreeBytes <= 0) return;
        long free;
        try
        {
            free = FreeSpace(spool.Root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"spool: cannot tell the free space in {spool.Root}: {ex.Message}"); // unknown is not enough
            return;
        }
        if (free < minFreeBytes)
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"spool: {free / (1024.0 * 1024):F1} MiB free in {spool.Root}, under Audit:MinFreeBytes ({minFreeBytes / (1024.0 * 1024):F1} MiB): MAIL FROM is answered 452"));
    }
}
