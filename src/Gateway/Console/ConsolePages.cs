using GovGateway.WebConsole.Admin;
using GovGateway.WebConsole.Auditor;
using GovGateway.WebConsole.Html;
using GovGateway.WebConsole.SignIn;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GovGateway.WebConsole;

/// <summary>The console's own pages: sign-in, the auditors' pages and the administrators' pages.</summary>
internal static class ConsolePages
{
    public static void AddServices(IServiceCollection services, ConsoleContext context)
    {
        ConsoleSecurity.AddServices(services, context);
        services.AddSingleton<ConsoleAudit>();
        services.AddSingleton<AdminActions>();
        services.AddSingleton<DashboardCache>();
    }

    public static void UseMiddleware(WebApplication app) => ConsoleSecurity.UseMiddleware(app);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/console.css", () => Results.Text(Page.Css, "text/css; charset=utf-8"));
        SignInEndpoints.Map(endpoints);
        DashboardPage.Map(endpoints);
        MessagesPages.Map(endpoints);
        Archive.ArchivePages.Map(endpoints);
        QueuePage.Map(endpoints);
        QuarantinePage.Map(endpoints);
        PolicyPage.Map(endpoints);
    }
}
