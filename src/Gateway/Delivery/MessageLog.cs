using System.Text;
using GovGateway.Audit;
using GovGateway.Spool;
using Microsoft.Extensions.Logging;

namespace GovGateway.Delivery;

/// <summary>
/// One log line per message event, in the spirit of Postfix's mail log: what an administrator greps for
/// when someone asks "did my mail arrive?". Accepted, quarantined, refused and failed transactions come from
/// their audit record; delivered, deferred and bounced from the delivery attempt. Every line starts with the
/// queue id (NOQUEUE when refused before DATA), so one grep follows a message from arrival to delivery.
/// Values a client chose (addresses, upstream replies) are cleaned of control characters, so no one can
/// forge a log line or drive the administrator's terminal.
/// </summary>
internal static partial class MessageLog
{
    public static void Transaction(ILogger logger, AuditTransaction t)
    {
        var level = t.Decision is AuditDecisions.Failed ? LogLevel.Warning : LogLevel.Information;
        if (!logger.IsEnabled(level)) return;
        TransactionLine(logger, level, t.QueueId ?? "NOQUEUE", t.Decision, Clean(t.MailFrom ?? ""), Addresses(t.Recipients), t.Size,
            t.Classes.Count == 0 ? "-" : string.Join(",", t.Classes), t.Listener ?? "-", t.ClientIp ?? "-",
            Clean(t.AuthenticatedUser ?? "-"), Clean(t.SmtpReply ?? ""));
    }

    /// <summary>One line for the recipients of one attempt that got the same outcome and reply.</summary>
    public static void Delivery(ILogger logger, string queueId, string outcome, IEnumerable<string> recipients, string relay, string? reply, int attempts, DateTime? next)
    {
        var level = outcome == "deferred" ? LogLevel.Warning : LogLevel.Information;
        if (!logger.IsEnabled(level)) return;
        DeliveryLine(logger, level, queueId, outcome, Addresses(recipients), relay, attempts,
            next is { } n ? n.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : "-", Clean(reply ?? ""));
    }

    [LoggerMessage(EventId = 100, EventName = "transaction",
        Message = "{QueueId}: {Decision} from=<{From}> to={To} size={Size} classes={Classes} listener={Listener} client={Client} user={User} reply=\"{Reply}\"")]
    private static partial void TransactionLine(ILogger logger, LogLevel level, string queueId, string decision, string from, string to, long size,
        string classes, string listener, string client, string user, string reply);

    [LoggerMessage(EventId = 101, EventName = "delivery",
        Message = "{QueueId}: {Outcome} to={To} relay={Relay} attempts={Attempts} next={Next} reply=\"{Reply}\"")]
    private static partial void DeliveryLine(ILogger logger, LogLevel level, string queueId, string outcome, string to, string relay, int attempts,
        string next, string reply);

    private static string Addresses(IEnumerable<string> addresses)
    {
        var list = addresses.Select(a => "<" + Clean(a) + ">").ToList();
        return list.Count == 0 ? "-" : string.Join(",", list);
    }

    /// <summary>Control characters (CR, LF, ESC, ...) shown as \xNN; multi-line SMTP replies joined with " | ".</summary>
    public static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", "\n", StringComparison.Ordinal))
        {
            if (c == '\n') sb.Append(" | ");
            else if (char.IsControl(c) || c is '\u2028' or '\u2029') sb.Append($"\\x{(int)c:X2}");
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
