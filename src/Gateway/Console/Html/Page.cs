using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using GovGateway.Access.Auth;

namespace GovGateway.WebConsole.Html;

/// <summary>
/// The console's pages are HTML built on the server, every value encoded on its way in; there is no script at all, so
/// the content security policy can forbid every script. Labels are bilingual, Vietnamese first.
/// </summary>
internal static class Page
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The hidden anti-forgery field every form carries.</summary>
    public static string Antiforgery(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";
    }

    /// <summary>A POST button in a form of its own, with the anti-forgery field.</summary>
    public static string PostButton(HttpContext context, string action, string label, string cssClass = "") =>
        $"<form method=\"post\" action=\"{E(action)}\" class=\"inline\">{Antiforgery(context)}<button type=\"submit\" class=\"{cssClass}\">{label}</button></form>";

    public static IResult Render(HttpContext context, string title, string body, int status = StatusCodes.Status200OK)
    {
        var user = context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name : null;
        var sb = new StringBuilder(4096 + body.Length);
        sb.Append("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append("<title>").Append(E(title)).Append(" · GovGateway</title><link rel=\"stylesheet\" href=\"/console.css\"></head><body>");
        sb.Append("<header><span class=\"brand\">GovGateway</span>");
        if (user is not null)
        {
            sb.Append("<nav>");
            if (context.User.IsInRole(UserRoles.Auditor))
                sb.Append("<a href=\"/\">Tổng quan / Dashboard</a><a href=\"/messages\">Thư / Messages</a><a href=\"/archive\">Lưu trữ / Archive</a>");
            if (context.User.IsInRole(UserRoles.Admin))
                sb.Append("<a href=\"/queue\">Hàng đợi / Queue</a><a href=\"/quarantine\">Cách ly / Quarantine</a><a href=\"/policy\">Chính sách / Policy</a>");
            sb.Append("</nav><span class=\"who\">").Append(E(user)).Append("</span>");
            sb.Append(PostButton(context, "/logout", "Đăng xuất / Sign out", "link"));
        }
        sb.Append("</header><main><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>");
        return Results.Content(sb.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>A bilingual message page (not found, refused, unavailable).</summary>
    public static IResult Message(HttpContext context, int status, string vietnamese, string english) =>
        Render(context, english, $"<p class=\"error\" lang=\"vi\">{E(vietnamese)}</p><p class=\"error\" lang=\"en\">{E(english)}</p>", status);

    public const string Css = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
        header{display:flex;gap:1.5em;align-items:center;padding:.6em 1.2em;background:#9b1c1c;color:#fff}
        header a,header button.link{color:#fff;text-decoration:none;background:none;border:0;font:inherit;cursor:pointer}
        mark{background:#ffe08a;padding:0 .1em}tr.duplicate{background:#fde2e2}
        header nav{display:flex;gap:1.2em;flex:1}.brand{font-weight:700}
        main{padding:1em 1.5em}h1{font-size:1.4em}
        table{border-collapse:collapse;background:#fff;width:100%;font-size:.9em}
        th,td{border:1px solid #d5d8dc;padding:.3em .5em;text-align:left;vertical-align:top}
        th{background:#eef0f3}form.inline{display:inline}
        form.search{display:grid;grid-template-columns:repeat(auto-fill,minmax(14em,1fr));gap:.5em 1em;margin-bottom:1em}
        form.search label{display:flex;flex-direction:column;font-size:.85em}
        .error{color:#9b1c1c;font-weight:600}.ok{color:#1d6b2c;font-weight:600}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(30em,1fr));gap:1em}
        figure{background:#fff;border:1px solid #d5d8dc;margin:0;padding:.6em}figcaption{font-weight:600;margin-bottom:.4em}
        .pager{margin:.8em 0;display:flex;gap:1em}dl{display:grid;grid-template-columns:14em 1fr;gap:.2em 1em}dt{font-weight:600}
        button.danger{background:#9b1c1c;color:#fff;border:0;padding:.3em .8em}
        .login{max-width:22em}.login label{display:block;margin:.6em 0}.login input{width:100%}
        """;
}
