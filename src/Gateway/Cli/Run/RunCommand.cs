using System.CommandLine;
using System.Runtime.InteropServices;
using GovGateway.Cli;
using GovGateway.Configuration;
using GovGateway.Hosting;
using GovGateway.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace GovGateway.Cli.Run;

/// <summary>`gateway run` (also the default verb): serve SMTP until stopped.</summary>
internal static class RunCommand
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

    /// <summary>
    /// In a terminal: one line per event, local time with its offset, Vietnamese as written (Microsoft's default
    /// puts the category on a line of its own). Under systemd: its formatter (journald keeps the time and level).
    /// Logging:Console:FormatterName=json gives one JSON object per line, with Vietnamese unescaped. Settings under
    /// Logging:Console:FormatterOptions still override these defaults.
    /// </summary>
    internal static void ConfigureConsoleLog(HostApplicationBuilder builder)
    {
        // Without a formatter name the console logger ignores the formatter's options for its legacy ones.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Simple);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff zzz ";
            // The one scope is the node's name (RunAsync), so that lines from several gateways side by side say whose they are.
            o.IncludeScopes = true;
        });
        builder.Services.Configure<ConsoleFormatterOptions>("systemd", o => o.IncludeScopes = true);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
            o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddConsole();
        // The host logs a failed start with the exception's stack trace; RunAsync says it in one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.AddSystemd();
        // AddSystemd picks its own formatter under systemd; a formatter the administrator names still wins.
        if (builder.Configuration["Logging:Console:FormatterName"] is { Length: > 0 } chosen)
            builder.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName = chosen);
    }

    private static async Task<int> RunAsync(GatewayPaths paths, string[] overrides, CancellationToken ct)
    {
        if (ConfigurationCheck.ConfigFolderProblem(paths.ConfigDir) is { } folderProblem)
        {
            Console.Error.WriteLine("gateway run: " + folderProblem);
            return CommandLine.Usage;
        }
        var unknown = ConfigurationCheck.Problems(GatewayConfiguration.Build(paths, overrides));
        if (unknown.Count > 0)
        {
            foreach (var problem in unknown) Console.Error.WriteLine("gateway run: " + problem);
            return CommandLine.Finding;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(GatewayConfiguration.Build(paths, overrides));
        ConfigureConsoleLog(builder);
        builder.Services.AddSingleton(paths);
        builder.Services.AddHostedService<GatewayHostedService>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));

        using var host = builder.Build();
        try
        {
            var node = NodeOptions.FromConfiguration(builder.Configuration).EffectiveName;
            // Everything the host starts inherits this scope (it flows with the async context), so every line names the node.
            using var scope = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GovGateway").BeginScope("node {Node}", node);
            await host.RunAsync(ct).ConfigureAwait(false);
            return 0;
        }
        catch (PolicyLoadException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException
                                   or ArgumentException or System.Security.Cryptography.CryptographicException
                                   or GovGateway.Audit.AuditLogDamagedException)
        {
            // Settings, files and ports an administrator can fix: one line saying which (the messages name them).
            Console.Error.WriteLine($"gateway run: {OneLine(ex.Message)}");
            return 1;
        }
    }

    private static string OneLine(string message) =>
        string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
