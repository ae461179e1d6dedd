using System.Text.Json;
using Gateway.Tests.Support;
using NUnit.Framework;

namespace Gateway.Tests.Archive;

/// <summary>
/// As an administrator meets it: a real `gateway run`, staff's signed report sent with swaks over submission, and the
/// `gateway archive` verbs run as their own processes against the running gateway (over DATA/run/archive.sock).
/// </summary>
[TestFixture]
[Platform(Exclude = "Win")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ArchiveEndToEndTests
{
    private const string Password = "Mật-khẩu-2025!";
    private string _config = null!;
    private string _data = null!;
    private string _work = null!;
    private Upstream _upstream = null!;

    [SetUp]
    public async Task SetUp()
    {
        _config = ArchiveTestKit.ConfigWithTrust();
        _data = TempFolders.Create("archive-data");
        _work = TempFolders.Create("archive-work");
        _upstream = await Upstream.StartNewAsync();
        Assert.That(await Cli.RunAsync(new GovGateway.Configuration.GatewayPaths(_config, _data), "users", "add", Mail.Sender, "--password", Password), Is.EqualTo(0));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _upstream.DisposeAsync();
        foreach (var dir in new[] { _config, _data, _work })
            try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    /// <summary>Starts the gateway and waits for its submission listener too (the relay's is what the process helper waits for).</summary>
    private static async Task StartAsync(GatewayProcess gateway, int submission)
    {
        await gateway.StartAsync();
        await Ports.WaitUntilListeningAsync(submission, TimeSpan.FromSeconds(30));
    }

    private (GatewayProcess Gateway, int Submission) NewGateway()
    {
        var submission = Ports.Free();
        return (new GatewayProcess(_config, _data, new Dictionary<string, string>
        {
            ["Archive:Enabled"] = "true",
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = _upstream.Port.ToString(),
            ["Smtp:Listeners:Submission:Enabled"] = "true",
            ["Smtp:Listeners:Submission:Port"] = submission.ToString(),
            ["Logging:LogLevel:Default"] = "Information",
        }), submission);
    }

    private Task<ToolResult> Archive(params string[] args) =>
        ToolRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "gateway.dll"), "archive", .. args, "--config", _config, "--data", _data],
            timeout: TimeSpan.FromSeconds(60));

    private async Task<ToolResult> SendAsync(int port, byte[] pdf, string subject)
    {
        var eml = Mail.WriteEml(ArchiveTestKit.WithDocument(subject, "bao-cao-12.pdf", pdf), _work);
        return await Swaks.SendAsync(port, Mail.Sender, Mail.Recipient, eml, "--tls", "--auth", "LOGIN", "--auth-user", Mail.Sender, "--auth-password", Password);
    }

    private async Task<JsonElement> SearchAsync(params string[] args)
    {
        var result = await Archive(["search", .. args, "--format", "json"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.All);
        return JsonDocument.Parse(result.StdOut).RootElement.Clone();
    }

    [Test, CancelAfter(240_000)]
    public async Task A_signed_report_sent_by_staff_is_found_shown_and_read_back_identical_and_a_changed_file_is_refused()
    {
        var (gateway, submission) = NewGateway();
        await using var _ = gateway;
        await StartAsync(gateway, submission);
        var pdf = ArchiveTestKit.SignedReport();
        var id = ArchiveTestKit.Sha256(pdf);

        var sent = await SendAsync(submission, pdf, "Báo cáo kết quả chuyển đổi số");
        Assert.That(sent.All, Does.Contain("<~  250 2.0.0 OK: queued as"), sent.All);
        var queueId = sent.All.Split("queued as ")[1].Split('\n')[0].Trim();
        await _upstream.WaitForAsync(1, TimeSpan.FromSeconds(30));

        var found = await ArchiveTestKit.UntilAsync(() => SearchAsync("chuyen doi so").GetAwaiter().GetResult(),
            r => r.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(30), "the report in the archive");
        Assert.That(found.GetProperty("hits")[0].GetProperty("document").GetProperty("id").GetString(), Is.EqualTo(id));
        var table = await Archive("search", "chuyển đổi số");
        Assert.That(table.ExitCode, Is.EqualTo(0), table.All);
        Assert.That(table.StdOut, Does.Contain("12/BC-STTTT").And.Contain("«"), "the table marks the matched words");

        var show = await Archive("show", id[..12]);
        Assert.That(show.ExitCode, Is.EqualTo(0), show.All);
        Assert.That(show.StdOut, Does.Contain(queueId).And.Contain("outbound").And.Contain(Mail.Recipient));

        var file = Path.Combine(_work, "ban-sao.pdf");
        var get = await Archive("get", id, "-o", file);
        Assert.That(get.ExitCode, Is.EqualTo(0), get.All);
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(pdf), "the original bytes");
        Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        var again = await Archive("get", id, "-o", file);
        Assert.That(again.ExitCode, Is.EqualTo(2), "an existing file is not overwritten: " + again.All);

        // Someone changes the stored file: the archive refuses to hand it out as the document.
        var stored = Path.Combine(_data, "archive", "files", id[..2], id);
        var bytes = File.ReadAllBytes(stored);
        bytes[^10] ^= 0x20;
        File.WriteAllBytes(stored, bytes);
        var tampered = await Archive("get", id, "-o", Path.Combine(_work, "changed.pdf"));
        Assert.That(tampered.ExitCode, Is.EqualTo(1), tampered.All);
        Assert.That(tampered.StdErr, Does.Contain(id));
        Assert.That(File.Exists(Path.Combine(_work, "changed.pdf")), Is.False);

        var audit = await ToolRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "gateway.dll"), "audit", "query", "--decision", "console",
            "--format", "json", "--config", _config, "--data", _data], timeout: TimeSpan.FromSeconds(60));
        Assert.That(audit.StdOut, Does.Contain($"archive get {id}"), "each get is in the audit chain");
        await gateway.TerminateAsync(TimeSpan.FromSeconds(30));
    }

    [Test, CancelAfter(240_000)]
    public async Task A_message_killed_before_its_documents_were_archived_stays_queued_and_is_archived_at_the_next_start()
    {
        var pdf = ArchiveTestKit.SignedReport();
        var id = ArchiveTestKit.Sha256(pdf);
        // A file where the document's folder must go: storing fails (root or not) until it is removed.
        var files = Path.Combine(_data, "archive", "files");
        Directory.CreateDirectory(files);
        var blocker = Path.Combine(files, id[..2]);
        File.WriteAllText(blocker, "not a folder");

        var (gateway, submission) = NewGateway();
        await using (gateway)
        {
            await StartAsync(gateway, submission);
            var sent = await SendAsync(submission, pdf, "Báo cáo kết quả chuyển đổi số");
            Assert.That(sent.All, Does.Contain("<~  250 2.0.0 OK: queued as"));
            await _upstream.WaitForAsync(1, TimeSpan.FromSeconds(30));
            await ArchiveTestKit.UntilAsync(() => gateway.Output, o => o.Contains("archiving failed"), TimeSpan.FromSeconds(30), "an archiving failure");
            Assert.That(Directory.GetFiles(Path.Combine(_data, "spool", "queue"), "*.msg"), Has.Length.EqualTo(1),
                "delivered, but kept in the queue while its document is not archived");
            await gateway.KillAsync();
        }

        File.Delete(blocker);
        var (restarted, _) = NewGateway();
        await using (restarted)
        {
            await restarted.StartAsync();
            await ArchiveTestKit.UntilAsync(() => Directory.GetFiles(Path.Combine(_data, "spool", "queue"), "*.msg").Length, n => n == 0,
                TimeSpan.FromSeconds(30), "the queue to drain after the restart");
            var found = await SearchAsync("--symbol", "12/BC-STTTT");
            Assert.That(found.GetProperty("total").GetInt32(), Is.EqualTo(1), restarted.Output);
            Assert.That(found.GetProperty("hits")[0].GetProperty("document").GetProperty("id").GetString(), Is.EqualTo(id));
            await restarted.TerminateAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Test, CancelAfter(120_000)]
    public async Task A_mistyped_option_or_value_names_the_nearest()
    {
        var result = await Archive("search", "x", "--signd", "yes");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.StdErr, Does.Contain("--signed"));
        var cls = await Archive("search", "x", "--class", "reprot");
        Assert.That(cls.ExitCode, Is.EqualTo(2), cls.All);
        Assert.That(cls.StdErr, Does.Contain("report"));
    }
}
