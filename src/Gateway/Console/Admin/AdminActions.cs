using GovGateway.Audit;
using GovGateway.Spool;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using GovGateway.WebConsole.Html;

namespace GovGateway.WebConsole.Admin;

/// <summary>
/// An administrator's action from the console, recorded in the audit log before it takes effect, the way
/// `gateway queue|quarantine` record theirs: the command says "console", the user is the signed-in account and its address.
/// </summary>
internal sealed class AdminActions(ConsoleContext context, ILogger<AdminActions> logger)
{
    /// <summary>Records the action; false (and nothing may be done) when the audit log is off or could not record it.</summary>
    public async Task<bool> RecordAsync(HttpContext http, SpoolEnvelope envelope, string outcome, string command)
    {
        if (context.Runtime.Audit is not { } log) return false;
        var waiting = envelope.Recipients.Where(x => x.Status == RecipientStatus.Pending).Select(x => x.Address).ToList();
        var action = new AdminAction
        {
            QueueId = envelope.QueueId,
            Recipients = waiting.Count > 0 ? waiting : envelope.Recipients.Select(x => x.Address).ToList(),
            Outcome = outcome,
            Command = command,
            User = $"{http.User.Identity!.Name} from {http.Connection.RemoteIpAddress} (console)",
        };
        try
        {
            await log.RecordAdminAsync(action, uid: null, http.RequestAborted);
            logger.LogInformation("{Command} {QueueId} by {User}", command, envelope.QueueId, action.User);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or AuditLogUnavailableException or IOException or InvalidOperationException)
        {
            logger.LogError("{Command} {QueueId} by {User} not done: the audit log could not record it: {Error}", command, envelope.QueueId, action.User, ex.Message);
            return false;
        }
    }

    public static IResult NotRecorded(HttpContext http) => Html.Page.Message(http, StatusCodes.Status503ServiceUnavailable,
        "Chưa thực hiện vì không ghi được vào nhật ký kiểm toán.", "Not done, because the audit log could not record it.");
}
