using System.Text;
using GovGateway.Audit;
using GovGateway.Quarantine;
using GovGateway.Spool;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static GovGateway.WebConsole.Html.Page;
using GovGateway.WebConsole.SignIn;

namespace GovGateway.WebConsole.Admin;

/// <summary>/quarantine: held messages with the reason and attachments; download, release, and delete after a confirmation page.</summary>
internal static class QuarantinePage
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var admin = SignIn.ConsoleSecurity.AdminPolicy;
        endpoints.MapGet("/quarantine", List).RequireAuthorization(admin);
        endpoints.MapGet("/quarantine/{id}/message.eml", DownloadAsync).RequireAuthorization(admin);
        endpoints.MapPost("/quarantine/{id}/release", ReleaseAsync).RequireAuthorization(admin);
        endpoints.MapGet("/quarantine/{id}/delete", ConfirmDelete).RequireAuthorization(admin);
        endpoints.MapPost("/quarantine/{id}/delete", DeleteAsync).RequireAuthorization(admin);
    }

    private static IResult List(HttpContext http, ConsoleContext context)
    {
        var sb = new StringBuilder();
        if (http.Request.Query["done"] is { Count: > 0 } done) sb.Append($"<p class=\"ok\" role=\"status\">{E(done)}</p>");
        sb.Append("<table id=\"quarantine\"><thead><tr><th>Mã / Id</th><th>Cách ly lúc / Held since</th><th>Người gửi / From</th><th>Người nhận / To</th><th>Tiêu đề / Subject</th><th>Lý do / Reason</th><th>Tệp đính kèm / Attachments</th><th></th></tr></thead><tbody>");
        var count = 0;
        foreach (var q in context.Runtime.Quarantine.List())
        {
            count++;
            var e = q.Record.Envelope;
            var (subject, attachments) = MessageContent.Summary(q.OpenMessage);
            sb.Append($"<tr data-id=\"{E(q.Id)}\"><td>{E(q.Id)}</td><td>{E(context.Local(q.Record.QuarantinedUtc))}</td><td>{E(e.MailFrom)}</td><td>{E(string.Join(", ", e.Recipients.Select(r => r.Address)))}</td>");
            sb.Append($"<td>{E(subject)}</td><td>{E(q.Record.Reason)}</td><td>");
            foreach (var (name, type, size) in attachments) sb.Append($"{E(name)} [{E(type)}, {N(size)} B]<br>");
            sb.Append($"</td><td><a href=\"/quarantine/{E(q.Id)}/message.eml\">Tải về / Download</a> ");
            sb.Append(PostButton(http, $"/quarantine/{q.Id}/release", "Cho đi / Release"));
            sb.Append($" <a href=\"/quarantine/{E(q.Id)}/delete\">Xóa / Delete</a></td></tr>");
        }
        sb.Append($"</tbody></table><p id=\"count\">{N(count)} thư bị cách ly / messages held.</p>");
        return Render(http, "Khu cách ly / Quarantine", sb.ToString());
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, string id, ConsoleContext context, ConsoleAudit audit)
    {
        if (context.Runtime.Quarantine.Get(id) is not { } held) return NotFound(http, id);
        if (!await audit.RecordAsync(http, http.User.Identity!.Name, ConsoleAudit.Download, "quarantine " + id, $"{held.Size} bytes"))
            return ConsoleAudit.NotRecorded(http);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{id}.eml\"";
        return Results.Stream(held.OpenMessage(), "message/rfc822");
    }

    private static async Task<IResult> ReleaseAsync(HttpContext http, string id, ConsoleContext context, AdminActions actions)
    {
        if (!await SignIn.ConsoleSecurity.FormIsGenuineAsync(http)) return SignIn.SignInEndpoints.Forged(http);
        var store = context.Runtime.Quarantine;
        if (store.Get(id) is not { } held) return NotFound(http, id);
        if (!await actions.RecordAsync(http, WithId(held), AuditOutcomes.Released, "console quarantine release")) return AdminActions.NotRecorded(http);
        if (await store.ReleaseAsync(id, http.RequestAborted) is null) return NotFound(http, id);
        return Results.Redirect("/quarantine?done=" + Uri.EscapeDataString($"{id}: đã cho đi, đang chuyển phát / released for delivery"));
    }

    private static IResult ConfirmDelete(HttpContext http, string id, ConsoleContext context)
    {
        if (context.Runtime.Quarantine.Get(id) is not { } held) return NotFound(http, id);
        var e = held.Record.Envelope;
        return Render(http, $"Xóa thư bị cách ly / Delete held message {id}?", $"""
            <p>Thư từ {E(e.MailFrom)} (lý do cách ly: {E(held.Record.Reason)}) sẽ bị xóa vĩnh viễn, không gửi đi.</p>
            <p>The message from {E(e.MailFrom)} (held because: {E(held.Record.Reason)}) will be deleted for good and not delivered.</p>
            {PostButton(http, $"/quarantine/{id}/delete", "Xóa / Delete", "danger")} <a href="/quarantine">Hủy / Cancel</a>
            """);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string id, ConsoleContext context, AdminActions actions)
    {
        if (!await SignIn.ConsoleSecurity.FormIsGenuineAsync(http)) return SignIn.SignInEndpoints.Forged(http);
        var store = context.Runtime.Quarantine;
        if (store.Get(id) is not { } held) return NotFound(http, id);
        if (!await actions.RecordAsync(http, WithId(held), AuditOutcomes.Deleted, "console quarantine delete")) return AdminActions.NotRecorded(http);
        if (!store.Delete(id)) return NotFound(http, id);
        return Results.Redirect("/quarantine?done=" + Uri.EscapeDataString($"{id}: đã xóa / deleted"));
    }

    // Held envelopes are audited under the id they were received with.
    private static SpoolEnvelope WithId(QuarantineEntry held)
    {
        held.Record.Envelope.QueueId = held.Id;
        return held.Record.Envelope;
    }

    private static IResult NotFound(HttpContext http, string id) => Message(http, StatusCodes.Status404NotFound,
        $"Không có thư nào mang mã '{id}' trong khu cách ly.", $"No quarantined message with id '{id}'.");
}
