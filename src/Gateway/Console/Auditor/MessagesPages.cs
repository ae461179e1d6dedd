using System.Globalization;
using System.Text;
using GovGateway.Audit;
using GovGateway.AuditQueries.Filters;
using GovGateway.AuditQueries.Output;
using GovGateway.Spool;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static GovGateway.WebConsole.Html.Page;
using GovGateway.WebConsole.Html;
using GovGateway.WebConsole.SignIn;

namespace GovGateway.WebConsole.Auditor;

/// <summary>
/// /messages (search, paged), /messages/{queue id or record id} (one record in full) and /messages.csv (the CLI's CSV).
/// No time window is imposed: a search covers the whole log unless since/until narrow it.
/// </summary>
internal static class MessagesPages
{
    /// <summary>Most rows one export writes; a larger export should be narrowed by time.</summary>
    public const int ExportLimit = 100_000;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/messages", SearchAsync).RequireAuthorization(SignIn.ConsoleSecurity.AuditorPolicy);
        endpoints.MapGet("/messages.csv", ExportAsync).RequireAuthorization(SignIn.ConsoleSecurity.AuditorPolicy);
        endpoints.MapGet("/messages/{id}", DetailAsync).RequireAuthorization(SignIn.ConsoleSecurity.AuditorPolicy);
    }

    private static async Task<IResult> SearchAsync(HttpContext http, ConsoleContext context, ConsoleAudit audit)
    {
        if (context.Runtime.Audit is not { } log) return AuditOff(http);
        var zone = context.Zone;
        MessageSearch search;
        try
        {
            search = MessageSearch.Parse(http.Request.Query, zone);
        }
        catch (AuditCliException ex)
        {
            return Render(http, "Tìm thư / Search messages", Form(context, http.Request.Query) + $"<p class=\"error\" role=\"alert\">{E(ex.Message)}</p>", StatusCodes.Status400BadRequest);
        }
        var size = context.Options.PageSize;
        search.Query.Limit = search.Page * size;
        var result = await Task.Run(() => log.Query(search.Query), http.RequestAborted);
        var rows = result.Records.Skip((search.Page - 1) * size).ToList();
        if (!await audit.RecordAsync(http, http.User.Identity!.Name, ConsoleAudit.Search, "?" + search.QueryString(search.Page),
                $"{rows.Count} rows{(result.Truncated ? ", more" : "")}"))
            return ConsoleAudit.NotRecorded(http);

        var sb = new StringBuilder(Form(context, http.Request.Query));
        var csv = "/messages.csv" + (search.Given.Count > 0 ? "?" + search.QueryString() : "");
        sb.Append($"<p><a href=\"{E(csv)}\" id=\"export\">Tải CSV / Export CSV</a> · {E(context.ZoneLabel)}</p>");
        bool nodes = AuditFormatter.ShowsNodes(rows);
        sb.Append("<table id=\"results\"><thead><tr><th>Thời gian / Time</th>").Append(nodes ? "<th>Máy / Node</th>" : "").Append("<th>Mã / Id</th><th>Kết quả / Decision</th><th>Người gửi / From</th><th>Người nhận / Recipients</th><th>Tiêu đề / Subject</th><th>Loại / Classes</th><th>Số, ký hiệu / Number</th><th>Chữ ký / Signature</th><th>Quy tắc / Rules</th></tr></thead><tbody>");
        foreach (var r in rows)
        {
            var t = r.Transaction;
            var id = string.IsNullOrEmpty(t.QueueId) ? t.Id : t.QueueId;
            sb.Append("<tr><td>").Append(E(context.Local(t.TimeUtc))).Append("</td>")
              .Append(nodes ? $"<td class=\"node\">{E(r.Node ?? "-")}</td>" : "")
              .Append($"<td><a href=\"/messages/{E(Uri.EscapeDataString(id))}\">{E(id)}</a></td>")
              .Append("<td>").Append(E(t.Decision)).Append("</td><td>").Append(E(t.MailFrom)).Append("</td><td>")
              .Append(E(string.Join(", ", r.RecipientStatus.Select(s => $"{s.Recipient} ({s.Outcome})")))).Append("</td><td>")
              .Append(E(t.Subject)).Append("</td><td>").Append(E(string.Join(", ", Classes(t)))).Append("</td><td>")
              .Append(E(string.Join(", ", t.Attachments.Select(a => a?.Symbol).Where(s => !string.IsNullOrEmpty(s))))).Append("</td><td>")
              .Append(E(SignatureWords.Summary(t))).Append("</td><td>")
              .Append(E(string.Join(", ", t.Rules.Where(h => h is not null).Select(h => $"{h.Rule} [{h.Mode}]")))).Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
        sb.Append($"<p id=\"count\">{N(rows.Count)} dòng / rows, trang / page {search.Page}{(result.Truncated ? "; còn nữa / more match" : "")}</p><div class=\"pager\">");
        if (search.Page > 1) sb.Append($"<a href=\"/messages?{E(search.QueryString(search.Page - 1))}\" rel=\"prev\">← Trước / Previous</a>");
        if (result.Truncated) sb.Append($"<a href=\"/messages?{E(search.QueryString(search.Page + 1))}\" rel=\"next\">Sau / Next →</a>");
        sb.Append("</div>");
        return Render(http, "Tìm thư / Search messages", sb.ToString());
    }

    private static async Task<IResult> ExportAsync(HttpContext http, ConsoleContext context, ConsoleAudit audit)
    {
        if (context.Runtime.Audit is not { } log) return AuditOff(http);
        MessageSearch search;
        try
        {
            search = MessageSearch.Parse(http.Request.Query, context.Zone);
        }
        catch (AuditCliException ex)
        {
            return Message(http, StatusCodes.Status400BadRequest, "Tham số tìm kiếm không hợp lệ: " + ex.Message, "Bad search parameter: " + ex.Message);
        }
        search.Query.Limit = ExportLimit;
        var result = await Task.Run(() => log.Query(search.Query), http.RequestAborted);
        if (!await audit.RecordAsync(http, http.User.Identity!.Name, ConsoleAudit.Export, "?" + search.QueryString(),
                $"{result.Records.Count} rows{(result.Truncated ? $", cut at {ExportLimit}" : "")}"))
            return ConsoleAudit.NotRecorded(http);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        // The CLI's writer: same columns, RFC 4180, and the byte-order mark Excel needs for Vietnamese.
        AuditFormatter.WriteQuery(text, result, "csv", context.Zone);
        var name = $"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        return Results.Bytes(new UTF8Encoding(false).GetBytes(text.ToString()), "text/csv; charset=utf-8");
    }

    private static async Task<IResult> DetailAsync(HttpContext http, string id, ConsoleContext context, ConsoleAudit audit)
    {
        if (context.Runtime.Audit is not { } log) return AuditOff(http);
        var query = RecordQuery(id);
        if (query is null)
            return Message(http, StatusCodes.Status404NotFound, $"'{id}' không phải mã hàng đợi hay mã bản ghi.", $"'{id}' is neither a queue id nor a record id.");
        var result = await Task.Run(() => log.Query(query), http.RequestAborted);
        var view = result.Records.FirstOrDefault();
        if (!await audit.RecordAsync(http, http.User.Identity!.Name, ConsoleAudit.View, id, view is null ? "not found" : "1 record"))
            return ConsoleAudit.NotRecorded(http);
        if (view is null)
            return Message(http, StatusCodes.Status404NotFound, $"Không có bản ghi nào mang mã {id}.", $"No record has the id {id}.");
        return Render(http, $"Thư / Message {id}", RecordDetail.Html(view, context));
    }

    /// <summary>
    /// The query that finds one record: queue ids and record ids both begin with their creation time in milliseconds,
    /// so the search reads a two-day window around it instead of the whole log.
    /// </summary>
    internal static AuditQuery? RecordQuery(string id)
    {
        DateTime created;
        var query = new AuditQuery { Limit = 1 };
        if (QueueId.IsValid(id))
        {
            ulong ms = 0;
            foreach (var c in id[..10]) ms = (ms << 5) | (uint)"0123456789ABCDEFGHJKMNPQRSTVWXYZ".IndexOf(c);
            created = DateTime.UnixEpoch.AddMilliseconds(ms);
            query.QueueId = id;
        }
        else if (id.Length == 32 && id.All(char.IsAsciiHexDigitLower))
        {
            created = DateTime.UnixEpoch.AddMilliseconds(long.Parse(id[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            query.RecordId = id;
        }
        else return null;
        if (created.Year is < 2000 or > 9000) return query;
        query.Since = created.AddDays(-1);
        query.Until = created.AddDays(1);
        return query;
    }

    private static string Form(ConsoleContext context, IQueryCollection given)
    {
        var labels = new Dictionary<string, string>
        {
            ["since"] = "Từ / Since", ["until"] = "Đến / Until", ["sender"] = "Người gửi / Sender", ["rcpt"] = "Người nhận / Recipient",
            ["class"] = "Loại văn bản / Class", ["decision"] = "Kết quả / Decision", ["signature"] = "Chữ ký / Signature", ["rule"] = "Quy tắc / Rule",
            ["subject"] = "Tiêu đề / Subject", ["message-id"] = "Message-ID", ["symbol"] = "Số, ký hiệu / Number/symbol",
        };
        var sb = new StringBuilder("<form method=\"get\" action=\"/messages\" class=\"search\">");
        foreach (var name in MessageSearch.Names)
            sb.Append($"<label>{E(labels[name])}<input name=\"{name}\" value=\"{E(given[name])}\"></label>");
        sb.Append($"<div><button type=\"submit\">Tìm / Search</button> <small>({E(context.ZoneLabel)})</small></div></form>");
        return sb.ToString();
    }

    internal static IEnumerable<string> Classes(AuditTransaction t) =>
        t.Classes.Concat(t.Attachments.Select(a => a?.Class)).Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!).Distinct(StringComparer.OrdinalIgnoreCase);

    internal static IResult AuditOff(HttpContext http) => Message(http, StatusCodes.Status503ServiceUnavailable,
        "Nhật ký kiểm toán đang tắt (Audit:Enabled = false): không có gì để xem.",
        "The audit log is off (Audit:Enabled = false): there is nothing to show.");
}
