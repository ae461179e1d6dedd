using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GovGateway.WebConsole;

/// <summary>
/// The console's web server: Kestrel on Console:Address:Console:Port, HTTPS only, serving the certificate the SMTP
/// listeners serve. The certificate is chosen per handshake from the gateway's <see cref="Tls.CertificateWatcher"/>, so
/// a renewed certificate is served as soon as the watcher has loaded it.
/// </summary>
internal sealed class WebConsoleHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebConsoleHost(WebApplication app) => _app = app;

    /// <summary>The address and port the console listens on (the port the system chose when Console:Port is 0).</summary>
    public IPEndPoint EndPoint { get; private set; } = null!;

    public static async Task<WebConsoleHost> StartAsync(ConsoleContext context, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var options = context.Options;
        var certificates = context.Runtime.Certificates
                           ?? throw new InvalidOperationException("The console needs the gateway's TLS certificate, which is not loaded.");
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // The gateway's own loggers, so the console's lines look like and go where the rest of the gateway's go.
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        // The gateway's host owns SIGTERM and Ctrl-C (finish transactions, then stop); a second console lifetime here
        // would take the signal and end the process under a client in DATA.
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, NoSignalLifetime>();
        builder.Services.AddRouting();
        builder.Services.AddSingleton(context);
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
            kestrel.Listen(IPAddress.Parse(options.Address), options.Port, listen =>
                listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => certificates.Current }));
        });
        ConsoleEndpoints.AddExtraServices(builder.Services, context);
        ConsolePages.AddServices(builder.Services, context);

        var app = builder.Build();
        app.UseRouting();
        ConsolePages.UseMiddleware(app);
        ConsoleEndpoints.MapExtra(app, context);
        ConsolePages.Map(app);
        await app.StartAsync(ct).ConfigureAwait(false);

        var host = new WebConsoleHost(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.EndPoint = new IPEndPoint(IPAddress.Parse(options.Address), new Uri(address).Port);
        loggerFactory.CreateLogger<WebConsoleHost>().LogInformation("Console listening on https://{EndPoint}/", host.EndPoint);
        return host;
    }

    public Task StopAsync(CancellationToken ct) => _app.StopAsync(ct);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>A lifetime that leaves process signals to the gateway's own host, which stops the console in order.</summary>
internal sealed class NoSignalLifetime : Microsoft.Extensions.Hosting.IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
