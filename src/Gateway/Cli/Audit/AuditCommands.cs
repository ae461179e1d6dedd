using System.CommandLine;
using GovGateway.Audit;
using GovGateway.AuditQueries.Filters;
using GovGateway.AuditQueries.Output;
using GovGateway.Cli;
using GovGateway.Configuration;
using GovGateway.Policies;

namespace GovGateway.Cli.Audit;

/// <summary>
/// <c>gateway audit query|stats|verify|rebuild-lookup</c>. Exit codes (<see cref="Cli.CommandLine"/>): 0 success,
/// 1 chain broken (verify), 2 bad input or no audit log.
/// </summary>
internal static class AuditCommands
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
        var since = Text("--since", "From this time (a date = 00:00 that day in the display zone, or ISO 8601)");
        var until = Text("--until", "Before this time (a date = the whole day included, or ISO 8601)");
        var sender = Text("--sender", "Envelope sender: full address, or @domain / domain");
        var rcpt = Text("--rcpt", "A recipient address contains this");
        var cls = Text("--class", "Message or attachment class; 'official' = any official document. " + FilterValues.Class.Help);
        var decision = Text("--decision", FilterValues.Decision.Help);
        var signature = Text("--signature", "As the Signature column and audit stats show it; a bare status matches S/MIME or PDF. " + FilterValues.Signature.Help);
        var rule = Text("--rule", "A rule that matched: a rule name of the policy in --config (gateway policy check lists them), or of older records");
        var subject = Text("--subject", "Subject contains this (ignores case and Vietnamese diacritics)");
        var messageId = Text("--message-id", "Message-ID, with or without <>");
        var symbol = Text("--symbol", "Document number/symbol contains this, e.g. 56/TB-VPCP");
        var limit = new Option<int>("--limit") { Description = "Most transactions shown", DefaultValueFactory = _ => 100 };
        var format = Format(AuditFormatter.QueryFormats);
        var tz = TimeZoneOption();
        foreach (var o in new Option[] { since, until, sender, rcpt, cls, decision, signature, rule, subject, messageId, symbol, limit, format, tz })
            cmd.Options.Add(o);

        cmd.SetAction((r, ct) => RunAsync(r, async output =>
        {
            if (r.GetValue(limit) <= 0) throw new AuditCliException("--limit must be positive.");
            var zone = Zone(r, tz, paths(r));
            var q = new AuditQuery
            {
                Since = TimeArgument.Parse(r.GetValue(since), "--since", endOfDay: false, zone),
                Until = TimeArgument.Parse(r.GetValue(until), "--until", endOfDay: true, zone),
                Sender = r.GetValue(sender),
                Recipient = r.GetValue(rcpt),
                Class = FilterValues.Class.Canonical(r.GetValue(cls)),
                Decision = FilterValues.Decision.Canonical(r.GetValue(decision)),
                Signature = FilterValues.Signature.Canonical(r.GetValue(signature)),
                Rule = r.GetValue(rule)?.Trim(),
                Subject = r.GetValue(subject),
                MessageId = r.GetValue(messageId),
                Symbol = r.GetValue(symbol),
                Limit = r.GetValue(limit),
            };
            var known = KnownRule(q.Rule, paths(r), out var policyRules);
            if (known is not null) q.Rule = known;
            var result = await AuditSource.AskAsync(paths(r), (c, t) => c.QueryAsync(q, t), log => log.Query(q), ct);
            if (q.Rule is not null && known is null && result.Records.Count == 0)
                throw new AuditCliException(UnknownRule(q.Rule, policyRules));
            AuditFormatter.WriteQuery(output, result, r.GetValue(format)!, zone);
            return 0;
        }));
        return cmd;
    }

    private static Command CreateStats()
    {
        var cmd = new Command("stats", "Counts per day, class, decision, signature and sender domain, and the share of official documents sent signed");
        var paths = CommonOptions.AddTo(cmd);
        var since = Text("--since", "From this time (a date = 00:00 that day in the display zone, or ISO 8601)");
        var until = Text("--until", "Before this time (a date = the whole day included, or ISO 8601)");
        var format = Format(AuditFormatter.StatsFormats);
        var tz = TimeZoneOption();
        cmd.Options.Add(since);
        cmd.Options.Add(until);
        cmd.Options.Add(format);
        cmd.Options.Add(tz);
        cmd.SetAction((r, ct) => RunAsync(r, async output =>
        {
            var zone = Zone(r, tz, paths(r));
            var from = TimeArgument.Parse(r.GetValue(since), "--since", endOfDay: false, zone);
            var to = TimeArgument.Parse(r.GetValue(until), "--until", endOfDay: true, zone);
            // Vietnam keeps one offset all year; for a zone with daylight saving the days follow its standard offset.
            var dayOffset = zone.BaseUtcOffset;
            var stats = await AuditSource.AskAsync(paths(r), (c, t) => c.StatsAsync(from, to, dayOffset, t), log => log.Stats(from, to, dayOffset), ct);
            AuditFormatter.WriteStats(output, stats, r.GetValue(format)!, zone);
            return 0;
        }));
        return cmd;
    }

    private static Option<string> TimeZoneOption() => new("--tz")
    {
        Description = "Show times in this zone: +07:00, UTC, or a name such as Asia/Ho_Chi_Minh (default: Audit:TimeZone, else +07:00). Storage stays UTC",
    };

    /// <summary>--tz, else Audit:TimeZone of the configuration in --config, else the default of <see cref="AuditOptions"/>.</summary>
    private static TimeZoneInfo Zone(ParseResult r, Option<string> tz, GatewayPaths paths)
    {
        if (r.GetValue(tz) is { Length: > 0 } given) return DisplayZone.Parse(given, "--tz");
        var configured = GatewayConfiguration.Build(paths, []).GetSection(AuditOptions.SectionName)["TimeZone"];
        return configured is { Length: > 0 } ? DisplayZone.Parse(configured, "Audit:TimeZone") : DisplayZone.Parse(new AuditOptions().TimeZone, "Audit:TimeZone");
    }

    /// <summary>
    /// The rule of the policy in --config that <paramref name="given"/> names (ignoring case), or null. A name the policy
    /// does not know may still be in older records (a renamed rule); if it matches nothing either, it is a typo and an error.
    /// </summary>
    private static string? KnownRule(string? given, GatewayPaths paths, out IReadOnlyList<string>? policyRules)
    {
        policyRules = null;
        if (string.IsNullOrWhiteSpace(given)) return null;
        var loaded = PolicyLoader.Load(paths.ConfigDir);
        if (loaded.Policy is null) return null;
        policyRules = loaded.Policy.Rules.Select(x => x.Name).ToList();
        return policyRules.FirstOrDefault(n => string.Equals(n, given.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    private static string UnknownRule(string given, IReadOnlyList<string>? policyRules)
    {
        if (policyRules is null)
            return $"--rule '{given}' matched no transaction, and there is no readable policy in --config to check the name against; give --config the gateway's configuration folder.";
        var near = NearestName.Of(given, policyRules);
        return $"--rule '{given}' matched no transaction and is not a rule of the policy. Rules: {string.Join(", ", policyRules)}." +
               (near is null ? "" : $" Did you mean '{near}'?");
    }

    private static Command CreateVerify()
    {
        var cmd = new Command("verify", "Walk the hash chain; exit 1 and name the first changed, removed or inserted record when it is broken");
        var paths = CommonOptions.AddTo(cmd);
        var format = Format(["text", "json"]);
        cmd.Options.Add(format);
        cmd.SetAction((r, ct) => RunAsync(r, async output =>
        {
            var result = await AuditSource.AskAsync(paths(r), (c, t) => c.VerifyAsync(t), log => log.Verify(), ct);
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
            int count = await AuditSource.AskAsync(paths(r), (c, t) => c.RebuildLookupAsync(t), log => log.RebuildLookup(), ct);
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
