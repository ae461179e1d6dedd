using System.CommandLine;
using System.Runtime.InteropServices;
using GovGateway.Cli;
using GovGateway.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GovGateway.Hosting;

/// <summary>`gateway run` (also the default verb): serve SMTP until stopped.</summary>
public static class RunCommand
{
    public static Command Create() => Configure(new Command("run", "Run the gateway: SMTP listeners, policy, spool, delivery and audit log"));

    /// <summary>Makes <paramref name="command"/> run the gateway; the root command uses it too, so `gateway` alone runs.</summary>
    public static T Configure<T>(T command) where T : Command
    {
        var paths = CommonOptions.AddTo(command);
        // --Section:Key=value settings are not options of ours: they go to the configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, ct) => RunAsync(paths(result), result.UnmatchedTokens.ToArray(), ct));
        return command;
    }

    public static IConfiguration BuildConfiguration(GatewayPaths paths, string[] overrides)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(paths.ConfigDir, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(paths.ConfigDir, $"appsettings.{environment}.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(overrides)
            .Build();
    }

    private static async Task<int> RunAsync(GatewayPaths paths, string[] overrides, CancellationToken ct)
    {
        var bad = overrides.FirstOrDefault(o => !o.StartsWith("--", StringComparison.Ordinal) || !o.Contains(':'));
        if (bad is not null)
        {
            Console.Error.WriteLine($"gateway run: unknown argument '{bad}'. Settings are given as --Section:Key=value, e.g. --Smtp:Listeners:Relay:Port=2525");
            return 2;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(BuildConfiguration(paths, overrides));
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddConsole();
        builder.Services.AddSystemd();
        builder.Services.AddSingleton(paths);
        builder.Services.AddHostedService<GatewayHostedService>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));

        using var host = builder.Build();
        try
        {
            await host.RunAsync(ct).ConfigureAwait(false);
            return 0;
        }
        catch (PolicyLoadException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException
            or GovGateway.Audit.AuditLogDamagedException)
        {
            Console.Error.WriteLine($"gateway run: {ex.Message}");
            return 1;
        }
    }
}

/// <summary>Runs <see cref="GatewayRuntime"/> inside the generic host, with SIGHUP reloading the policy.</summary>
internal sealed class GatewayHostedService(GatewayPaths paths, IConfiguration configuration, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private GatewayRuntime? _runtime;
    private PosixSignalRegistration? _sighup;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _runtime = await GatewayRuntime.StartAsync(paths, configuration, loggerFactory, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
            {
                ctx.Cancel = true;
                _runtime.Policies.TryReload();
            });
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _runtime?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _sighup?.Dispose();
        if (_runtime is not null)
            await _runtime.DisposeAsync().ConfigureAwait(false);
    }
}
