using System.Globalization;
using System.Text;
using GovGateway.Audit;
using static GovGateway.WebConsole.Html.Page;

namespace GovGateway.WebConsole.Auditor;

/// <summary>One audit record in full: envelope, client, TLS and login, attachments, signatures, rules, delivery timeline.</summary>
internal static class RecordDetail
{
    public static string Html(AuditRecordView view, ConsoleContext context)
    {
        var t = view.Transaction;
        var sb = new StringBuilder();
        sb.Append("<section id=\"envelope\"><h2>Phong bì / Envelope</h2><dl>");
        Row(sb, "Thời gian / Time", context.Local(t.TimeUtc));
        Row(sb, "Kết quả / Decision", t.Decision);
        Row(sb, "Trả lời SMTP / SMTP reply", t.SmtpReply);
        Row(sb, "Mã hàng đợi / Queue id", t.QueueId);
        Row(sb, "Mã bản ghi / Record id", t.Id);
        Row(sb, "Message-ID", t.MessageId);
        Row(sb, "MAIL FROM", t.MailFrom);
        Row(sb, "From", t.HeaderFrom);
        Row(sb, "Người nhận / Recipients", string.Join(", ", t.Recipients) + (t.RecipientsOmitted is > 0 ? $" (+{t.RecipientsOmitted})" : ""));
        Row(sb, "Tiêu đề / Subject", t.Subject);
        Row(sb, "Kích thước / Size", N(t.Size) + " bytes");
        Row(sb, "SHA-256", t.Sha256);
        sb.Append("</dl></section><section id=\"client\"><h2>Máy gửi / Client</h2><dl>");
        Row(sb, "Địa chỉ / Address", t.ClientIp);
        Row(sb, "HELO", t.Helo);
        Row(sb, "Cổng / Listener", t.Listener);
        Row(sb, "TLS", t.TlsProtocol ?? "không / none");
        Row(sb, "Đăng nhập / Login", t.AuthenticatedUser ?? "không / none");
        Row(sb, "Phiên bản chính sách / Policy version", t.PolicyVersion);
        Row(sb, "Chuỗi / Chain", $"#{view.Seq.ToString(CultureInfo.InvariantCulture)} {view.Hash}");
        sb.Append("</dl></section>");

        sb.Append("<section id=\"attachments\"><h2>Tệp đính kèm / Attachments</h2><table><thead><tr><th>Tên / Name</th><th>Kiểu / Type</th><th>Kích thước / Size</th><th>Loại / Class</th><th>Số, ký hiệu / Number</th><th>Chữ ký PDF / PDF signature</th><th>SHA-256</th></tr></thead><tbody>");
        foreach (var a in t.Attachments.Where(a => a is not null))
            sb.Append($"<tr><td>{E(a.Name)}</td><td>{E(a.DetectedType)}</td><td>{N(a.Size)}</td><td>{E(a.Class)}</td><td>{E(a.Symbol)}</td><td>{E(a.SignatureStatus)}{(a.Status is null ? "" : $" ({E(a.Status)})")}</td><td><code>{E(a.Sha256)}</code></td></tr>");
        if (t.Attachments.Count == 0) sb.Append("<tr><td colspan=\"7\">không có / none</td></tr>");
        if (t.AttachmentsOmitted is > 0) sb.Append($"<tr><td colspan=\"7\">… {t.AttachmentsOmitted} không ghi / not recorded</td></tr>");
        sb.Append("</tbody></table></section>");

        sb.Append("<section id=\"signatures\"><h2>Chữ ký / Signatures</h2>");
        if (t.Smime is { } s)
        {
            sb.Append("<dl>");
            Row(sb, "S/MIME", s.Status);
            Row(sb, "Người ký / Signer", s.SignerSubject);
            Row(sb, "Địa chỉ người ký / Signer address", s.SignerAddress);
            Row(sb, "Nơi cấp / Issuer", s.Issuer);
            Row(sb, "Số sê-ri / Serial", s.Serial);
            sb.Append("</dl>");
        }
        else sb.Append("<p>Thư không ký S/MIME / The message has no S/MIME signature.</p>");
        var pdfSignatures = t.Attachments.Where(a => a?.Signatures is { Count: > 0 }).SelectMany(a => a.Signatures!.Select(sig => (a.Name, sig))).ToList();
        if (pdfSignatures.Count > 0)
        {
            sb.Append("<table id=\"pdf-signatures\"><thead><tr><th>Tệp / File</th><th>Vai trò / Role</th><th>Kết quả / Status</th><th>Chủ thể / Subject</th><th>Nơi cấp / Issuer</th><th>Số sê-ri / Serial</th><th>Hiệu lực / Valid</th><th>Thời điểm ký / Signed</th><th>Thu hồi / Revocation</th></tr></thead><tbody>");
            foreach (var (file, sig) in pdfSignatures)
            {
                var validity = sig.NotBefore is { } from && sig.NotAfter is { } to ? $"{context.Local(from)} – {context.Local(to)}" : "—";
                var source = sig.SigningTimeSource ?? "?";
                var signed = sig.SigningTime is { } at ? $"{context.Local(at)} ({source})" : "—";
                sb.Append($"<tr><td>{E(file)}</td><td>{E(sig.Role)}</td><td>{E(sig.Status)}</td><td>{E(sig.Subject)}</td><td>{E(sig.Issuer)}</td><td>{E(sig.Serial)}</td><td>{E(validity)}</td><td>{E(signed)}</td><td>{E(sig.Revocation)}</td></tr>");
            }
            sb.Append("</tbody></table>");
        }
        sb.Append($"<p>Tóm tắt / Summary: {E(SignatureWords.Summary(t))}</p></section>");

        sb.Append("<section id=\"rules\"><h2>Quy tắc khớp / Rules matched</h2><table><thead><tr><th>Quy tắc / Rule</th><th>Chế độ / Mode</th><th>Hành động / Action</th><th>Thông điệp / Message</th></tr></thead><tbody>");
        foreach (var h in t.Rules.Where(h => h is not null))
            sb.Append($"<tr><td>{E(h.Rule)}</td><td>{E(h.Mode)}</td><td>{E(h.Action)}</td><td>{E(h.Message)}</td></tr>");
        if (t.Rules.Count == 0) sb.Append("<tr><td colspan=\"4\">không có / none</td></tr>");
        sb.Append("</tbody></table></section>");

        sb.Append("<section id=\"timeline\"><h2>Diễn biến chuyển phát / Delivery timeline</h2><table><thead><tr><th>Thời gian / Time</th><th>Người nhận / Recipient</th><th>Kết quả / Outcome</th><th>Trả lời / Reply</th></tr></thead><tbody>");
        sb.Append($"<tr><td>{E(context.Local(t.TimeUtc))}</td><td>{E(string.Join(", ", t.Recipients))}</td><td>{E(t.Decision)}</td><td>{E(t.SmtpReply)}</td></tr>");
        foreach (var d in view.Deliveries)
            sb.Append($"<tr><td>{E(context.Local(d.TimeUtc))}</td><td>{E(d.Recipient)}</td><td>{E(d.Outcome)}</td><td>{E(d.Reply)}</td></tr>");
        sb.Append("</tbody></table></section>");
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string label, string? value) =>
        sb.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(E(string.IsNullOrEmpty(value) ? "—" : value)).Append("</dd>");
}
