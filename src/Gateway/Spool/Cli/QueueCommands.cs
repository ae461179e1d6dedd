using System.CommandLine;
using System.Globalization;
using System.Text;
using GovGateway.Cli;

namespace GovGateway.Spool;

/// <summary>
/// `gateway queue list|show|retry|delete`: administration of the delivery queue. Works on the files while the
/// gateway runs: reads see whole envelopes (they are replaced by rename), retry leaves a marker the running
/// delivery service picks up, delete removes the envelope first so the message stops being a message at once.
/// </summary>
public static class QueueCommands
{
    public static Command Create()
    {
        var queue = new Command("queue", "Show and manage messages waiting for delivery");
        queue.Subcommands.Add(ListCommand());
        queue.Subcommands.Add(ShowCommand());
        queue.Subcommands.Add(IdCommand("retry", "Deliver a message now instead of at its next scheduled attempt",
            (spool, id, output) =>
            {
                if (!spool.MarkForRetry(id)) return false;
                output.WriteLine($"{id}: retry requested");
                return true;
            }));
        queue.Subcommands.Add(IdCommand("delete", "Remove a message from the queue without delivering it (no bounce is sent)",
            (spool, id, output) =>
            {
                if (!spool.Delete(id)) return false;
                output.WriteLine($"{id}: deleted");
                return true;
            }));
        return queue;
    }

    static Command ListCommand()
    {
        var command = new Command("list", "List queued messages with per-recipient status");
        var paths = CommonOptions.AddTo(command);
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            var spool = new Spool(paths(r).DataDir);
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
        var command = new Command("show", "Show one queued message: envelope, delivery state and headers");
        var id = new Argument<string>("id") { Description = "Queue id" };
        command.Arguments.Add(id);
        var paths = CommonOptions.AddTo(command);
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            var queueId = r.GetValue(id)!;
            var entry = new Spool(paths(r).DataDir).Get(queueId);
            if (entry is null) return NotFound(r, queueId);
            WriteDetails(output, entry.Envelope, entry.Size, () => entry.OpenMessage());
            return 0;
        });
        return command;
    }

    static Command IdCommand(string name, string description, Func<Spool, string, TextWriter, bool> action)
    {
        var command = new Command(name, description);
        var id = new Argument<string>("id") { Description = "Queue id" };
        command.Arguments.Add(id);
        var paths = CommonOptions.AddTo(command);
        command.SetAction(r =>
        {
            var queueId = r.GetValue(id)!;
            return action(new Spool(paths(r).DataDir), queueId, r.InvocationConfiguration.Output) ? 0 : NotFound(r, queueId);
        });
        return command;
    }

    static int NotFound(ParseResult r, string id)
    {
        r.InvocationConfiguration.Error.WriteLine($"No queued message with id '{id}' / Không có thư nào mang mã '{id}' trong hàng đợi");
        return 1;
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
        output.WriteLine("Headers:");
        foreach (var line in HeaderLines(open)) output.WriteLine("  " + line);
    }

    static IEnumerable<string> HeaderLines(Func<Stream> open)
    {
        using var reader = new StreamReader(open(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        var lines = 0;
        while (reader.ReadLine() is { Length: > 0 } line && lines++ < 200)
            yield return line;
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
