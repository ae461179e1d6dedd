using Gateway.Tests.Support;
using Gateway.Tests.WebConsole;
using GovGateway.Audit;
using MailKit.Net.Smtp;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Gateway.Tests.Archive;

/// <summary>An auditor in a real browser: the archive search shows the matched words highlighted, the document page its exchanges and the original bytes to download.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ArchiveConsoleTests
{
    private const string Auditor = "kiemtoan@stttt.hatinh.gov.vn";
    private const string Password = "Mật-khẩu-2025!";

    [Test, CancelAfter(180_000)]
    public async Task The_search_page_highlights_the_passage_and_the_document_page_downloads_the_original()
    {
        var config = ArchiveTestKit.ConfigWithTrust();
        var work = TempFolders.Create("archive-console");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Archive:Enabled"] = "true" }, configDir: config);
        Assert.That(await Cli.RunAsync(gateway.Paths, "users", "add", Auditor, "--password", Password, "--role", "auditor"), Is.EqualTo(0));
        var pdf = ArchiveTestKit.SignedReport();
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", gateway.Relay.Port, MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(ArchiveTestKit.WithDocument("Báo cáo chuyển đổi số", "bao-cao-12.pdf", pdf));
            await client.DisconnectAsync(true);
        }
        await ArchiveTestKit.UntilAsync(() => gateway.Runtime.Archive!.Archive.Stats().Documents, n => n == 1, TimeSpan.FromSeconds(30), "the report archived");

        await using var browser = await ConsoleBrowser.LaunchAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var site = $"https://127.0.0.1:{gateway.Runtime.ConsoleEndPoint!.Port}";
        await page.GotoAsync($"{site}/login");
        await page.FillAsync("input[name=username]", Auditor);
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");

        await page.GotoAsync($"{site}/archive");
        await page.FillAsync("input[name=q]", "chuyen doi so");
        await page.ClickAsync("#search button[type=submit]");
        Assert.That(await page.Locator("#count").TextContentAsync(), Does.StartWith("1 "));
        var marked = await page.Locator("#results mark").AllTextContentsAsync();
        Assert.That(marked.Select(m => m.ToLowerInvariant()), Has.Some.EqualTo("chuyển").Or.Some.EqualTo("chuyển đổi số"), "the matched words, highlighted");
        await ConsoleBrowser.ScreenshotAsync(page, "archive-search");

        await page.ClickAsync("#results a");
        Assert.That(await page.Locator("#document").TextContentAsync(), Does.Contain("12/BC-STTTT").And.Contain(ArchiveTestKit.Sha256(pdf)));
        Assert.That(await page.Locator("#exchanges").TextContentAsync(), Does.Contain(Mail.Recipient).And.Contain("inbound"));
        await ConsoleBrowser.ScreenshotAsync(page, "archive-document");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
        var file = Path.Combine(work, "downloaded.pdf");
        await download.SaveAsAsync(file);
        Assert.That(await File.ReadAllBytesAsync(file), Is.EqualTo(pdf));

        await gateway.Runtime.Audit!.FlushAsync();
        var records = gateway.Runtime.Audit!.Query(new AuditQuery { Decision = AuditDecisions.Console, Limit = 20 }).Records.Select(r => r.Transaction).ToList();
        Assert.That(records.Select(r => r.Subject), Has.Some.Contains("archive q=chuyen%20doi%20so"), "the search is recorded");
        Assert.That(records.Where(r => r.Listener == "archive").Select(r => r.Subject), Has.Some.StartWith("console: archive get"), "and the download, with the document");
        Directory.Delete(work, true);
        Directory.Delete(config, true);
    }
}
