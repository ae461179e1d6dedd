using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace GovGateway.Metrics;

/// <summary>
/// /metrics (Prometheus text format), /healthz and /readyz, for monitoring and load balancers. They are mapped on the
/// console's listener; /healthz and /readyz never ask for a sign-in (a load balancer cannot sign in, and they say
/// nothing about mail), /metrics only when Console:MetricsRequireLogin is set, and then answers a client without a
/// session 401 with a challenge, as an API does, not the pages' redirect to the sign-in form.
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
            if (endpoints.ServiceProvider.GetService<IAuthenticationSchemeProvider>() is null)
                throw new InvalidOperationException("Console:MetricsRequireLogin is true, but the console has no sign-in to require; set it to false.");
            // A scraper is not a browser: it gets 401 and a challenge, not the console's redirect to /login (which it
            // would follow and then parse the sign-in page as metrics). The session cookie, when sent, is checked by the
            // authentication middleware before this runs, as for the pages.
            metrics.Add(endpoint =>
            {
                var scrape = endpoint.RequestDelegate!;
                endpoint.RequestDelegate = http => http.User.Identity?.IsAuthenticated == true ? scrape(http) : SignInRequired(http);
            });
        }
        return endpoints;
    }

    /// <summary>The challenge a client without a session gets: the console's sign-in is a cookie, set by /login.</summary>
    public const string Challenge = "Cookie realm=\"GovGateway console\", form-action=\"/login\"";

    private static Task SignInRequired(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = Challenge;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(
            "Cần đăng nhập: /metrics chỉ dành cho tài khoản đã đăng nhập bảng điều khiển (Console:MetricsRequireLogin). "
            + "/ Sign-in required: /metrics is served only to a signed-in console account (Console:MetricsRequireLogin).\n", Encoding.UTF8);
    }

    private static IResult Text(HttpContext http, int status, string body)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(body, "text/plain; charset=utf-8", Encoding.UTF8, status);
    }
}
