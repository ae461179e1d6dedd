using System.CommandLine;
using System.Globalization;
using GovGateway.Audit;
using GovGateway.Cli;
using GovGateway.Cli.Queue;
using GovGateway.Quarantine;
using GovGateway.Spool;

namespace GovGateway.Cli.Quarantine;

/// <summary>`gateway quarantine list|show|release|delete`: messages held back by policy.</summary>
internal static class QuarantineCommands
{
    public static Command Create()
    {
        var quarantine = new Command("quarantine", "Show and release messages held in quarantine");

        var list = new Command("list", "List quarantined messages");
        var listPaths = CommonOptions.AddTo(list, dataMustExist: true);
        list.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            var count = 0;
            foreach (var q in new QuarantineStore(listPaths(r).DataDir).List())
            {
                var e = q.Record.Envelope;
                output.WriteLine($"{q.Id}  {q.Record.QuarantinedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}  " +
                                 $"from <{e.MailFrom}> to {string.Join(", ", e.Recipients.Select(x => "<" + x.Address + ">"))}");
                output.WriteLine($"    reason: {q.Record.Reason}");
                count++;
            }
            output.WriteLine(count == 1 ? "1 message" : $"{count} messages");
            return 0;
        });
        quarantine.Subcommands.Add(list);

        quarantine.Subcommands.Add(ShowCommand());
        quarantine.Subcommands.Add(IdCommand("release", "Release a message for delivery", (store, id, output) =>
        {
            if (store.Get(id) is not { } held) return false;
            QueueCommands.RecordAdminAction(Path.GetDirectoryName(store.Directory)!, WithId(held), AuditOutcomes.Released, "gateway quarantine release");
            if (store.Release(id) is null) return false;
            output.WriteLine($"{id}: released to the delivery queue");
            return true;
        }));
        quarantine.Subcommands.Add(IdCommand("delete", "Delete a quarantined message", (store, id, output) =>
        {
            if (store.Get(id) is not { } held) return false;
            QueueCommands.RecordAdminAction(Path.GetDirectoryName(store.Directory)!, WithId(held), AuditOutcomes.Deleted, "gateway quarantine delete");
            if (!store.Delete(id)) return false;
            output.WriteLine($"{id}: deleted");
            return true;
        }));
        return quarantine;
    }

    /// <summary>The held envelope under the id it was received (and audited) with.</summary>
    static SpoolEnvelope WithId(QuarantineEntry held)
    {
        held.Record.Envelope.QueueId = held.Id;
        return held.Record.Envelope;
    }

    static Command ShowCommand()
    {
        var command = new Command("show", "Show one quarantined message: reason, envelope, headers (decoded) and attachments; --save writes it to a file");
        var id = new Argument<string>("id") { Description = "Quarantine id (the queue id it was received under)" };
        command.Arguments.Add(id);
        var save = QueueCommands.SaveOption();
        command.Options.Add(save);
        var paths = CommonOptions.AddTo(command, dataMustExist: true);
        command.SetAction(r =>
        {
            var value = r.GetValue(id)!;
            var q = new QuarantineStore(paths(r).DataDir).Get(value);
            if (q is null) return NotFound(r, value);
            if (r.GetValue(save) is { } file) return QueueCommands.SaveMessage(r, q.OpenMessage, file);
            var output = r.InvocationConfiguration.Output;
            output.WriteLine($"Reason:        {q.Record.Reason}");
            output.WriteLine($"Quarantined:   {q.Record.QuarantinedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
            QueueCommands.WriteDetails(output, q.Record.Envelope, q.Size, q.OpenMessage);
            return CommandLine.Ok;
        });
        return command;
    }

    static int NotFound(ParseResult r, string value)
    {
        r.InvocationConfiguration.Error.WriteLine($"No quarantined message with id '{value}' / Không có thư nào mang mã '{value}' trong khu cách ly");
        return CommandLine.Usage;
    }

    static Command IdCommand(string name, string description, Func<QuarantineStore, string, TextWriter, bool> action)
    {
        var command = new Command(name, description);
        var id = new Argument<string>("id") { Description = "Quarantine id (the queue id it was received under)" };
        command.Arguments.Add(id);
        var paths = CommonOptions.AddTo(command, dataMustExist: true);
        command.SetAction(r =>
        {
            var value = r.GetValue(id)!;
            try
            {
                using var audit = AdminAuditRecorder.For(paths(r));
                if (action(new QuarantineStore(paths(r).DataDir), value, r.InvocationConfiguration.Output)) return 0;
            }
            catch (AdminAuditException ex)
            {
                return QueueCommands.NotRecorded(r, ex);
            }
            return NotFound(r, value);
        });
        return command;
    }
}
