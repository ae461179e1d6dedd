using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace GovGateway.Metrics;

/// <summary>
/// /metrics (Prometheus text format), /healthz and /readyz, for monitoring and load balancers. They are mapped on the
/// console's listener; /healthz and /readyz never ask for a sign-in (a load balancer cannot sign in, and they say
/// nothing about mail), /metrics only when Console:MetricsRequireLogin is set.
/// </summary>
internal static class OperationsEndpoints
{
    private static readonly string[] GetAndHead = ["GET", "HEAD"];

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints, GatewayOperations operations, bool metricsRequireLogin)
    {
        ArgumentNullException.ThrowIfNull(operations);

        // The process answers: that is all /healthz says (a restart is the cure for its failing).
        endpoints.MapMethods("/healthz", GetAndHead, (HttpContext http) => Text(http, StatusCodes.Status200OK, "ok\n"));

        // Whether mail should be sent here now: 503 with one line per reason; a 200 says "ready", then any warning lines.
        endpoints.MapMethods("/readyz", GetAndHead, (HttpContext http) =>
        {
            var problems = operations.ReadinessProblems();
            return problems.Count == 0
                ? Text(http, StatusCodes.Status200OK, string.Concat(operations.ReadinessWarnings().Prepend("ready").Select(l => l + "\n")))
                : Text(http, StatusCodes.Status503ServiceUnavailable, string.Join("\n", problems) + "\n");
        });

        var metrics = endpoints.MapMetrics("/metrics", operations.Metrics.Registry);
        if (metricsRequireLogin)
        {
            // Said at start, not as a 500 on each scrape: a host without a sign-in cannot honour the setting.
            if (endpoints.ServiceProvider.GetService<IAuthorizationService>() is null)
                throw new InvalidOperationException("Console:MetricsRequireLogin is true, but the console has no sign-in to require; set it to false.");
            metrics.RequireAuthorization();
        }
        return endpoints;
    }

    private static IResult Text(HttpContext http, int status, string body)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(body, "text/plain; charset=utf-8", Encoding.UTF8, status);
    }
}
