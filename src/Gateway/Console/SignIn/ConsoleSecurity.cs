using System.Globalization;
using System.Security.Claims;
using GovGateway.Access.Auth;
using GovGateway.FileSystem;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GovGateway.WebConsole.SignIn;

/// <summary>
/// Sessions, roles and the headers every response carries. A session is a cookie (Secure, HttpOnly, SameSite=Strict,
/// __Host- prefixed) that lapses after Console:IdleTimeout without a request and Console:AbsoluteTimeout after sign-in;
/// each request checks the account still has the role in the users file, so removing a role ends its use at once.
/// </summary>
internal static class ConsoleSecurity
{
    public const string AuditorPolicy = "auditor";
    public const string AdminPolicy = "admin";
    private const string SignedInClaim = "govgw:signed-in";

    public static void AddServices(IServiceCollection services, ConsoleContext context)
    {
        var options = context.Options;
        // Session cookies and anti-forgery tokens are sealed with keys kept in DATA/console/keys (0700), so a restart
        // does not sign everybody out and no other local user can read the keys.
        var keys = Path.Combine(context.Runtime.Paths.DataDir, "console", "keys");
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(keys)!);
        PrivateFiles.CreateDirectory(keys);
        services.AddDataProtection().SetApplicationName("GovGateway.Console").PersistKeysToFileSystem(new DirectoryInfo(keys));

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "__Host-govgw-session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.Path = "/";
            cookie.ExpireTimeSpan = options.IdleTimeout;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/login";
            cookie.LogoutPath = "/logout";
            cookie.AccessDeniedPath = "/denied";
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.Events.OnValidatePrincipal = ValidateAsync;
        });
        services.AddAuthorization(a =>
        {
            a.AddPolicy(AuditorPolicy, p => p.RequireRole(UserRoles.Auditor));
            a.AddPolicy(AdminPolicy, p => p.RequireRole(UserRoles.Admin));
        });
        services.AddAntiforgery(a =>
        {
            a.Cookie.Name = "__Host-govgw-af";
            a.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            a.Cookie.SameSite = SameSiteMode.Strict;
            a.Cookie.HttpOnly = true;
            a.Cookie.Path = "/";
            a.FormFieldName = "__af";
        });
    }

    public static void UseMiddleware(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            // No script, no frames, forms only to ourselves; styles from our own sheet (SVG charts use attributes).
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.StrictTransportSecurity = "max-age=31536000";
            // Audit data must not linger in shared browser caches.
            headers.CacheControl = "no-store";
            await next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
    }

    /// <summary>The principal of a signed-in account with the roles it has now.</summary>
    public static ClaimsPrincipal Principal(string user, IEnumerable<string> roles, DateTimeOffset now)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, user), new(SignedInClaim, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>The console roles an account has in the users file now (staff and unknown accounts have none).</summary>
    public static IReadOnlyList<string> ConsoleRoles(ConsoleContext context, string user) =>
        (context.Runtime.Access.Users?.RolesOf(user) ?? []).Where(r => r is UserRoles.Auditor or UserRoles.Admin).ToList();

    private static async Task ValidateAsync(CookieValidatePrincipalContext cookie)
    {
        var context = cookie.HttpContext.RequestServices.GetRequiredService<ConsoleContext>();
        var principal = cookie.Principal!;
        var signedIn = long.TryParse(principal.FindFirst(SignedInClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.MinValue;
        var name = principal.Identity?.Name ?? "";
        var roles = ConsoleRoles(context, name);
        if (DateTimeOffset.UtcNow - signedIn > context.Options.AbsoluteTimeout || roles.Count == 0)
        {
            cookie.RejectPrincipal();
            await cookie.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        var had = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).Order().ToList();
        if (!had.SequenceEqual(roles.Order()))
        {
            // Roles changed in the users file: the session carries the current ones from now on.
            cookie.ReplacePrincipal(Principal(name, roles, signedIn));
            cookie.ShouldRenew = true;
        }
    }

    /// <summary>Checks the anti-forgery token of a form post; false (and a 400 page) when it is missing or wrong.</summary>
    public static async Task<bool> FormIsGenuineAsync(HttpContext context)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }
}
