using System.CommandLine;
using System.Text.Json;
using GovGateway.Audit;
using NUnit.Framework;
using GovGateway.AuditQueries.Server;
using GovGateway.Cli;

namespace Gateway.Tests.Audit;

/// <summary>The audit verbs run in-process through the System.CommandLine root, and once through the built executable.</summary>
[TestFixture]
public class AuditCliTests
{
    private const string TrickySubject = "Báo cáo \"quý 2\", năm 2025; Đề án chuyển đổi số";

    private static async Task<TempFolder> SeedAsync()
    {
        var dir = new TempFolder();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        var tricky = AuditTestData.Accepted("CSV1", AuditTestData.T0, "a@hanoi.gov.vn", "b@hue.gov.vn");
        tricky.Subject = TrickySubject;
        tricky.HeaderFrom = "\"Nguyễn, Văn A\" <a@bnv.gov.vn>";
        await log.AppendAsync(tricky);
        await log.RecordDeliveryAsync(AuditTestData.Delivery("CSV1", "a@hanoi.gov.vn", "delivered", "250 2.0.0 ok", AuditTestData.T0.AddSeconds(3)));
        await log.RecordDeliveryAsync(AuditTestData.Delivery("CSV1", "b@hue.gov.vn", "bounced", "550 5.1.1 no such user", AuditTestData.T0.AddSeconds(4)));
        await log.AppendAsync(AuditTestData.Rejected("REJ1", AuditTestData.T0.AddDays(1)));
        return dir;
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await GovGateway.Cli.CommandLine.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Query_table_shows_transactions_with_recipient_outcomes()
    {
        using var dir = await SeedAsync();
        var (code, output, error) = await RunAsync("audit", "query", "--data", dir.Path);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("Time (UTC+07:00)"), "auditors read the agency's time by default");
        Assert.That(output, Does.Contain("a@hanoi.gov.vn (delivered)"));
        Assert.That(output, Does.Contain("REJ1"));
        Assert.That(output, Does.Contain("2 transaction(s)"));
        Assert.That(output.IndexOf("REJ1", StringComparison.Ordinal), Is.LessThan(output.IndexOf("CSV1", StringComparison.Ordinal)), "newest first");
    }

    [Test]
    public async Task Query_json_round_trips_vietnamese_text_and_filters()
    {
        using var dir = await SeedAsync();
        var (code, output, error) = await RunAsync("audit", "query", "--data", dir.Path, "--format", "json", "--subject", "DE AN CHUYEN DOI", "--until", "2025-06-10");
        Assert.That(code, Is.EqualTo(0), error);
        using var json = JsonDocument.Parse(output);
        var records = json.RootElement.GetProperty("records");
        Assert.That(records.GetArrayLength(), Is.EqualTo(1));
        var tx = records[0].GetProperty("transaction");
        Assert.That(tx.GetProperty("subject").GetString(), Is.EqualTo(TrickySubject));
        Assert.That(tx.GetProperty("attachments")[0].GetProperty("symbol").GetString(), Is.EqualTo("45/GM-STTTT"));
        var status = records[0].GetProperty("recipientStatus").EnumerateArray().ToDictionary(s => s.GetProperty("recipient").GetString()!, s => s.GetProperty("outcome").GetString());
        Assert.That(status["b@hue.gov.vn"], Is.EqualTo("bounced"));
        Assert.That(output, Does.Contain("Báo cáo"), "Vietnamese is written as is, not \\u-escaped");

        (code, output, _) = await RunAsync("audit", "query", "--data", dir.Path, "--format", "json", "--decision", "rejected", "--rule", "no-state-secrets", "--symbol", "12/BC-UBND");
        Assert.That(code, Is.EqualTo(0));
        using var rejected = JsonDocument.Parse(output);
        Assert.That(rejected.RootElement.GetProperty("records")[0].GetProperty("transaction").GetProperty("queueId").GetString(), Is.EqualTo("REJ1"));
    }

    [Test]
    public async Task Query_csv_is_read_back_by_pythons_csv_module()
    {
        using var dir = await SeedAsync();
        var (code, output, error) = await RunAsync("audit", "query", "--data", dir.Path, "--format", "csv", "--message-id", "CSV1@mail.bnv.gov.vn");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.StartWith("\uFEFFtime_utc,"), "a UTF-8 byte-order mark first, so Excel reads Vietnamese right");

        var python = await ToolRunner.RunAsync("python3",
            ["-c", "import csv,sys,json; sys.stdin.reconfigure(encoding='utf-8-sig'); sys.stdout.write(json.dumps(list(csv.reader(sys.stdin)), ensure_ascii=False))"],
            stdin: output, environment: new Dictionary<string, string> { ["PYTHONIOENCODING"] = "utf-8" });
        var parsed = System.Text.Json.JsonSerializer.Deserialize<string[][]>(python.Succeeded().StdOut)!;

        Assert.That(parsed, Has.Length.EqualTo(2));
        var header = parsed[0].ToList();
        var row = parsed[1];
        Assert.That(row, Has.Length.EqualTo(header.Count));
        Assert.That(row[header.IndexOf("subject")], Is.EqualTo(TrickySubject));
        Assert.That(row[header.IndexOf("header_from")], Is.EqualTo("\"Nguyễn, Văn A\" <a@bnv.gov.vn>"));
        Assert.That(row[header.IndexOf("recipients")], Is.EqualTo("a@hanoi.gov.vn=delivered; b@hue.gov.vn=bounced"));
        Assert.That(row[header.IndexOf("queue_id")], Is.EqualTo("CSV1"));
    }

    [Test]
    public async Task Stats_json_and_table()
    {
        using var dir = await SeedAsync();
        var (code, output, error) = await RunAsync("audit", "stats", "--data", dir.Path, "--format", "json", "--since", "2025-06-10", "--until", "2025-06-11");
        Assert.That(code, Is.EqualTo(0), error);
        using var json = JsonDocument.Parse(output);
        Assert.That(json.RootElement.GetProperty("transactions").GetInt64(), Is.EqualTo(2));
        Assert.That(json.RootElement.GetProperty("perDecision").GetProperty("rejected").GetInt64(), Is.EqualTo(1));
        Assert.That(json.RootElement.GetProperty("officialSignedPercent").GetDouble(), Is.EqualTo(100.0));

        (code, output, _) = await RunAsync("audit", "stats", "--data", dir.Path);
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("Official documents accepted: 1, travelled signed: 1 (100%)"));
        Assert.That(output, Does.Contain("bnv.gov.vn"));
    }

    [Test]
    public async Task Verify_exits_0_when_intact_and_1_naming_the_record_when_broken()
    {
        using var dir = await SeedAsync();
        var (code, output, _) = await RunAsync("audit", "verify", "--data", dir.Path);
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.StartWith("OK:"));

        using (var chain = new ChainFile(dir))
            chain.Edit(1, entry => entry["transaction"]!["MailFrom"] = "someone-else@gmail.com");
        (code, output, _) = await RunAsync("audit", "verify", "--data", dir.Path);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain("BROKEN (changed) at entry 1"));
        Assert.That(output, Does.Contain("queue CSV1"));

        (code, output, _) = await RunAsync("audit", "verify", "--data", dir.Path, "--format", "json");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(JsonDocument.Parse(output).RootElement.GetProperty("problem").GetString(), Is.EqualTo("changed"));
    }

    [Test]
    public async Task Bad_input_gives_a_clear_error_and_exit_2()
    {
        using var dir = await SeedAsync();
        var (code, _, error) = await RunAsync("audit", "query", "--data", dir.Path, "--since", "hôm qua");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--since"));

        (code, _, error) = await RunAsync("audit", "query", "--data", dir.Path, "--limit", "0");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--limit"));

        using var empty = new TempFolder();
        (code, _, error) = await RunAsync("audit", "verify", "--data", empty.Path);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("No audit log"));

        (code, _, _) = await RunAsync("audit", "query", "--data", dir.Path, "--format", "xml");
        Assert.That(code, Is.Not.EqualTo(0));
    }

    [Test]
    public async Task Verbs_go_through_the_socket_while_the_gateway_holds_the_database()
    {
        using var dir = await SeedAsync();
        await using var log = await AuditLog.OpenAsync(dir.Path, AuditTestData.FastOptions());
        await using var server = new AuditQueryServer(dir.Path, log);
        await server.StartAsync(CancellationToken.None);
        await log.AppendAsync(AuditTestData.Quarantined("LIVE1", AuditTestData.T0.AddDays(2)));
        await log.FlushAsync();

        // The database is locked by this process's log: only the socket can answer.
        var (code, output, error) = await RunAsync("audit", "query", "--data", dir.Path, "--decision", "quarantined", "--format", "json");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("LIVE1"));
        (code, output, _) = await RunAsync("audit", "verify", "--data", dir.Path);
        Assert.That(code, Is.EqualTo(0), output);

        await server.StopAsync(CancellationToken.None);
        (code, _, error) = await RunAsync("audit", "query", "--data", dir.Path);
        Assert.That(code, Is.EqualTo(2), "no server and the file is held: a clear error, not a second writer");
        Assert.That(error, Does.Contain("could not be opened"));
    }

    [Test]
    public async Task Built_gateway_executable_runs_audit_verify_and_query()
    {
        using var dir = await SeedAsync();
        Assert.That(File.Exists(GatewayBinary.Dll), Is.True, GatewayBinary.Dll);

        var verify = await GatewayBinary.RunAsync("audit", "verify", "--data", dir.Path);
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.All);
        Assert.That(verify.All, Does.Contain("OK:"));

        var query = await GatewayBinary.RunAsync("audit", "query", "--data", dir.Path, "--subject", "bao cao mat", "--format", "csv");
        Assert.That(query.ExitCode, Is.EqualTo(0), query.All);
        Assert.That(query.All, Does.Contain("REJ1"));
        Assert.That(query.All, Does.Contain("Báo cáo MẬT số 12/BC-UBND"));
    }
}
