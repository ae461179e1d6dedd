using GovGateway.AuditQueries.Filters;
using System.Globalization;
using System.Text;
using GovGateway.Archive;
using GovGateway.Archiving;
using GovGateway.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using static GovGateway.WebConsole.Html.Page;

namespace GovGateway.WebConsole.Archive;

/// <summary>
/// The auditors' archive pages: /archive (search with highlighted passages and the metadata filters), /archive/{id} (a
/// document, its signatures and every exchange), /archive/{id}/download (the verified original bytes) and
/// /archive/register (per issuer and year, duplicates and gaps). Each request is recorded as a <c>console</c> record; a
/// download is recorded by <see cref="ArchiveActions"/> with the document itself, before it is served.
/// </summary>
internal static class ArchivePages
{
    private static readonly string[] Filters = ["q", "type", "symbol", "issuer", "signer", "since", "until", "signed", "urgent", "class"];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var auditor = SignIn.ConsoleSecurity.AuditorPolicy;
        endpoints.MapGet("/archive", SearchAsync).RequireAuthorization(auditor);
        endpoints.MapGet("/archive/register", RegisterAsync).RequireAuthorization(auditor);
        endpoints.MapGet("/archive/{id}", DocumentAsync).RequireAuthorization(auditor);
        endpoints.MapGet("/archive/{id}/download", DownloadAsync).RequireAuthorization(auditor);
    }

    private static IResult Off(HttpContext http) => Message(http, StatusCodes.Status404NotFound,
        "Kho lưu trữ văn bản chưa bật (Archive:Enabled).", "The document archive is not turned on (Archive:Enabled).");

    private static async Task<IResult> SearchAsync(HttpContext http, ConsoleContext context, ConsoleAudit audit)
    {
        if (context.Runtime.Archive is not { } actions) return Off(http);
        var q = http.Request.Query;
        var form = Form(q);
        ArchiveQuery query;
        try
        {
            query = Query(q, context.Zone);
        }
        catch (Exception ex) when (ex is AuditCliException or FormatException)
        {
            return Render(http, "Tìm văn bản / Search documents", form + $"<p class=\"error\" role=\"alert\">{E(ex.Message)}</p>", StatusCodes.Status400BadRequest);
        }
        var given = Filters.Where(f => !string.IsNullOrWhiteSpace(q[f])).ToList();
        if (given.Count == 0) query.Limit = context.Options.PageSize;
        var result = await Task.Run(() => actions.Archive.Search(query), http.RequestAborted);
        var asked = "archive " + string.Join("&", given.Select(f => $"{f}={Uri.EscapeDataString(q[f].ToString())}"));
        if (!await audit.RecordAsync(http, http.User.Identity!.Name, ConsoleAudit.Search, asked, $"{result.Total}{(result.TotalIsLowerBound ? "+" : "")} documents"))
            return ConsoleAudit.NotRecorded(http);

        var sb = new StringBuilder(form);
        sb.Append($"<p id=\"count\">{N(result.Total)}{(result.TotalIsLowerBound ? "+" : "")} văn bản / documents{(result.Total > result.Hits.Count ? $" ({N(result.Hits.Count)} shown)" : "")} · <a href=\"/archive/register?year={DateTime.UtcNow.Year}\">Sổ văn bản / Register</a></p>");
        sb.Append("<table id=\"results\"><thead><tr><th>Số, ký hiệu / Number</th><th>Loại / Type</th><th>Cơ quan / Issuer</th><th>Ngày / Date</th><th>Trích yếu / Subject</th><th>Ký số / Signed</th><th>Lần gửi / Exchanges</th><th>Đoạn khớp / Passage</th></tr></thead><tbody>");
        foreach (var hit in result.Hits)
        {
            var d = hit.Document;
            sb.Append("<tr>")
              .Append($"<td><a href=\"/archive/{E(d.Id)}\">{E(Symbol(d) is { Length: > 0 } s ? s : d.Id[..12])}</a></td>")
              .Append("<td>").Append(E(d.Document.DocumentType ?? d.Class)).Append("</td><td>").Append(E(d.Document.OrganName)).Append("</td><td>")
              .Append(E(d.Document.PromulgationInfo?.PromulgationDate)).Append("</td><td>").Append(E(d.Document.Subject ?? d.FileName)).Append("</td><td>")
              .Append(d.Signed ? "có / yes" : "không / no").Append("</td><td>").Append(N(d.Exchanges.Count)).Append("</td><td class=\"passage\">")
              .Append(string.Join(" … ", hit.Passages.Take(2).Select(Highlight))).Append("</td></tr>");
        }
        sb.Append("</tbody></table>");
        return Render(http, "Tìm văn bản / Search documents", sb.ToString());
    }

    private static async Task<IResult> DocumentAsync(HttpContext http, string id, ConsoleContext context, ConsoleAudit audit)
    {
        if (context.Runtime.Archive is not { } actions) return Off(http);
        ArchivedDocument? d;
        try { d = actions.Archive.Find(id); }
        catch (ArchiveException ex) { return Message(http, StatusCodes.Status400BadRequest, ex.Message, ex.Message); }
        if (d is null) return NotFound(http, id);
        if (!await audit.RecordAsync(http, http.User.Identity!.Name, ConsoleAudit.View, "archive " + d.Id, $"{d.Exchanges.Count} exchanges"))
            return ConsoleAudit.NotRecorded(http);
        var m = d.Document;
        var sb = new StringBuilder("<table id=\"document\"><tbody>");
        void Row(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) sb.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        }
        Row("SHA-256", d.Id);
        Row("Tệp / File", $"{d.FileName} ({d.ContentType}, {N(d.Size)} bytes)");
        Row("Số, ký hiệu / Number (CodeNumber/CodeNotation)", Symbol(d));
        Row("Loại / DocumentType", m.DocumentType);
        Row("Lớp / Class", d.Class);
        Row("Cơ quan ban hành / OrganName", m.OrganName);
        Row("Nơi, ngày / PromulgationInfo", string.Join(", ", new[] { m.PromulgationInfo?.Place, m.PromulgationInfo?.PromulgationDate }.Where(s => s is not null)));
        Row("Trích yếu / Subject", m.Subject);
        Row("Người ký / SignerInfo", string.Join(" ", new[] { m.SignerInfo?.Competence, m.SignerInfo?.Position, m.SignerInfo?.FullName }.Where(s => s is not null)));
        Row("Độ khẩn / Urgency", d.Urgency);
        Row("Mã hóa cũ / Legacy encoding", d.Encoding);
        Row("Lưu giữ / Legal hold", d.Hold is { } h ? $"{context.Local(h.SinceUtc)} {h.By}: {h.Reason}" : "không / no");
        sb.Append("</tbody></table>");
        sb.Append($"<p><a id=\"download\" href=\"/archive/{E(d.Id)}/download\">Tải bản gốc / Download the original</a> (kiểm tra SHA-256 / checked against its SHA-256)</p>");
        sb.Append("<h2>Chữ ký số / Signatures</h2><table id=\"signatures\"><thead><tr><th>Vai trò / Role</th><th>Kết quả / Status</th><th>Chủ thể / Subject</th><th>Cấp bởi / Issuer</th><th>Thời điểm ký / Signed</th></tr></thead><tbody>");
        foreach (var s in d.Signatures)
            sb.Append("<tr><td>").Append(E(s.Role)).Append("</td><td>").Append(E(s.Status)).Append("</td><td>").Append(E(s.Subject)).Append("</td><td>")
              .Append(E(s.Issuer)).Append("</td><td>").Append(E(s.SigningTime is { } t ? $"{context.Local(t)} ({s.SigningTimeSource})" : "")).Append("</td></tr>");
        sb.Append("</tbody></table>");
        sb.Append("<h2>Các lần gửi, nhận / Exchanges</h2><table id=\"exchanges\"><thead><tr><th>Thời gian / Time</th><th>Chiều / Direction</th><th>Mã thư / Queue id</th><th>Người gửi / From</th><th>Người nhận / Recipients</th><th>Tiêu đề / Subject</th><th>Máy / Node</th></tr></thead><tbody>");
        foreach (var e in d.Exchanges.OrderBy(e => e.TimeUtc))
            sb.Append("<tr><td>").Append(E(context.Local(e.TimeUtc))).Append("</td><td>").Append(E(e.Direction == ArchiveDirection.Outbound ? "gửi đi / outbound" : "nhận / inbound"))
              .Append($"</td><td><a href=\"/messages/{E(Uri.EscapeDataString(e.QueueId))}\">{E(e.QueueId)}</a></td><td>").Append(E(e.Sender)).Append("</td><td>")
              .Append(E(string.Join(", ", e.Recipients))).Append("</td><td>").Append(E(e.Subject)).Append("</td><td>").Append(E(e.Node)).Append("</td></tr>");
        sb.Append("</tbody></table>");
        return Render(http, $"Văn bản / Document {(Symbol(d) is { Length: > 0 } sym ? sym : d.Id[..12])}", sb.ToString());
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, string id, ConsoleContext context)
    {
        if (context.Runtime.Archive is not { } actions) return Off(http);
        var actor = new ArchiveActor(http.User.Identity!.Name!, null, http.Connection.RemoteIpAddress?.ToString(), "console");
        try
        {
            var (document, bytes) = await actions.GetAsync(id, actor, http.RequestAborted);
            var name = Path.GetFileName(document.FileName ?? document.Id);
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{Ascii(name)}\"; filename*=UTF-8''{Uri.EscapeDataString(name)}";
            return Results.Bytes(bytes, document.ContentType ?? "application/octet-stream");
        }
        catch (ArchiveIntegrityException ex)
        {
            return Message(http, StatusCodes.Status409Conflict,
                "Nội dung văn bản đã bị thay đổi so với mã SHA-256 đã lưu; không tải về được. Hãy báo quản trị viên.",
                "The document's bytes no longer match its SHA-256; it is not served. Tell the administrator. " + ex.Message);
        }
        catch (ArchiveActionNotRecordedException)
        {
            return ConsoleAudit.NotRecorded(http);
        }
        catch (ArchiveException)
        {
            return NotFound(http, id);
        }
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, ConsoleContext context, ConsoleAudit audit)
    {
        if (context.Runtime.Archive is not { } actions) return Off(http);
        var q = http.Request.Query;
        if (!int.TryParse(q["year"], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1945 or > 9999)
            year = DateTime.UtcNow.Year;
        var issuer = string.IsNullOrWhiteSpace(q["issuer"]) ? null : q["issuer"].ToString().Trim();
        var register = await Task.Run(() => actions.Archive.Register(year, issuer), http.RequestAborted);
        if (!await audit.RecordAsync(http, http.User.Identity!.Name, ConsoleAudit.View, $"archive register year={year}&issuer={issuer}",
                $"{register.Issuers.Sum(i => i.Rows.Count)} documents"))
            return ConsoleAudit.NotRecorded(http);
        var sb = new StringBuilder($"<form method=\"get\" action=\"/archive/register\"><label>Năm / Year <input name=\"year\" value=\"{year}\"></label> <label>Cơ quan / Issuer <input name=\"issuer\" value=\"{E(issuer)}\"></label> <button type=\"submit\">Xem / Show</button></form>");
        foreach (var i in register.Issuers)
        {
            sb.Append($"<h2>{E(i.Issuer.Length == 0 ? "(không ký hiệu / no issuer)" : i.Issuer)} {E(i.OrganName)}</h2>");
            sb.Append("<table class=\"register\"><thead><tr><th>Số / Number</th><th>Ký hiệu / Notation</th><th>Loại / Type</th><th>Ngày / Date</th><th>Trích yếu / Subject</th><th></th></tr></thead><tbody>");
            foreach (var row in i.Rows)
                sb.Append(row.Duplicate ? "<tr class=\"duplicate\">" : "<tr>").Append("<td>").Append(E(row.CodeNumber)).Append("</td><td>").Append(E(row.CodeNotation)).Append("</td><td>")
                  .Append(E(row.DocumentType)).Append("</td><td>").Append(E(row.PromulgationDate)).Append("</td><td>")
                  .Append($"<a href=\"/archive/{E(row.Id)}\">{E(row.Subject ?? row.Id[..Math.Min(12, row.Id.Length)])}</a>").Append("</td><td>")
                  .Append(row.Duplicate ? "trùng số / duplicate" : "").Append("</td></tr>");
            sb.Append("</tbody></table>");
            if (i.Gaps.Count > 0) sb.Append($"<p class=\"gaps\">Số bị thiếu / Missing numbers: {E(string.Join(", ", i.Gaps))}</p>");
        }
        return Render(http, $"Sổ văn bản / Register {year}", sb.ToString());
    }

    private static ArchiveQuery Query(IQueryCollection q, TimeZoneInfo zone)
    {
        string? Get(string name) => string.IsNullOrWhiteSpace(q[name]) ? null : q[name].ToString().Trim();
        bool? YesNo(string name) => Get(name) switch
        {
            null => null,
            "yes" => true,
            "no" => false,
            var other => throw new FormatException($"{name}: '{other}' không phải yes/no / is not yes or no."),
        };
        var cls = FilterValues.Class.Canonical(Get("class"));
        return new ArchiveQuery
        {
            Text = Get("q"),
            Type = Get("type"),
            Symbol = Get("symbol"),
            Issuer = Get("issuer"),
            Signer = Get("signer"),
            SinceUtc = TimeArgument.Parse(Get("since"), "since", endOfDay: false, zone),
            UntilUtc = TimeArgument.Parse(Get("until"), "until", endOfDay: true, zone),
            Signed = YesNo("signed"),
            Urgent = YesNo("urgent"),
            Class = cls == AuditQuery.OfficialClass ? null : cls,
        };
    }

    private static string Form(IQueryCollection q)
    {
        string Input(string name, string label) => $"<label>{label} <input name=\"{name}\" value=\"{E(q[name].ToString())}\"></label> ";
        string Choice(string name, string label) =>
            $"<label>{label} <select name=\"{name}\"><option value=\"\"></option>" +
            string.Concat(new[] { ("yes", "có / yes"), ("no", "không / no") }.Select(o => $"<option value=\"{o.Item1}\"{(q[name] == o.Item1 ? " selected" : "")}>{o.Item2}</option>")) +
            "</select></label> ";
        return "<form method=\"get\" action=\"/archive\" id=\"search\">" + Input("q", "Nội dung / Text") + Input("type", "Loại / Type") + Input("symbol", "Số, ký hiệu / Number") +
               Input("issuer", "Cơ quan / Issuer") + Input("signer", "Người ký / Signer") + Input("since", "Từ / Since") + Input("until", "Đến / Until") +
               Choice("signed", "Ký số / Signed") + Choice("urgent", "Khẩn / Urgent") + Input("class", "Lớp / Class") +
               "<button type=\"submit\">Tìm / Search</button></form>";
    }

    /// <summary>A passage escaped for HTML, its matched words in &lt;mark&gt;.</summary>
    internal static string Highlight(string passage) =>
        ArchiveMarks.Render(E(passage), "<mark>", "</mark>");

    private static string Symbol(ArchivedDocument d) =>
        d.Document.CodeNumber is null && d.Document.CodeNotation is null ? "" : $"{d.Document.CodeNumber}/{d.Document.CodeNotation}";

    private static string Ascii(string name) => new(name.Select(c => c is >= ' ' and < (char)127 and not '"' and not '\\' ? c : '_').ToArray());

    private static IResult NotFound(HttpContext http, string id) => Message(http, StatusCodes.Status404NotFound,
        $"Không có văn bản '{id}' trong kho lưu trữ.", $"No document '{id}' in the archive.");
}
