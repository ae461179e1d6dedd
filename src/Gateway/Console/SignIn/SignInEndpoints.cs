using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static GovGateway.WebConsole.Html.Page;
using GovGateway.Access.Auth;
using GovGateway.Listeners;

namespace GovGateway.WebConsole.SignIn;

/// <summary>
/// /login, /logout and /denied. Passwords are checked by the gateway's login guard, the one SMTP AUTH uses, so failed
/// console sign-ins and failed AUTH count towards the same lockouts, and each failure waits Smtp:AuthFailureDelay.
/// Staff accounts (mail only) are refused. Every attempt is recorded in the audit log.
/// </summary>
internal static class SignInEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", (HttpContext http) => Form(http, null, StatusCodes.Status200OK));
        endpoints.MapPost("/login", SignInAsync);
        endpoints.MapPost("/logout", async (HttpContext http, ConsoleAudit audit) =>
        {
            if (!await ConsoleSecurity.FormIsGenuineAsync(http)) return Forged(http);
            if (http.User.Identity?.IsAuthenticated == true)
                await audit.RecordAsync(http, http.User.Identity.Name, "sign-out", "", "ok");
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
        endpoints.MapGet("/denied", (HttpContext http) => Message(http, StatusCodes.Status403Forbidden,
            "Tài khoản của bạn không có quyền xem trang này (kiểm toán viên đọc nhật ký; quản trị viên quản lý hàng đợi, khu cách ly và chính sách).",
            "Your account may not see this page (auditors read the audit log; administrators manage the queue, quarantine and policy)."));
    }

    private static async Task<IResult> SignInAsync(HttpContext http, ConsoleContext context, ConsoleAudit audit, ILogger<ConsoleAudit> logger)
    {
        if (!await ConsoleSecurity.FormIsGenuineAsync(http)) return Forged(http);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var user = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var client = http.Connection.RemoteIpAddress ?? IPAddress.None;
        if (user.Length == 0 || password.Length == 0)
            return Form(http, ("Hãy nhập tên đăng nhập và mật khẩu.", "Enter your user name and password."), StatusCodes.Status400BadRequest);

        var outcome = await context.Runtime.Access.Authenticator.AuthenticateAsync(user, password, client, http.RequestAborted);
        if (!outcome.IsSuccess)
        {
            var why = outcome.Status switch
            {
                AuthStatus.LockedOut => "locked out",
                AuthStatus.Unavailable => "authentication unavailable",
                _ => "wrong user name or password",
            };
            await audit.RecordAsync(http, user, ConsoleAudit.SignIn, "", "refused: " + why);
            logger.LogWarning("Console sign-in refused for {User} from {Client}: {Why}", user, client, why);
            // As AUTH: a wrong guess costs the guesser time.
            if (outcome.Status != AuthStatus.Unavailable)
                await Task.Delay(context.Runtime.SmtpSettings.EngineOptions().AuthFailureDelay, http.RequestAborted);
            return outcome.Status switch
            {
                AuthStatus.LockedOut => Form(http, (
                    $"Quá nhiều lần đăng nhập sai: tạm khóa đến {outcome.LockedUntil:yyyy-MM-dd HH:mm:ss} UTC.",
                    $"Too many failed sign-ins: locked until {outcome.LockedUntil:yyyy-MM-dd HH:mm:ss} UTC."), StatusCodes.Status429TooManyRequests),
                AuthStatus.Unavailable => Form(http, ("Không kiểm tra được mật khẩu lúc này; hãy thử lại sau.",
                    "The password cannot be checked right now; try again later."), StatusCodes.Status503ServiceUnavailable),
                _ => Form(http, ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."), StatusCodes.Status401Unauthorized),
            };
        }

        var roles = ConsoleSecurity.ConsoleRoles(context, user);
        if (roles.Count == 0)
        {
            await audit.RecordAsync(http, user, ConsoleAudit.SignIn, "", "refused: no console role (staff)");
            logger.LogWarning("Console sign-in refused for {User} from {Client}: a staff account (mail only)", user, client);
            return Form(http, ("Tài khoản này chỉ dùng để gửi thư, không được đăng nhập bảng điều khiển.",
                "This account is for sending mail only and may not sign in to the console."), StatusCodes.Status403Forbidden);
        }
        if (!await audit.RecordAsync(http, user, ConsoleAudit.SignIn, "", "ok: " + string.Join(", ", roles)))
            return ConsoleAudit.NotRecorded(http);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, ConsoleSecurity.Principal(user, roles, DateTimeOffset.UtcNow));
        logger.LogInformation("Console sign-in: {User} ({Roles}) from {Client}", user, string.Join(", ", roles), client);
        var returnUrl = http.Request.Query["returnUrl"].ToString();
        // Only a path of ours: an open redirect would carry a fresh session's user anywhere.
        var target = returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.Contains('\\')
            ? returnUrl
            : roles.Contains(UserRoles.Auditor) ? "/" : "/queue";
        return Results.Redirect(target);
    }

    private static IResult Form(HttpContext http, (string Vi, string En)? error, int status)
    {
        var returnUrl = http.Request.Query["returnUrl"].ToString();
        var action = returnUrl.Length > 0 ? "/login?returnUrl=" + Uri.EscapeDataString(returnUrl) : "/login";
        var message = error is { } e ? $"<p class=\"error\" role=\"alert\" lang=\"vi\">{E(e.Vi)}</p><p class=\"error\" lang=\"en\">{E(e.En)}</p>" : "";
        return Render(http, "Đăng nhập / Sign in", $"""
            {message}<form method="post" action="{E(action)}" class="login">{Antiforgery(http)}
            <label>Tên đăng nhập / User name<input name="username" autocomplete="username" required autofocus></label>
            <label>Mật khẩu / Password<input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Đăng nhập / Sign in</button></form>
            """, status);
    }

    public static IResult Forged(HttpContext http) => Message(http, StatusCodes.Status400BadRequest,
        "Biểu mẫu đã hết hạn hoặc không đến từ trang này; hãy tải lại trang và thử lại.",
        "The form has expired or did not come from this console; reload the page and try again.");
}
