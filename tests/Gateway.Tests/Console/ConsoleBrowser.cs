using Microsoft.Playwright;
using NUnit.Framework;

namespace Gateway.Tests.WebConsole;

/// <summary>
/// Debian's chromium driven by Playwright (its own browser download is not available here): headless, no sandbox (tests
/// run as root), and none of the background calls a fresh profile makes to a network it cannot reach.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<ConsoleBrowser> LaunchAsync()
    {
        if (!File.Exists(Chromium)) Assert.Fail($"{Chromium} is missing: install Debian's chromium package (.ci/run does).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"],
        });
        return new ConsoleBrowser(playwright, browser);
    }

    /// <summary>A fresh browser profile (no cookies) that accepts the gateway's self-signed certificate.</summary>
    public Task<IBrowserContext> NewContextAsync() =>
        Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, AcceptDownloads = true, Locale = "vi-VN" });

    /// <summary>Keeps a screenshot of the page with the test's results.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "TestResults", "console-screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{TestContext.CurrentContext.Test.MethodName}-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
