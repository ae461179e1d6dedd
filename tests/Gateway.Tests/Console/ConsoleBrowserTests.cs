using System.Text;
using Gateway.Tests.Support;
using GovGateway.Audit;
using GovGateway.Cli;
using GovGateway.Quarantine;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Gateway.Tests.WebConsole;

/// <summary>
/// The console as its users meet it, in a real browser: an auditor searching, reading and exporting; an administrator
/// releasing a held message; a staff account and a signed-out visitor turned away. One gateway (with an aiosmtpd
/// upstream) serves every test; each test has a fresh browser profile.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ConsoleBrowserTests
{
    private const string Auditor = "kiemtoan@stttt.hatinh.gov.vn";
    private const string Admin = "quantri@stttt.hatinh.gov.vn";
    private const string Staff = Mail.Sender;
    private const string Password = "Mật-khẩu-2025!";

    private Upstream _upstream = null!;
    private TestGateway _gateway = null!;
    private ConsoleBrowser _browser = null!;
    private string _work = null!;
    private string _base = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _work = TempFolders.Create("console-e2e");
        _upstream = await Upstream.StartNewAsync();
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = _upstream.Port.ToString(),
        });
        _base = $"https://127.0.0.1:{_gateway.Runtime.ConsoleEndPoint!.Port}";
        Assert.That(await Cli.RunAsync(_gateway.Paths, "users", "add", Auditor, "--password", Password, "--role", "auditor"), Is.EqualTo(0));
        Assert.That(await Cli.RunAsync(_gateway.Paths, "users", "add", Admin, "--password", Password, "--role", "admin"), Is.EqualTo(0));
        Assert.That(await Cli.RunAsync(_gateway.Paths, "users", "add", Staff, "--password", Password), Is.EqualTo(0));

        // An official document, sent by a member of staff as their mail client would.
        var eml = Mail.WriteEml(Mail.WithAttachment("Giấy mời họp giao ban", "giay-moi.txt", Mail.InvitationText), _work);
        var sent = await Swaks.SendAsync(_gateway.Submission.Port, Staff, Mail.Recipient, eml,
            "--tls", "--auth", "LOGIN", "--auth-user", Staff, "--auth-password", Password);
        Assert.That(sent.ExitCode, Is.EqualTo(0), sent.All);
        Assert.That(await _upstream.WaitForAsync(1, TimeSpan.FromSeconds(30)), Has.Count.EqualTo(1));
        await _gateway.Runtime.Audit!.FlushAsync();
        _browser = await ConsoleBrowser.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Test]
    public async Task A_signed_out_request_is_sent_to_the_login_page_and_gets_no_audit_data()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{_base}/messages?symbol=45%2FGM-STTTT");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/login"));
        Assert.That(page.Url, Does.Contain("returnUrl=%2Fmessages"));
        Assert.That(await page.ContentAsync(), Does.Not.Contain("45/GM-STTTT"));
        await ConsoleBrowser.ScreenshotAsync(page, "login");

        // The export link without a session: a redirect to sign in, never the file.
        var csv = await context.APIRequest.GetAsync($"{_base}/messages.csv", new APIRequestContextOptions { MaxRedirects = 0 });
        Assert.That(csv.Status, Is.EqualTo(302));
        Assert.That(csv.Headers["location"], Does.Contain("/login"));
        var detail = await context.APIRequest.GetAsync($"{_base}/", new APIRequestContextOptions { MaxRedirects = 0 });
        Assert.That(detail.Status, Is.EqualTo(302));
    }

    [Test]
    public async Task An_auditor_searches_by_number_opens_the_message_exports_csv_and_sees_the_charts()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await SignInAsync(context, Auditor);

        // The dashboard: six charts drawn on the server, with bars for the invitation sent in set-up.
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/"));
        Assert.That(await page.Locator("figure svg").CountAsync(), Is.EqualTo(6));
        Assert.That(await page.Locator("#chart-per-day rect.bar").CountAsync(), Is.GreaterThan(0));
        Assert.That(await page.Locator("#chart-classes rect.bar title").AllTextContentsAsync(), Has.Some.StartsWith("invitation: 1"));
        Assert.That(await page.Locator("#chart-signed-day line.target").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator("#chart-domains").TextContentAsync(), Does.Contain("stttt.hatinh.gov.vn"));
        await ConsoleBrowser.ScreenshotAsync(page, "dashboard");

        await page.ClickAsync("a[href='/messages']");
        await page.FillAsync("input[name=symbol]", "45/GM-STTTT");
        await page.ClickAsync("form.search button[type=submit]");
        Assert.That(page.Url, Does.Contain("symbol=45%2FGM-STTTT"), "a search is a link one can bookmark");
        var rows = page.Locator("#results tbody tr");
        Assert.That(await rows.CountAsync(), Is.EqualTo(1));
        Assert.That(await rows.First.TextContentAsync(), Does.Contain("Giấy mời họp giao ban").And.Contain("accepted").And.Contain(Staff));
        await ConsoleBrowser.ScreenshotAsync(page, "search");

        await rows.First.Locator("a").First.ClickAsync();
        Assert.That(new Uri(page.Url).AbsolutePath, Does.StartWith("/messages/"));
        Assert.That(await page.Locator("#attachments").TextContentAsync(), Does.Contain("giay-moi.txt").And.Contain("invitation").And.Contain("45/GM-STTTT"));
        Assert.That(await page.Locator("#client").TextContentAsync(), Does.Contain(Staff).And.Contain("submission").And.Contain("Tls"));
        Assert.That(await page.Locator("#timeline").TextContentAsync(), Does.Contain("delivered").Or.Contain("queued"));
        await ConsoleBrowser.ScreenshotAsync(page, "detail");

        await page.GoBackAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export"));
        var file = Path.Combine(_work, "export.csv");
        await download.SaveAsAsync(file);
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "UTF-8 with a byte-order mark");
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[1], Does.Contain("45/GM-STTTT").And.Contain("Giấy mời họp giao ban"));
        // The same columns as the command line's export.
        var cliOut = new StringWriter();
        var code = await GovGateway.Cli.CommandLine.InvokeAsync(["audit", "query", "--format", "csv", "--symbol", "45/GM-STTTT",
            "--config", _gateway.Paths.ConfigDir, "--data", _gateway.Paths.DataDir], new System.CommandLine.InvocationConfiguration { Output = cliOut });
        Assert.That(code, Is.EqualTo(0));
        Assert.That(lines[0], Is.EqualTo(cliOut.ToString().TrimStart('\uFEFF').Split("\r\n")[0]));

        // Separation of duties: an auditor does not manage the queue.
        var queue = await page.GotoAsync($"{_base}/queue");
        Assert.That(queue!.Status, Is.EqualTo(403));

        // The auditor's own work is in the tamper-evident log: who, from where, what was asked, how many rows.
        var log = _gateway.Runtime.Audit!;
        await log.FlushAsync();
        var mine = log.Query(new AuditQuery { Decision = AuditDecisions.Console, Sender = Auditor, Limit = 100 }).Records.Select(r => r.Transaction).ToList();
        Assert.That(mine.Select(t => t.Subject), Has.Some.EqualTo("sign-in"));
        Assert.That(mine, Has.Some.Matches<AuditTransaction>(t => t.Subject!.StartsWith("search ?symbol=45%2FGM-STTTT") && t.SmtpReply == "1 rows"));
        Assert.That(mine, Has.Some.Matches<AuditTransaction>(t => t.Subject!.StartsWith("view ") && t.SmtpReply == "1 record"));
        Assert.That(mine, Has.Some.Matches<AuditTransaction>(t => t.Subject!.StartsWith("export ?symbol=45%2FGM-STTTT") && t.SmtpReply == "1 rows"));
        Assert.That(mine.All(t => t.ClientIp == "127.0.0.1" && t.AuthenticatedUser == Auditor), Is.True);
        // ... and searchable like any record, in the console too.
        await page.GotoAsync($"{_base}/messages?decision=console&subject=export");
        Assert.That(await page.Locator("#results tbody tr").First.TextContentAsync(), Does.Contain("export ?symbol=45%2FGM-STTTT"));
    }

    [Test]
    public async Task An_administrator_releases_a_held_message_which_then_arrives_upstream()
    {
        var runtime = _gateway.Runtime;
        var before = (await _upstream.WaitForAsync(1, TimeSpan.FromSeconds(5))).Count;
        using var writer = runtime.Spool.BeginMessage();
        await writer.WriteAsync(Encoding.UTF8.GetBytes("From: vanthu@stttt.hatinh.gov.vn\r\nTo: hopthu@example.com\r\nSubject: Held for review\r\n\r\nBody\r\n"));
        var envelope = new GovGateway.Spool.SpoolEnvelope { MailFrom = "vanthu@stttt.hatinh.gov.vn", Recipients = { new GovGateway.Spool.SpoolRecipient { Address = "hopthu@example.com" } } };
        var id = await runtime.Quarantine.AddAsync(writer, envelope, "unreadable-outside: attachment could not be read");
        // The record the pipeline writes when it holds a message.
        await runtime.Audit!.AppendAsync(new AuditTransaction
        {
            Id = AuditRecordId.New(), TimeUtc = DateTime.UtcNow, QueueId = id, MailFrom = envelope.MailFrom, Recipients = ["hopthu@example.com"],
            Subject = "Held for review", Decision = AuditDecisions.Quarantined, Listener = "relay", ClientIp = "127.0.0.1",
        });

        await using var context = await _browser.NewContextAsync();
        var page = await SignInAsync(context, Admin);
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/queue"), "an administrator without the auditor role lands on the queue");
        await page.ClickAsync("a[href='/quarantine']");
        var row = page.Locator($"#quarantine tr[data-id='{id}']");
        Assert.That(await row.TextContentAsync(), Does.Contain("unreadable-outside").And.Contain("Held for review").And.Contain("hopthu@example.com"));
        await ConsoleBrowser.ScreenshotAsync(page, "quarantine");

        await row.Locator("button", new LocatorLocatorOptions { HasText = "Release" }).ClickAsync();
        Assert.That(await page.Locator("p.ok").TextContentAsync(), Does.Contain(id).And.Contain("released"));
        Assert.That(await page.Locator($"#quarantine tr[data-id='{id}']").CountAsync(), Is.Zero);
        await ConsoleBrowser.ScreenshotAsync(page, "released");

        var arrived = await _upstream.WaitForAsync(before + 1, TimeSpan.FromSeconds(30));
        Assert.That(arrived.Select(m => m.Text), Has.Some.Contain("Subject: Held for review"));
        // The release is recorded against the message's record, with who did it and from where.
        var log = runtime.Audit!;
        await log.FlushAsync();
        var record = log.Query(new AuditQuery { QueueId = id }).Records.Single();
        Assert.That(record.Deliveries.Select(d => (d.Outcome, d.Reply)), Has.Some.EqualTo(
            (AuditOutcomes.Released, $"console quarantine release by {Admin} from 127.0.0.1 (console)")));
        Assert.That(log.Verify().Ok, Is.True);

        // Separation of duties: an administrator without the auditor role does not read the audit log.
        var messages = await page.GotoAsync($"{_base}/messages");
        Assert.That(messages!.Status, Is.EqualTo(403));
        Assert.That(await page.ContentAsync(), Does.Not.Contain("Giấy mời"));
    }

    [Test]
    public async Task A_staff_account_is_refused_and_gets_no_session()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{_base}/login");
        await page.FillAsync("input[name=username]", Staff);
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/login"));
        Assert.That(await page.Locator("p.error").AllTextContentsAsync(), Has.Some.Contains("may not sign in to the console").And.Some.Contains("chỉ dùng để gửi thư"));
        Assert.That((await context.CookiesAsync()).Select(c => c.Name), Has.None.EqualTo("__Host-govgw-session"));
        await ConsoleBrowser.ScreenshotAsync(page, "staff-refused");
        await _gateway.Runtime.Audit!.FlushAsync();
        var refused = _gateway.Runtime.Audit!.Query(new AuditQuery { Decision = AuditDecisions.Console, Sender = Staff }).Records;
        Assert.That(refused.Select(r => r.Transaction.SmtpReply), Has.Some.EqualTo("refused: no console role (staff)"));
    }

    [Test]
    public async Task A_wrong_password_is_refused_slowly_and_the_session_cookie_is_locked_down()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{_base}/login");
        await page.FillAsync("input[name=username]", Auditor);
        await page.FillAsync("input[name=password]", "not the password");
        var started = DateTime.UtcNow;
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"), r => r.Request.Method == "POST");
        Assert.That(response.Status, Is.EqualTo(401));
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100)), "Smtp:AuthFailureDelay (100 ms in tests) applies");
        Assert.That(await page.Locator("p.error").AllTextContentsAsync(), Has.Some.Contains("Wrong user name or password"));

        await page.FillAsync("input[name=username]", Auditor);
        await page.FillAsync("input[name=password]", Password);
        var ok = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"), r => r.Request.Method == "POST");
        var session = (await context.CookiesAsync()).Single(c => c.Name == "__Host-govgw-session");
        Assert.That((session.Secure, session.HttpOnly, session.SameSite), Is.EqualTo((true, true, SameSiteAttribute.Strict)));
        var csp = ok.Headers["content-security-policy"];
        Assert.That(csp, Does.Contain("default-src 'none'").And.Not.Contain("unsafe-inline").And.Not.Contain("script-src"));
        Assert.That(await page.Locator("script").CountAsync(), Is.Zero);

        // A form post without the anti-forgery token is refused even with a session.
        var forged = await context.APIRequest.PostAsync($"{_base}/logout", new APIRequestContextOptions { MaxRedirects = 0 });
        Assert.That(forged.Status, Is.EqualTo(400));
        // Signing out ends the session.
        await page.ClickAsync("header button.link");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/login"));
        await page.GotoAsync($"{_base}/messages");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/login"));
    }

    private async Task<IPage> SignInAsync(IBrowserContext context, string user)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{_base}/login");
        await page.FillAsync("input[name=username]", user);
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.Not.EqualTo("/login"), await page.ContentAsync());
        return page;
    }
}
