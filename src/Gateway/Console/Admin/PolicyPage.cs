using System.Text;
using GovGateway.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static GovGateway.WebConsole.Html.Page;
using GovGateway.WebConsole.SignIn;

namespace GovGateway.WebConsole.Admin;

/// <summary>/policy: the policy in force and when it was loaded, the last failed reload with file:line, and live counters.</summary>
internal static class PolicyPage
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/policy", Show).RequireAuthorization(SignIn.ConsoleSecurity.AdminPolicy);

    private static IResult Show(HttpContext http, ConsoleContext context)
    {
        var runtime = context.Runtime;
        var holder = runtime.Policies;
        var policy = holder.Current;
        var sb = new StringBuilder("<section id=\"policy\"><h2>Chính sách đang áp dụng / Policy in force</h2><dl>");
        Row(sb, "Phiên bản / Version", policy.Version);
        Row(sb, "Tệp / File", policy.Source);
        Row(sb, "Nạp lúc / Loaded", $"{context.Local(holder.LoadedUtc)} ({context.ZoneLabel})");
        Row(sb, "Quy tắc / Rules", string.Join(", ", policy.Rules.Select(r => $"{r.Name} [{r.Mode.ToString().ToLowerInvariant()}]")));
        sb.Append("</dl></section><section id=\"reload\"><h2>Lần nạp lại lỗi gần nhất / Last failed reload</h2>");
        var (errors, when) = holder.LastReloadFailure;
        if (errors.Count == 0)
            sb.Append("<p class=\"ok\">Không có lỗi: lần nạp lại gần nhất thành công (hoặc chưa nạp lại). / None: the last reload succeeded (or none was made).</p>");
        else
        {
            sb.Append($"<p class=\"error\">{E(context.Local(when))}: tệp sửa có lỗi nên không dùng; chính sách trên vẫn áp dụng. / The edited file has errors and was not used; the policy above stays in force.</p><ul id=\"reload-errors\">");
            foreach (var e in errors) sb.Append($"<li><code>{E(e.File)}:{e.Line}</code> {E(e.Message)}</li>");
            sb.Append("</ul>");
        }
        sb.Append("</section><section id=\"counters\"><h2>Số liệu trực tiếp / Live counters</h2><table><tbody>");
        var endPoints = runtime.EndPoints;
        var sessions = runtime.ActiveSessions;
        foreach (var (name, endPoint) in endPoints.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append($"<tr><th>Phiên SMTP / SMTP sessions: {E(name)} ({E(endPoint.ToString())})</th><td>{N(sessions.GetValueOrDefault(name))}</td></tr>");
        sb.Append($"<tr><th>Hàng đợi / Queue depth</th><td id=\"queue-depth\">{N(runtime.Spool.ListIds().Count)}</td></tr>");
        sb.Append($"<tr><th>Khu cách ly / Quarantined</th><td>{N(runtime.Quarantine.List().Count())}</td></tr>");
        if (runtime.Audit is { } log)
        {
            var now = DateTime.UtcNow;
            long lastMinute = 0, lastFive = 0;
            foreach (var t in log.Transactions(now.AddMinutes(-5), null))
            {
                if (t.Decision == AuditDecisions.Console) continue;
                lastFive++;
                if (t.TimeUtc >= now.AddMinutes(-1)) lastMinute++;
            }
            sb.Append($"<tr><th>Thư / phút (phút vừa qua) / Messages per minute (last minute)</th><td id=\"per-minute\">{N(lastMinute)}</td></tr>");
            sb.Append($"<tr><th>Thư / phút (trung bình 5 phút) / Messages per minute (5-minute average)</th><td>{(lastFive / 5.0):0.#}</td></tr>");
        }
        if (runtime.Certificates?.Current is { } cert)
            sb.Append($"<tr><th>Chứng thư TLS / TLS certificate</th><td>{E(cert.Subject)}, hết hạn / expires {E(context.Local(cert.NotAfter.ToUniversalTime()))}</td></tr>");
        sb.Append("</tbody></table></section>");
        return Render(http, "Chính sách và trạng thái / Policy and state", sb.ToString());
    }

    private static void Row(StringBuilder sb, string label, string? value) =>
        sb.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd>");
}
