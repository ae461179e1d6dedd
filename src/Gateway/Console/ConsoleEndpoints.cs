using GovGateway.Metrics;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GovGateway.WebConsole;

/// <summary>
/// Where endpoint groups other than the console's own pages join the console's web host (metrics and health checks,
/// for instance). They are mapped on the same HTTPS listener, before the console's pages, and are not behind the
/// sign-in unless they ask for it (<c>.RequireAuthorization()</c>, or <see cref="ConsoleOptions.MetricsRequireLogin"/>).
/// </summary>
internal static class ConsoleEndpoints
{
    /// <summary>Services the extra endpoint groups need, registered before the web host is built.</summary>
    public static void AddExtraServices(IServiceCollection services, ConsoleContext context)
    {
        // Other endpoint groups register their services here, e.g. MetricsEndpoints.AddServices(services, context);
    }

    /// <summary>Maps the extra endpoint groups.</summary>
    public static void MapExtra(IEndpointRouteBuilder endpoints, ConsoleContext context)
    {
        endpoints.MapOperations(context.Runtime.Operations, context.Options.MetricsRequireLogin);
        // Other endpoint groups are mapped here.
    }
}
