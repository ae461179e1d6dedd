using System.Text;
using GovGateway.Audit;
using GovGateway.WebConsole.Html;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static GovGateway.WebConsole.Html.Page;
using GovGateway.WebConsole.SignIn;

namespace GovGateway.WebConsole.Auditor;

/// <summary>`/`: the auditors' dashboard, charts drawn on the server over the last `days` days (default 30).</summary>
internal static class DashboardPage
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;

    private static readonly Dictionary<string, string> DecisionColours = new()
    {
        [AuditDecisions.Accepted] = "#1d6b2c", [AuditDecisions.Rejected] = "#9b1c1c", [AuditDecisions.Quarantined] = "#c27c0e", [AuditDecisions.Failed] = "#5b6770",
    };

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/", ShowAsync).RequireAuthorization(SignIn.ConsoleSecurity.AuditorPolicy);

    private static async Task<IResult> ShowAsync(HttpContext http, ConsoleContext context, ConsoleAudit audit, DashboardCache cache)
    {
        if (context.Runtime.Audit is null) return MessagesPages.AuditOff(http);
        var days = DefaultDays;
        if (http.Request.Query["days"] is { Count: > 0 } given && (!int.TryParse(given, out days) || days < 1 || days > MaxDays))
            return Message(http, StatusCodes.Status400BadRequest, $"days phải từ 1 đến {MaxDays}.", $"days must be between 1 and {MaxDays}.");
        var (counted, data) = await cache.GetAsync(days, http.RequestAborted);
        if (!await audit.RecordAsync(http, http.User.Identity!.Name, ConsoleAudit.Dashboard, $"?days={days}", $"{data.Messages} messages counted"))
            return ConsoleAudit.NotRecorded(http);

        var sb = new StringBuilder();
        sb.Append($"<p>{N(data.Messages)} thư trong {days} ngày qua / messages in the last {days} days ({E(context.ZoneLabel)}), " +
                  $"số liệu lúc / counted at <span id=\"counted\">{E(context.Local(counted))}</span>. ");
        sb.Append("<a href=\"/?days=7\">7</a> · <a href=\"/?days=30\">30</a> · <a href=\"/?days=90\">90</a> · <a href=\"/?days=365\">365</a></p><div class=\"charts\">");
        var decisions = DecisionColours.Keys.Where(data.Decisions.Contains).Concat(data.Decisions.Where(d => !DecisionColours.ContainsKey(d))).ToList();
        Figure(sb, "Thư mỗi ngày theo kết quả / Messages per day by decision",
            SvgChart.StackedColumns("chart-per-day", data.Days, decisions, (d, s) => data.PerDayDecision.GetValueOrDefault((d, s)), DecisionColours));
        Figure(sb, "Văn bản hành chính theo loại / Official documents per class",
            SvgChart.Bars("chart-classes", data.OfficialPerClass.OrderByDescending(kv => kv.Value).Select(kv => (kv.Key, kv.Value)).ToList()));
        Figure(sb, "Tỷ lệ văn bản có ký số mỗi ngày (mục tiêu 100%) / Share sent signed per day (target 100%)",
            SvgChart.Shares("chart-signed-day", data.Days.Select(d => Share(d, data.SignedPerDay.GetValueOrDefault(d))).ToList(), 100));
        Figure(sb, "Tỷ lệ văn bản có ký số mỗi tuần (mục tiêu 100%) / Share sent signed per week (target 100%)",
            SvgChart.Shares("chart-signed-week", data.SignedPerWeek.Select(kv => Share(kv.Key, kv.Value)).ToList(), 100));
        Figure(sb, "Từ chối theo quy tắc / Refusals by rule",
            SvgChart.Bars("chart-refusals", data.RefusalsByRule.OrderByDescending(kv => kv.Value).Take(15).Select(kv => (kv.Key, kv.Value)).ToList(), "#9b1c1c"));
        Figure(sb, "Tên miền gửi nhiều nhất / Busiest sender domains",
            SvgChart.Bars("chart-domains", data.SenderDomains.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(10).Select(kv => (kv.Key, kv.Value)).ToList()));
        sb.Append("</div>");
        return Render(http, "Tổng quan / Dashboard", sb.ToString());
    }

    private static (string, double?, long) Share(string label, (long Official, long Signed) c) =>
        (label, c.Official == 0 ? null : Math.Round(100.0 * c.Signed / c.Official, 1), c.Official);

    private static void Figure(StringBuilder sb, string caption, string svg) =>
        sb.Append("<figure><figcaption>").Append(E(caption)).Append("</figcaption>").Append(svg).Append("</figure>");
}
