using System.CommandLine;
using System.Globalization;
using System.Text;
using GovGateway.Audit;
using GovGateway.Cli;
using GovGateway.Spool;

namespace GovGateway.Cli.Queue;

/// <summary>
/// `gateway queue list|show|retry|delete`: administration of the delivery queue. Works on the files while the
/// gateway runs: reads see whole envelopes (they are replaced by rename), retry leaves a marker the running
/// delivery service picks up, delete removes the envelope first so the message stops being a message at once.
/// </summary>
internal static class QueueCommands
{
    public static Command Create()
    {
        var queue = new Command("queue", "Show and manage messages waiting for delivery");
        queue.Subcommands.Add(ListCommand());
        queue.Subcommands.Add(ShowCommand());
        queue.Subcommands.Add(IdCommand("retry", "Deliver a message now instead of at its next scheduled attempt",
            (spool, id, output) =>
            {
                if (spool.Get(id) is not { } entry) return false;
                RecordAdminAction(Path.GetDirectoryName(spool.Root)!, entry.Envelope, AuditOutcomes.RetryRequested, "gateway queue retry");
                if (!spool.MarkForRetry(id)) return false;
                output.WriteLine($"{id}: retry requested");
                return true;
            }));
        queue.Subcommands.Add(IdCommand("delete", "Remove a message from the queue, or a damaged one from spool/corrupt/, without delivering it (no bounce is sent)",
            (spool, id, output) =>
            {
                if (spool.Get(id) is not { } entry) return DeleteCorrupt(spool, id, output);
                RecordAdminAction(Path.GetDirectoryName(spool.Root)!, entry.Envelope, AuditOutcomes.Deleted, "gateway queue delete");
                if (!spool.Delete(id)) return false;
                output.WriteLine($"{id}: deleted");
                return true;
            }));
        return queue;
    }

    /// <summary>`queue delete` of a message moved aside as damaged: recorded like any delete, then its files in spool/corrupt/ go.</summary>
    static bool DeleteCorrupt(Spool.Spool spool, string id, TextWriter output)
    {
        var envelope = spool.GetCorruptEnvelope(id, out var exists);
        if (!exists) return false;
        // An unreadable envelope names no recipients: the deletion is still recorded, for the queue id.
        RecordAdminAction(Path.GetDirectoryName(spool.Root)!, envelope ?? new SpoolEnvelope { QueueId = id, Recipients = { new SpoolRecipient { Address = "" } } }, AuditOutcomes.Deleted, "gateway queue delete (damaged)");
        if (!spool.DeleteCorrupt(id)) return false;
        output.WriteLine($"{id}: deleted (damaged, from {spool.CorruptDir})");
        return true;
    }

    static Command ListCommand()
    {
        var command = new Command("list", "List queued messages with per-recipient status");
        var paths = CommonOptions.AddTo(command, dataMustExist: true);
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            var spool = new Spool.Spool(paths(r).DataDir);
            var now = DateTime.UtcNow;
            var count = 0;
            var damaged = new List<(string Id, string Why)>();
            foreach (var id in spool.ListIds())
            {
                var entry = spool.Get(id, out var damage);
                if (entry is null)
                {
                    if (damage is not null) damaged.Add((id, damage)); // the running gateway moves it aside at its next scan
                    continue;
                }
                var e = entry.Envelope;
                output.WriteLine($"{e.QueueId}  age {FormatAge(now - e.ReceivedUtc)}  {FormatSize(entry.Size)}  from <{e.MailFrom}>  " +
                                 $"attempts {e.Attempts}  next {FormatTime(e.NextAttemptUtc)}");
                foreach (var rcpt in e.Recipients)
                    output.WriteLine($"    {rcpt.Status,-9} <{rcpt.Address}>{(rcpt.LastReply is null ? "" : "  " + rcpt.LastReply)}");
                count++;
            }
            output.WriteLine(count == 1 ? "1 message" : $"{count} messages");
            // Damaged messages are never delivered: an administrator decides (look at the file, then delete it or re-send it).
            var corrupt = spool.ListCorrupt();
            foreach (var (id, why) in damaged)
                output.WriteLine($"{id}  DAMAGED, not delivered: {why}");
            foreach (var c in corrupt)
                output.WriteLine($"{c.QueueId}  DAMAGED, moved to {spool.CorruptDir}: {c.Reason}");
            if (damaged.Count + corrupt.Count > 0)
                output.WriteLine($"{damaged.Count + corrupt.Count} damaged (not delivered; see {spool.CorruptDir})");
            return 0;
        });
        return command;
    }

    static Command ShowCommand()
    {
        var command = new Command("show", "Show one queued message: envelope, delivery state, headers (decoded) and attachments; --save writes it to a file");
        var id = new Argument<string>("id") { Description = "Queue id" };
        command.Arguments.Add(id);
        var save = SaveOption();
        command.Options.Add(save);
        var paths = CommonOptions.AddTo(command, dataMustExist: true);
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            var queueId = r.GetValue(id)!;
            var entry = new Spool.Spool(paths(r).DataDir).Get(queueId);
            if (entry is null) return NotFound(r, queueId);
            if (r.GetValue(save) is { } file) return SaveMessage(r, () => entry.OpenMessage(), file);
            WriteDetails(output, entry.Envelope, entry.Size, () => entry.OpenMessage());
            return 0;
        });
        return command;
    }

    /// <summary>--save FILE (-o FILE), shared with `gateway quarantine show`.</summary>
    internal static Option<string> SaveOption() => new("--save", "-o")
    {
        Description = "Write the message as received (.eml) to this new file, readable only by you, instead of showing it",
    };

    internal static int SaveMessage(ParseResult r, Func<Stream> open, string file)
    {
        try
        {
            var bytes = MessageContent.Save(open, file);
            r.InvocationConfiguration.Output.WriteLine($"saved {bytes} bytes to {Path.GetFullPath(file)}");
            return CommandLine.Ok;
        }
        catch (IOException ex) when (File.Exists(file))
        {
            r.InvocationConfiguration.Error.WriteLine($"error: {file} already exists; give a new file name ({ex.Message})");
            return CommandLine.Usage;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            r.InvocationConfiguration.Error.WriteLine($"error: cannot write {file}: {ex.Message}");
            return CommandLine.Finding;
        }
    }

    static Command IdCommand(string name, string description, Func<Spool.Spool, string, TextWriter, bool> action)
    {
        var command = new Command(name, description);
        var id = new Argument<string>("id") { Description = "Queue id" };
        command.Arguments.Add(id);
        var paths = CommonOptions.AddTo(command, dataMustExist: true);
        command.SetAction(r =>
        {
            var queueId = r.GetValue(id)!;
            try
            {
                using var audit = AdminAuditRecorder.For(paths(r));
                return action(new Spool.Spool(paths(r).DataDir), queueId, r.InvocationConfiguration.Output) ? 0 : NotFound(r, queueId);
            }
            catch (AdminAuditException ex)
            {
                return NotRecorded(r, ex);
            }
        });
        return command;
    }

    /// <summary>
    /// Records an administrator's action on a queued or held message in the audit log before it takes effect (and
    /// throws <see cref="AdminAuditException"/> when it cannot): its recipients still waiting, or all of them.
    /// </summary>
    internal static void RecordAdminAction(string dataDir, SpoolEnvelope e, string outcome, string command)
    {
        var waiting = e.Recipients.Where(x => x.Status == RecipientStatus.Pending).Select(x => x.Address).ToList();
        AdminAuditRecorder.RecordAsync(dataDir, new AdminAction
        {
            QueueId = e.QueueId,
            Recipients = waiting.Count > 0 ? waiting : e.Recipients.Select(x => x.Address).ToList(),
            Outcome = outcome,
            Command = command,
            User = AdminAction.CurrentUser(),
        }).GetAwaiter().GetResult();
    }

    internal static int NotRecorded(ParseResult r, AdminAuditException ex)
    {
        r.InvocationConfiguration.Error.WriteLine($"Chưa thực hiện vì không ghi được vào nhật ký kiểm toán / Not done, because the audit log could not record it: {ex.Message}");
        return 1;
    }

    static int NotFound(ParseResult r, string id)
    {
        r.InvocationConfiguration.Error.WriteLine($"No queued message with id '{id}' / Không có thư nào mang mã '{id}' trong hàng đợi");
        return CommandLine.Usage;
    }

    /// <summary>Envelope, recipients and the message's header section, shared with `gateway quarantine show`.</summary>
    public static void WriteDetails(TextWriter output, SpoolEnvelope e, long size, Func<Stream> open)
    {
        output.WriteLine($"Queue id:      {e.QueueId}");
        output.WriteLine($"Received:      {FormatTime(e.ReceivedUtc)} UTC (age {FormatAge(DateTime.UtcNow - e.ReceivedUtc)})");
        output.WriteLine($"Sender:        <{e.MailFrom}>");
        output.WriteLine($"Size:          {size} bytes");
        if (e.ClientIp is not null) output.WriteLine($"Client:        {e.ClientIp}");
        if (e.AuthenticatedUser is not null) output.WriteLine($"Authenticated: {e.AuthenticatedUser}");
        if (e.BodyType is not null) output.WriteLine($"Body:          {e.BodyType}");
        if (e.SmtpUtf8) output.WriteLine("SMTPUTF8:      yes");
        if (e.DsnEnvelopeId is not null || e.DsnReturn is not null) output.WriteLine($"DSN:           ENVID={e.DsnEnvelopeId} RET={e.DsnReturn}");
        output.WriteLine($"Attempts:      {e.Attempts}, next {FormatTime(e.NextAttemptUtc)} UTC");
        output.WriteLine("Recipients:");
        foreach (var r in e.Recipients)
        {
            output.WriteLine($"  <{r.Address}>  {r.Status}  attempts {r.Attempts}{(r.Notify is null ? "" : "  NOTIFY=" + r.Notify)}");
            if (r.LastReply is not null) output.WriteLine($"      last reply: {r.LastReply}");
        }
        if (e.PrependHeaders.Count > 0)
        {
            output.WriteLine("Added headers:");
            foreach (var h in e.PrependHeaders) output.WriteLine("  " + h.Replace("\r\n", "\n  "));
        }
        MessageContent.Write(output, open);
    }

    internal static string FormatAge(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        if (age.TotalDays >= 1) return $"{(int)age.TotalDays}d{age.Hours:00}h";
        if (age.TotalHours >= 1) return $"{(int)age.TotalHours}h{age.Minutes:00}m";
        return $"{(int)age.TotalMinutes}m{age.Seconds:00}s";
    }

    static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes}B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + "K",
        _ => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + "M",
    };

    static string FormatTime(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
