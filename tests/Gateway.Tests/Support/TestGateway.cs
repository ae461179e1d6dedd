using System.Net;
using GovGateway.Cli;
using GovGateway.Configuration;
using GovGateway.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Support;

/// <summary>
/// A whole gateway in this process, on 127.0.0.1 with free ports, a copy of the shipped
/// configuration and a fresh data folder.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private readonly bool _ownsConfig;

    private TestGateway(GatewayRuntime runtime, GatewayPaths paths, bool ownsConfig)
    {
        Runtime = runtime;
        Paths = paths;
        _ownsConfig = ownsConfig;
    }

    public GatewayRuntime Runtime { get; private set; }
    public GatewayPaths Paths { get; }
    public IPEndPoint Relay => Runtime.EndPoints["relay"];
    public IPEndPoint Submission => Runtime.EndPoints["submission"];
    public IPEndPoint Smtps => Runtime.EndPoints["smtps"];

    public static async Task<TestGateway> StartAsync(IDictionary<string, string>? settings = null, string? configDir = null, string? dataDir = null)
    {
        var ownsConfig = configDir is null;
        if (configDir is null)
        {
            configDir = TempFolders.Create("gw-config");
            RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, configDir);
        }
        var paths = new GatewayPaths(configDir, dataDir ?? TempFolders.Create("gw-data"));
        var runtime = await GovGateway.Hosting.GatewayRuntime.StartAsync(paths, Configuration(paths, settings), LoggerFactory(), CancellationToken.None);
        return new TestGateway(runtime, paths, ownsConfig);
    }

    public static Microsoft.Extensions.Configuration.IConfiguration Configuration(GatewayPaths paths, IDictionary<string, string>? settings)
    {
        var all = new Dictionary<string, string>
        {
            ["Smtp:HostName"] = "gw.test.gov.vn",
            ["Smtp:Listeners:Relay:Port"] = "0",
            ["Smtp:Listeners:Submission:Port"] = "0",
            ["Smtp:Listeners:Smtps:Port"] = "0",
            ["Console:Port"] = "0",
            ["Smtp:AuthFailureDelay"] = "00:00:00.100",
            ["Smtp:ShutdownGrace"] = "00:00:05",
            ["Delivery:Upstream:Security"] = "None",
            ["Delivery:RetryBaseDelay"] = "00:00:00.200",
            ["Delivery:RetryMaxDelay"] = "00:00:01",
            ["Delivery:ScanInterval"] = "00:00:00.500",
        };
        if (settings is not null)
            foreach (var (k, v) in settings) all[k] = v;
        return GatewayConfiguration.Build(paths, all.Select(kv => $"--{kv.Key}={kv.Value}").ToArray());
    }

    public static ILoggerFactory LoggerFactory() =>
        Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));

    /// <summary>Stops the gateway gracefully, keeping its data folder, and starts it again on new ports.</summary>
    public async Task RestartAsync(IDictionary<string, string>? settings = null)
    {
        await Runtime.StopAsync(CancellationToken.None);
        await Runtime.DisposeAsync();
        Runtime = await GatewayRuntime.StartAsync(Paths, Configuration(Paths, settings), LoggerFactory(), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.StopAsync(CancellationToken.None);
        await Runtime.DisposeAsync();
        try
        {
            Directory.Delete(Paths.DataDir, recursive: true);
            if (_ownsConfig) Directory.Delete(Paths.ConfigDir, recursive: true);
        }
        catch (IOException) { }
    }
}
