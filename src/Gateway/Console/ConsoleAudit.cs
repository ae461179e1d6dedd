using GovGateway.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using GovGateway.WebConsole.Html;

namespace GovGateway.WebConsole;

/// <summary>
/// Records what people do in the console in the tamper-evident audit log, as records with the decision "console":
/// who (MailFrom and AuthenticatedUser: the account), from where (ClientIp), what was asked (Subject: the action and its
/// parameters), and what came back (SmtpReply: rows or the refusal). They are found like any record:
/// <c>gateway audit query --decision console --sender ACCOUNT</c>, or <c>/messages?decision=console</c>. A record that
/// cannot be written means the audit data is not shown (fail closed).
/// </summary>
internal sealed class ConsoleAudit(ConsoleContext context, ILogger<ConsoleAudit> logger)
{
    public const string SignIn = "sign-in";
    public const string Search = "search";
    public const string View = "view";
    public const string Export = "export";
    public const string Dashboard = "dashboard";
    public const string Download = "download";

    /// <summary>Records the action durably; false when the audit log is off or could not record it.</summary>
    public async Task<bool> RecordAsync(HttpContext http, string? account, string action, string asked, string answer)
    {
        if (context.Runtime.Audit is not { } log) return false;
        var record = new AuditTransaction
        {
            Id = AuditRecordId.New(),
            TimeUtc = DateTime.UtcNow,
            Decision = AuditDecisions.Console,
            Listener = "console",
            MailFrom = account,
            AuthenticatedUser = account,
            ClientIp = http.Connection.RemoteIpAddress?.ToString(),
            TlsProtocol = http.Features.Get<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>()?.Protocol.ToString(),
            Subject = $"{action} {asked}".Trim(),
            SmtpReply = answer,
        };
        try
        {
            await log.AppendAsync(record, http.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is AuditLogUnavailableException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            logger.LogError("Console {Action} by {Account} from {Client} not recorded in the audit log, so not served: {Error}",
                action, account, record.ClientIp, ex.Message);
            return false;
        }
    }

    /// <summary>The page shown when an action could not be recorded.</summary>
    public static IResult NotRecorded(HttpContext http) => Html.Page.Message(http, StatusCodes.Status503ServiceUnavailable,
        "Không ghi được vào nhật ký kiểm toán nên không hiển thị dữ liệu. Hãy thử lại hoặc báo quản trị viên.",
        "The audit log could not record this request, so its data is not shown. Try again or tell the administrator.");
}
