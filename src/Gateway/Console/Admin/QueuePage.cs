using System.Text;
using GovGateway.Audit;
using GovGateway.Spool;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static GovGateway.WebConsole.Html.Page;
using GovGateway.WebConsole.SignIn;

namespace GovGateway.WebConsole.Admin;

/// <summary>/queue: messages waiting for delivery, why, and their next attempt; retry, and delete after a confirmation page.</summary>
internal static class QueuePage
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var admin = SignIn.ConsoleSecurity.AdminPolicy;
        endpoints.MapGet("/queue", List).RequireAuthorization(admin);
        endpoints.MapPost("/queue/{id}/retry", RetryAsync).RequireAuthorization(admin);
        endpoints.MapGet("/queue/{id}/delete", ConfirmDelete).RequireAuthorization(admin);
        endpoints.MapPost("/queue/{id}/delete", DeleteAsync).RequireAuthorization(admin);
    }

    private static IResult List(HttpContext http, ConsoleContext context)
    {
        var spool = context.Runtime.Spool;
        var sb = new StringBuilder();
        if (http.Request.Query["done"] is { Count: > 0 } done) sb.Append($"<p class=\"ok\" role=\"status\">{E(done)}</p>");
        sb.Append("<table id=\"queue\"><thead><tr><th>Mã / Queue id</th><th>Nhận lúc / Received</th><th>Người gửi / From</th><th>Người nhận, lý do / Recipients, why</th><th>Lần thử / Attempts</th><th>Lần tới / Next attempt</th><th></th></tr></thead><tbody>");
        var count = 0;
        foreach (var id in spool.ListIds())
        {
            if (spool.Get(id) is not { } entry) continue;
            var e = entry.Envelope;
            count++;
            sb.Append($"<tr data-id=\"{E(id)}\"><td>{E(id)}</td><td>{E(context.Local(e.ReceivedUtc))}</td><td>{E(e.MailFrom)}</td><td>");
            foreach (var r in e.Recipients)
                sb.Append($"{E(r.Address)} — {E(r.Status.ToString())}{(r.LastReply is null ? "" : ": " + E(r.LastReply))}<br>");
            sb.Append($"</td><td>{e.Attempts}</td><td>{E(context.Local(e.NextAttemptUtc))}</td><td>");
            sb.Append(PostButton(http, $"/queue/{id}/retry", "Gửi lại ngay / Retry now"));
            sb.Append($" <a href=\"/queue/{E(id)}/delete\">Xóa / Delete</a></td></tr>");
        }
        sb.Append("</tbody></table>");
        sb.Append($"<p id=\"count\">{N(count)} thư đang chờ / messages waiting; {N(spool.ListCorrupt().Count)} hỏng / damaged (gateway queue list).</p>");
        return Render(http, "Hàng đợi / Queue", sb.ToString());
    }

    private static async Task<IResult> RetryAsync(HttpContext http, string id, ConsoleContext context, AdminActions actions)
    {
        if (!await SignIn.ConsoleSecurity.FormIsGenuineAsync(http)) return SignIn.SignInEndpoints.Forged(http);
        if (context.Runtime.Spool.Get(id) is not { } entry) return NotFound(http, id);
        if (!await actions.RecordAsync(http, entry.Envelope, AuditOutcomes.RetryRequested, "console queue retry")) return AdminActions.NotRecorded(http);
        if (!context.Runtime.Spool.MarkForRetry(id)) return NotFound(http, id);
        return Results.Redirect("/queue?done=" + Uri.EscapeDataString($"{id}: đã yêu cầu gửi lại / retry requested"));
    }

    private static IResult ConfirmDelete(HttpContext http, string id, ConsoleContext context)
    {
        if (context.Runtime.Spool.Get(id) is not { } entry) return NotFound(http, id);
        var e = entry.Envelope;
        return Render(http, $"Xóa thư / Delete message {id}?", $"""
            <p>Thư từ {E(e.MailFrom)} tới {E(string.Join(", ", e.Recipients.Select(r => r.Address)))} sẽ bị xóa khỏi hàng đợi, không gửi đi và không báo lại người gửi.</p>
            <p>The message from {E(e.MailFrom)} to {E(string.Join(", ", e.Recipients.Select(r => r.Address)))} will be removed from the queue, not delivered, and no bounce sent.</p>
            {PostButton(http, $"/queue/{id}/delete", "Xóa / Delete", "danger")} <a href="/queue">Hủy / Cancel</a>
            """);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string id, ConsoleContext context, AdminActions actions)
    {
        if (!await SignIn.ConsoleSecurity.FormIsGenuineAsync(http)) return SignIn.SignInEndpoints.Forged(http);
        if (context.Runtime.Spool.Get(id) is not { } entry) return NotFound(http, id);
        if (!await actions.RecordAsync(http, entry.Envelope, AuditOutcomes.Deleted, "console queue delete")) return AdminActions.NotRecorded(http);
        if (!context.Runtime.Spool.Delete(id)) return NotFound(http, id);
        return Results.Redirect("/queue?done=" + Uri.EscapeDataString($"{id}: đã xóa / deleted"));
    }

    private static IResult NotFound(HttpContext http, string id) => Message(http, StatusCodes.Status404NotFound,
        $"Không có thư nào mang mã '{id}' trong hàng đợi.", $"No queued message with id '{id}'.");
}
