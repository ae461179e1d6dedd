using System.CommandLine;
using System.Text.Json;
using Gateway.Tests.Support;
using GovGateway.Audit;
using NUnit.Framework;
using GovGateway.AuditQueries.Server;
using GovGateway.Cli;

namespace Gateway.Tests.Audit;

/// <summary>`audit query` refuses what it does not understand and speaks the same words as its table and `audit stats`.</summary>
[TestFixture]
public class AuditCliFilterTests
{
    private static readonly string LongQueueId = GovGateway.Spool.QueueId.New(new DateTimeOffset(AuditTestData.T0));

    /// <summary>
    /// CSV1: invitation, PDF signed valid. REJ1: rejected report. UNS1: an accepted report with no signature at all.
    /// MF1: refused at MAIL FROM, content never read. A long (real) queue id on the last.
    /// </summary>
    private static async Task<TempFolder> SeedAsync()
    {
        var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        await log.AppendAsync(AuditTestData.Accepted("CSV1", AuditTestData.T0));
        await log.AppendAsync(AuditTestData.Rejected("REJ1", AuditTestData.T0.AddHours(1)));
        var unsigned = AuditTestData.Accepted("UNS1", AuditTestData.T0.AddHours(2));
        unsigned.Classes = ["report"];
        unsigned.Attachments = [new AuditAttachment { Name = "bao-cao.docx", Class = "report", Symbol = "7/BC-UBND" }];
        await log.AppendAsync(unsigned);
        await log.AppendAsync(new AuditTransaction
        {
            TimeUtc = AuditTestData.T0.AddHours(3), QueueId = "MF1", MailFrom = "someone@gmail.com", Recipients = ["a@bnv.gov.vn"],
            Decision = AuditDecisions.Rejected, SmtpReply = "550 5.7.1 refused at MAIL FROM",
        });
        await log.AppendAsync(AuditTestData.Accepted(LongQueueId, AuditTestData.T0.AddHours(4)));
        await log.FlushAsync();
        return dir;
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await GovGateway.Cli.CommandLine.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<string[]> QueueIdsAsync(TempFolder dir, params string[] filters)
    {
        var (code, output, error) = await RunAsync(["audit", "query", "--data", dir.Path, "--format", "json", .. filters]);
        Assert.That(code, Is.EqualTo(0), error);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("records").EnumerateArray()
            .Select(r => r.GetProperty("transaction").GetProperty("queueId").GetString()!).Order().ToArray();
    }

    [Test]
    public async Task A_mistyped_option_or_verb_is_exit_2_naming_the_nearest_valid_name()
    {
        using var dir = await SeedAsync();
        var (code, output, error) = await RunAsync("audit", "query", "--decison", "rejected", "--data", dir.Path);
        Assert.That(code, Is.EqualTo(2), "not a list of every transaction: " + output);
        Assert.That(error, Does.Contain("unknown option '--decison'").And.Contain("Did you mean '--decision'?"));
        Assert.That(output, Is.Empty);

        (code, _, error) = await RunAsync("audit", "query", "--data", dir.Path, "stray");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("unexpected argument 'stray'"));

        (code, _, error) = await RunAsync("polcy", "check");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("unknown command 'polcy' for 'gateway'. Did you mean 'policy'?"));
        Assert.That(error, Does.Not.Contain("run:"));

        (code, _, error) = await RunAsync("run", "--confg", "x");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("Did you mean '--config'?"));

        (code, _, error) = await RunAsync("queue", "lst");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("Did you mean 'list'?"));
    }

    [Test]
    public async Task Filter_values_are_checked_against_their_sets_and_common_words_are_aliases()
    {
        using var dir = await SeedAsync();
        Assert.That(await QueueIdsAsync(dir, "--decision", "reject"), Is.EqualTo(new[] { "MF1", "REJ1" }));
        Assert.That(await QueueIdsAsync(dir, "--decision", "Từ chối"), Is.EqualTo(new[] { "MF1", "REJ1" }));
        Assert.That(await QueueIdsAsync(dir, "--class", "reports"), Is.EqualTo(new[] { "REJ1", "UNS1" }));
        Assert.That(await QueueIdsAsync(dir, "--class", "bao-cao"), Is.EqualTo(new[] { "REJ1", "UNS1" }));
        Assert.That(await QueueIdsAsync(dir, "--class", "giấy mời"), Is.EqualTo(new[] { "CSV1", LongQueueId }.Order().ToArray()));
        Assert.That(await QueueIdsAsync(dir, "--signature", "pdf:valid"), Is.EqualTo(new[] { "CSV1", LongQueueId }.Order().ToArray()));

        foreach (var (option, value, listed) in new[]
                 {
                     ("--decision", "denied", "accepted, rejected, quarantined, failed"),
                     ("--class", "minutes", "invitation, meeting-document, report, notice, work-document, other, official"),
                     ("--signature", "bogus", "unsigned, not-checked, valid"),
                 })
        {
            var (code, output, error) = await RunAsync("audit", "query", "--data", dir.Path, option, value);
            Assert.That(code, Is.EqualTo(2), $"{option} {value}: {output}");
            Assert.That(error, Does.Contain($"{option} '{value}' is not one of: {listed}"));
        }

        var (helpCode, help, _) = await RunAsync("audit", "query", "--help");
        Assert.That(helpCode, Is.EqualTo(0));
        Assert.That(help, Does.Contain("accepted, rejected, quarantined, failed").And.Contain("bao-cao").And.Contain("not-checked"));
    }

    [Test]
    public async Task Official_documents_that_travelled_unsigned_have_a_filter_with_the_words_stats_and_the_table_use()
    {
        using var dir = await SeedAsync();
        Assert.That(await QueueIdsAsync(dir, "--class", "official", "--decision", "accepted", "--signature", "unsigned"), Is.EqualTo(new[] { "UNS1" }));
        Assert.That(await QueueIdsAsync(dir, "--signature", "not-checked"), Is.EqualTo(new[] { "MF1" }));
        Assert.That(await QueueIdsAsync(dir, "--signature", "none"), Is.EqualTo(new[] { "UNS1" }), "'none' is read as unsigned");

        var (code, stats, error) = await RunAsync("audit", "stats", "--data", dir.Path);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stats, Does.Contain("unsigned: 1"));
        Assert.That(stats, Does.Contain("gateway audit query --class official --decision accepted --signature unsigned"));
        var perSignature = stats[stats.IndexOf("Per signature", StringComparison.Ordinal)..stats.IndexOf("Per sender", StringComparison.Ordinal)];
        Assert.That(perSignature, Does.Not.Contain("none"), "one word for unsigned, not none and smime:none");
        Assert.That(stats, Does.Match(@"(?m)^unsigned\s+1$").And.Match(@"(?m)^not-checked\s+1$").And.Match(@"(?m)^pdf:valid\s+2$"));

        var (_, table, _) = await RunAsync("audit", "query", "--data", dir.Path, "--decision", "accepted", "--class", "report");
        Assert.That(table, Does.Match(@"UNS1 .* unsigned "));
    }

    [Test]
    public async Task Sender_at_domain_is_a_domain_not_a_response_file()
    {
        using var dir = await SeedAsync();
        Assert.That(await QueueIdsAsync(dir, "--sender", "@gmail.com"), Is.EqualTo(new[] { "MF1" }));
    }

    [Test]
    public async Task Table_shows_whole_queue_ids_and_times_in_the_agency_zone()
    {
        using var dir = await SeedAsync();
        var (code, table, error) = await RunAsync("audit", "query", "--data", dir.Path, "--message-id", $"{LongQueueId}@mail.bnv.gov.vn");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(table, Does.Contain(LongQueueId), "copyable into `gateway queue show`");
        // T0 + 4 h = 06:00 UTC = 13:00 at UTC+07:00, the default.
        Assert.That(table, Does.Contain("Time (UTC+07:00)").And.Contain("2025-06-10 13:00:00"));

        (_, table, _) = await RunAsync("audit", "query", "--data", dir.Path, "--message-id", $"{LongQueueId}@mail.bnv.gov.vn", "--tz", "UTC");
        Assert.That(table, Does.Contain("Time (UTC)").And.Contain("2025-06-10 06:00:00"));

        var (_, csv, _) = await RunAsync("audit", "query", "--data", dir.Path, "--message-id", $"{LongQueueId}@mail.bnv.gov.vn", "--format", "csv");
        Assert.That(csv, Does.Contain("2025-06-10T06:00:00.000Z").And.Contain("2025-06-10T13:00:00.000+07:00"), "stored UTC, shown local too");

        // A bare date is a day in the agency's zone: 2025-06-10 +07:00 starts 2025-06-09 17:00 UTC.
        var ids = await QueueIdsAsync(dir, "--until", "2025-06-09");
        Assert.That(ids, Is.Empty);
        ids = await QueueIdsAsync(dir, "--since", "2025-06-10", "--until", "2025-06-10");
        Assert.That(ids, Has.Length.EqualTo(5));

        var (bad, _, message) = await RunAsync("audit", "query", "--data", dir.Path, "--tz", "Mars/Olympus");
        Assert.That(bad, Is.EqualTo(2));
        Assert.That(message, Does.Contain("--tz: 'Mars/Olympus' is not a time zone"));
    }

    [Test]
    public async Task Rule_must_name_a_rule_of_the_policy()
    {
        using var dir = await SeedAsync();
        var (code, _, error) = await RunAsync("audit", "query", "--data", dir.Path, "--config", RepoPaths.ShippedConfig, "--rule", "secrets");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--rule 'secrets' matched no transaction and is not a rule of the policy").And.Contain("Did you mean 'secret'?"));
        (code, var output, error) = await RunAsync("audit", "query", "--data", dir.Path, "--config", RepoPaths.ShippedConfig, "--rule", "SECRET");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("0 transaction(s)"), "a rule of the policy that matched nothing is a real empty answer");
        (code, output, error) = await RunAsync("audit", "query", "--data", dir.Path, "--config", RepoPaths.ShippedConfig, "--rule", "no-state-secrets");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("REJ1"), "a rule no longer in the policy still finds its older records");
    }

    [Test]
    public async Task Stats_count_days_in_the_agency_zone_directly_and_through_the_running_gateway()
    {
        using var dir = new TempFolder();
        await using (var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions()))
        {
            // 20:00 UTC on 10 June is 03:00 on 11 June in Hà Nội.
            await log.AppendAsync(AuditTestData.Accepted("LATE", new DateTime(2025, 6, 10, 20, 0, 0, DateTimeKind.Utc)));
            await log.FlushAsync();
        }
        var (code, stats, error) = await RunAsync("audit", "stats", "--data", dir.Path);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stats, Does.Contain("Per day (UTC+07:00)").And.Match(@"(?m)^2025-06-11\s+1$"));
        (_, stats, _) = await RunAsync("audit", "stats", "--data", dir.Path, "--tz", "UTC");
        Assert.That(stats, Does.Contain("Per day (UTC)").And.Match(@"(?m)^2025-06-10\s+1$"));

        await using var running = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        await using var server = new AuditQueryServer(dir.Path, running);
        await server.StartAsync(CancellationToken.None);
        (code, stats, error) = await RunAsync("audit", "stats", "--data", dir.Path);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stats, Does.Match(@"(?m)^2025-06-11\s+1$"), "the running gateway counts the same days");
        await server.StopAsync(CancellationToken.None);
    }
}
