using System.Runtime.InteropServices;
using GovGateway.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GovGateway.Hosting;

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
                _runtime.Certificates?.Reload("SIGHUP");
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
