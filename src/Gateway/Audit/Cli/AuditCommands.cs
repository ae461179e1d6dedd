using System.CommandLine;
using GovGateway.Cli;

namespace GovGateway.Audit;

/// <summary>
/// <c>gateway audit query|stats|verify|rebuild-lookup</c>. Exit codes: 0 success, 1 chain broken (verify), 2 bad input or no audit log.
/// </summary>
public static class AuditCommands
{
    public static Command Create()
    {
        var audit = new Command("audit", "Query, count and verify the tamper-evident audit log");
        audit.Subcommands.Add(CreateQuery());
        audit.Subcommands.Add(CreateStats());
        audit.Subcommands.Add(CreateVerify());
        audit.Subcommands.Add(CreateRebuildLookup());
        return audit;
    }

    private static Command CreateQuery()
    {
        var cmd = new Command("query", "List transactions (newest first) with their per-recipient delivery outcomes");
        var paths = CommonOptions.AddTo(cmd);
        var since = Text("--since", "From this time (date = 00:00 UTC that day, or ISO 8601)");
        var until = Text("--until", "Before this time (date = the whole day included, or ISO 8601)");
        var sender = Text("--sender", "Envelope sender: full address, or @domain / domain");
        var rcpt = Text("--rcpt", "A recipient address contains this");
        var cls = Text("--class", "Message or attachment class (invitation, report, ...)");
        var decision = Text("--decision", "accepted, rejected, quarantined or failed");
        var signature = Text("--signature", "S/MIME or attachment signature status (valid, invalid, ...); 'none' for unsigned");
        var rule = Text("--rule", "A rule that matched");
        var subject = Text("--subject", "Subject contains this (ignores case and Vietnamese diacritics)");
        var messageId = Text("--message-id", "Message-ID, with or without <>");
        var symbol = Text("--symbol", "Document number/symbol contains this, e.g. 56/TB-VPCP");
        var limit = new Option<int>("--limit") { Description = "Most transactions shown", DefaultValueFactory = _ => 100 };
        var format = Format(AuditFormatter.QueryFormats);
        foreach (var o in new Option[] { since, until, sender, rcpt, cls, decision, signature, rule, subject, messageId, symbol, limit, format })
            cmd.Options.Add(o);

        cmd.SetAction((r, ct) => RunAsync(r, async output =>
        {
            if (r.GetValue(limit) <= 0) throw new AuditCliException("--limit must be positive.");
            var q = new AuditQuery
            {
                Since = TimeArgument.Parse(r.GetValue(since), "--since", endOfDay: false),
                Until = TimeArgument.Parse(r.GetValue(until), "--until", endOfDay: true),
                Sender = r.GetValue(sender),
                Recipient = r.GetValue(rcpt),
                Class = r.GetValue(cls),
                Decision = r.GetValue(decision),
                Signature = r.GetValue(signature),
                Rule = r.GetValue(rule),
                Subject = r.GetValue(subject),
                MessageId = r.GetValue(messageId),
                Symbol = r.GetValue(symbol),
                Limit = r.GetValue(limit),
            };
            var result = await AuditSource.AskAsync(paths(r).DataDir, (c, t) => c.QueryAsync(q, t), log => log.Query(q), ct);
            AuditFormatter.WriteQuery(output, result, r.GetValue(format)!);
            return 0;
        }));
        return cmd;
    }

    private static Command CreateStats()
    {
        var cmd = new Command("stats", "Counts per day, class, decision, signature and sender domain, and the share of official documents sent signed");
        var paths = CommonOptions.AddTo(cmd);
        var since = Text("--since", "From this time (date = 00:00 UTC that day, or ISO 8601)");
        var until = Text("--until", "Before this time (date = the whole day included, or ISO 8601)");
        var format = Format(AuditFormatter.StatsFormats);
        cmd.Options.Add(since);
        cmd.Options.Add(until);
        cmd.Options.Add(format);
        cmd.SetAction((r, ct) => RunAsync(r, async output =>
        {
            var from = TimeArgument.Parse(r.GetValue(since), "--since", endOfDay: false);
            var to = TimeArgument.Parse(r.GetValue(until), "--until", endOfDay: true);
            var stats = await AuditSource.AskAsync(paths(r).DataDir, (c, t) => c.StatsAsync(from, to, t), log => log.Stats(from, to), ct);
            AuditFormatter.WriteStats(output, stats, r.GetValue(format)!);
            return 0;
        }));
        return cmd;
    }

    private static Command CreateVerify()
    {
        var cmd = new Command("verify", "Walk the hash chain; exit 1 and name the first changed, removed or inserted record when it is broken");
        var paths = CommonOptions.AddTo(cmd);
        var format = Format(["text", "json"]);
        cmd.Options.Add(format);
        cmd.SetAction((r, ct) => RunAsync(r, async output =>
        {
            var result = await AuditSource.AskAsync(paths(r).DataDir, (c, t) => c.VerifyAsync(t), log => log.Verify(), ct);
            AuditFormatter.WriteVerify(output, result, r.GetValue(format)!);
            return result.Ok ? 0 : 1;
        }));
        return cmd;
    }

    private static Command CreateRebuildLookup()
    {
        var cmd = new Command("rebuild-lookup",
            "Rebuild the blocks that Message-ID and sender queries read, from the stored entries (after verify reports an unlisted entry). The chain is not changed");
        var paths = CommonOptions.AddTo(cmd);
        cmd.SetAction((r, ct) => RunAsync(r, async output =>
        {
            int count = await AuditSource.AskAsync(paths(r).DataDir, (c, t) => c.RebuildLookupAsync(t), log => log.RebuildLookup(), ct);
            await output.WriteLineAsync($"lookup blocks rebuilt: {count} transactions listed");
            return 0;
        }));
        return cmd;
    }

    private static async Task<int> RunAsync(ParseResult r, Func<TextWriter, Task<int>> body)
    {
        var output = r.InvocationConfiguration.Output;
        try
        {
            return await body(output);
        }
        catch (AuditCliException ex)
        {
            await r.InvocationConfiguration.Error.WriteLineAsync("error: " + ex.Message);
            return 2;
        }
        catch (AuditLogDamagedException ex)
        {
            // A finding, like a broken chain: exit 1.
            await r.InvocationConfiguration.Error.WriteLineAsync("error: " + ex.Message);
            return 1;
        }
    }

    private static Option<string> Text(string name, string description) => new(name) { Description = description };

    private static Option<string> Format(string[] allowed)
    {
        var option = new Option<string>("--format") { Description = "Output: " + string.Join(", ", allowed), DefaultValueFactory = _ => allowed[0] };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }
}
