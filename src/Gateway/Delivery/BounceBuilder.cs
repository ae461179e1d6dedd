using System.Text;
using GovGateway.Spool;
using MimeKit;
using MimeKit.Utils;

namespace GovGateway.Delivery;

/// <summary>A recipient that could not be delivered, for a bounce.</summary>
internal sealed record FailedRecipient(SpoolRecipient Recipient, string Status, string Reply, bool Expired);

/// <summary>
/// Builds RFC 3464 delivery status notifications: multipart/report; report-type=delivery-status with a
/// Vietnamese and English explanation, a message/delivery-status part and the original (RET=FULL, the
/// default here, as Postfix does) or only its headers (RET=HDRS, or when the original is too large).
/// </summary>
internal static class BounceBuilder
{
    /// <summary>Whether the sender asked for (or by default gets) a failure notice for this recipient.</summary>
    public static bool WantsFailureNotice(SpoolRecipient recipient)
    {
        if (string.IsNullOrWhiteSpace(recipient.Notify)) return true; // RFC 3461 §4.1: default is at least FAILURE
        var parts = recipient.Notify.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Any(p => p.Equals("FAILURE", StringComparison.OrdinalIgnoreCase));
    }

    public static MimeMessage Build(SpoolEntry original, IReadOnlyList<FailedRecipient> failed, DeliveryOptions options, string? remoteMta, DateTime nowUtc)
    {
        var envelope = original.Envelope;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", options.EffectiveBounceFrom));
        message.To.Add(MailboxAddress.Parse(envelope.MailFrom));
        message.Subject = "Thư không gửi được / Undelivered Mail Returned to Sender";
        message.Date = new DateTimeOffset(nowUtc, TimeSpan.Zero);
        message.MessageId = MimeUtils.GenerateMessageId(options.HostName);
        message.Headers.Add("Auto-Submitted", "auto-replied");

        var report = new MultipartReport("delivery-status");
        report.Add(new TextPart("plain") { Text = HumanText(original, failed, options) });
        report.Add(StatusPart(original, failed, options, remoteMta, nowUtc));
        report.Add(OriginalPart(original, options));
        message.Body = report;
        return message;
    }

    static string HumanText(SpoolEntry original, IReadOnlyList<FailedRecipient> failed, DeliveryOptions options)
    {
        var envelope = original.Envelope;
        var expired = failed.Any(f => f.Expired);
        var days = Math.Round(options.MaxAge.TotalDays, 1);
        var sb = new StringBuilder();
        sb.Append("Đây là thông báo tự động của cổng thư ").Append(options.HostName).Append(".\n\n");
        sb.Append("Thư của bạn (mã hàng đợi ").Append(envelope.QueueId).Append(", nhận lúc ")
          .Append(envelope.ReceivedUtc.ToString("yyyy-MM-dd HH:mm:ss")).Append(" UTC) không gửi được tới người nhận dưới đây.\n");
        if (expired) sb.Append("Cổng thư đã thử gửi lại trong ").Append(days).Append(" ngày mà không thành công.\n");
        sb.Append("Lý do do máy chủ nhận trả lời được ghi kèm từng địa chỉ.\n\n");
        sb.Append("This is an automatic message from the mail gateway ").Append(options.HostName).Append(".\n\n");
        sb.Append("Your message (queue id ").Append(envelope.QueueId).Append(", received ")
          .Append(envelope.ReceivedUtc.ToString("yyyy-MM-dd HH:mm:ss")).Append(" UTC) could not be delivered to the recipients below.\n");
        if (expired) sb.Append("Delivery was retried for ").Append(days).Append(" days without success.\n");
        sb.Append("The reason given by the receiving server is shown with each address.\n\n");
        foreach (var f in failed)
            sb.Append('<').Append(f.Recipient.Address).Append(">: ").Append(f.Reply).Append('\n');
        return sb.ToString();
    }

    static MessageDeliveryStatus StatusPart(SpoolEntry original, IReadOnlyList<FailedRecipient> failed, DeliveryOptions options, string? remoteMta, DateTime nowUtc)
    {
        var envelope = original.Envelope;
        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList { { "Reporting-MTA", "dns; " + options.HostName } };
        if (!string.IsNullOrEmpty(envelope.DsnEnvelopeId)) perMessage.Add("Original-Envelope-Id", envelope.DsnEnvelopeId);
        perMessage.Add("X-GovVN-Queue-ID", envelope.QueueId);
        perMessage.Add("Arrival-Date", DateUtils.FormatDate(new DateTimeOffset(envelope.ReceivedUtc, TimeSpan.Zero)));
        status.StatusGroups.Add(perMessage);

        foreach (var f in failed)
        {
            var group = new HeaderList();
            if (!string.IsNullOrEmpty(f.Recipient.OriginalRecipient)) group.Add("Original-Recipient", FormatTyped(f.Recipient.OriginalRecipient));
            group.Add("Final-Recipient", "rfc822; " + f.Recipient.Address);
            group.Add("Action", "failed");
            group.Add("Status", f.Status);
            if (!string.IsNullOrEmpty(remoteMta)) group.Add("Remote-MTA", "dns; " + remoteMta);
            var diagnostic = SmtpReplyText.IsSmtpReply(f.Reply) ? "smtp; " + f.Reply : "X-GovVN-Gateway; " + f.Reply;
            group.Add("Diagnostic-Code", diagnostic);
            group.Add("Last-Attempt-Date", DateUtils.FormatDate(new DateTimeOffset(nowUtc, TimeSpan.Zero)));
            if (f.Expired) group.Add("Will-Retry-Until", DateUtils.FormatDate(new DateTimeOffset(envelope.ReceivedUtc + options.MaxAge, TimeSpan.Zero)));
            status.StatusGroups.Add(group);
        }
        return status;
    }

    // ORCPT is "addr-type;xtext"; the DSN field wants "addr-type; address".
    static string FormatTyped(string orcpt)
    {
        var semi = orcpt.IndexOf(';');
        return semi < 0 ? "rfc822; " + orcpt : orcpt[..semi].Trim() + "; " + orcpt[(semi + 1)..].Trim();
    }

    static MimeEntity OriginalPart(SpoolEntry original, DeliveryOptions options)
    {
        var headersOnly = string.Equals(original.Envelope.DsnReturn, "HDRS", StringComparison.OrdinalIgnoreCase)
            || original.Size > options.BounceMaxOriginalBytes;
        using var stream = original.OpenMessage();
        if (!headersOnly)
            return new MessagePart("rfc822") { Message = MimeMessage.Load(stream) };
        var headersOnlyMessage = new MimeMessage();
        headersOnlyMessage.Headers.Clear();
        foreach (var header in HeaderList.Load(stream))
            headersOnlyMessage.Headers.Add(header);
        return new TextRfc822Headers { Message = headersOnlyMessage };
    }
}
