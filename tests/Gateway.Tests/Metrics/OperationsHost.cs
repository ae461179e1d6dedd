using System.Globalization;
using System.Net;
using GovGateway.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Metrics;

/// <summary>
/// A web host on a free loopback port serving a gateway's /metrics, /healthz and /readyz through
/// <see cref="OperationsEndpoints.MapOperations"/>, as the console's host maps them, with an HTTP client for it.
/// </summary>
internal sealed class OperationsHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OperationsHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public static async Task<OperationsHost> StartAsync(GatewayOperations operations, bool metricsRequireLogin = false)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRouting();
        if (metricsRequireLogin)
        {
            // The console's sign-in is a cookie; a request without one is sent to the sign-in page.
            builder.Services.AddAuthentication("cookie").AddCookie("cookie", o => o.LoginPath = "/login");
            builder.Services.AddAuthorization();
        }
        var app = builder.Build();
        app.UseRouting();
        if (metricsRequireLogin)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        app.MapOperations(operations, metricsRequireLogin);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OperationsHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A scraped /metrics page: its text, and each sample's value by its series ("name{label="value",...}").</summary>
public sealed class MetricsPage
{
    private MetricsPage(string text, Dictionary<string, double> samples)
    {
        Text = text;
        Samples = samples;
    }

    public string Text { get; }
    public IReadOnlyDictionary<string, double> Samples { get; }

    /// <summary>The sample's value; 0 for a series the page does not have yet (a counter not yet moved).</summary>
    public double this[string series] => Samples.TryGetValue(series, out var v) ? v : 0;

    public bool Has(string series) => Samples.ContainsKey(series);

    public static async Task<MetricsPage> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public static MetricsPage Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.LastIndexOf(' ');
            samples[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return new MetricsPage(text, samples);
    }
}
