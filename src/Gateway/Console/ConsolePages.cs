using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GovGateway.WebConsole;

/// <summary>The console's own pages: sign-in, the auditors' and the administrators' pages.</summary>
internal static class ConsolePages
{
    public static void AddServices(IServiceCollection services, ConsoleContext context)
    {
    }

    public static void UseMiddleware(WebApplication app, ConsoleContext context)
    {
    }

    public static void Map(IEndpointRouteBuilder endpoints, ConsoleContext context)
    {
        endpoints.MapGet("/", () => Results.Content("<!doctype html><title>GovGateway</title><p>GovGateway console</p>", "text/html; charset=utf-8"));
    }
}
