using System.Globalization;
using GovGateway.Policies;
using GovGateway.Smtp;

namespace GovGateway.Replies;

/// <summary>
/// Every SMTP reply the gateway writes, in one place: Vietnamese first, then English, on one line, so that staff (in
/// their mail client's error box or a bounce) and foreign MTAs' logs can both read them. Codes and enhanced codes are
/// the protocol's; only the words are ours. This file: the transaction's outcome. <c>GatewayReplies.Access.cs</c>:
/// login, sender and recipient rules. <c>GatewayReplies.Engine.cs</c>: the SMTP engine's own refusals.
/// </summary>
internal static partial class GatewayReplies
{
    /// <summary>The one bilingual shape: "Vietnamese / English".</summary>
    public static SmtpReply Reply(int code, string enhanced, string vietnamese, string english) =>
        new(code, enhanced, $"{vietnamese} / {english}");

    public static SmtpReply Queued(string queueId) => new(250, "2.0.0", $"OK: queued as {queueId}");

    public static SmtpReply Quarantined(string id) => Reply(250, "2.0.0",
        $"Thư đã được nhận và giữ lại chờ quản trị viên kiểm tra (mã {id})",
        $"Accepted and held for review by an administrator (id {id})");

    /// <summary>A policy rule refused the sender at MAIL FROM, with the rule's own words.</summary>
    public static SmtpReply SenderRefusedByPolicy(RuleHit hit) => Reply(550, "5.7.1", hit.MessageVi, hit.MessageEn);

    /// <summary>The policy refused the message: one line per reason, each naming its rule.</summary>
    public static SmtpReply RefusedByPolicy(IEnumerable<RuleHit> reasons) =>
        new(550, "5.7.1", string.Join("\n", reasons.Select(r => $"[{r.Rule}] {r.MessageVi} / {r.MessageEn}")));

    public static SmtpReply HeaderFromNotYours(string? address) => Reply(550, "5.7.1",
        $"Địa chỉ From trong thư <{address}> không phải của bạn; hãy gửi từ hộp thư của chính bạn",
        $"The message's From address <{address}> is not yours; send from your own mailbox");

    public static SmtpReply StorageFull => Reply(452, "4.3.1",
        "Máy chủ tạm thời hết dung lượng lưu trữ, vui lòng gửi lại sau",
        "Insufficient system storage, please try again later");

    internal const string EvaluationTimedOutVi = "Kiểm tra thư vượt quá thời gian cho phép; thư chưa được nhận, vui lòng gửi lại sau";
    internal const string EvaluationTimedOutEn = "Checking the message took longer than allowed; it was not accepted, please try again later";

    /// <summary>The policy evaluation ran past Evaluation:Timeout.</summary>
    public static SmtpReply EvaluationTimedOut => Reply(451, "4.7.0", EvaluationTimedOutVi, EvaluationTimedOutEn);

    /// <summary>Why an accepted message was withdrawn (audit outcome "withdrawn"): its 250 never reached the client.</summary>
    public const string ClientLeftBeforeReply =
        "Máy khách đã ngắt kết nối trước khi nhận trả lời 250; thư bị rút khỏi hàng đợi, không chuyển đi / client left before the reply: the message was withdrawn from the queue, not delivered";

    /// <summary>Recorded (the client no longer reads it) when the client hung up before the reply to its message.</summary>
    public static SmtpReply ClientLeft => Reply(421, "4.4.2",
        "Máy khách đã ngắt kết nối trước khi nhận trả lời; thư không được nhận",
        "The client closed the connection before the reply; the message was not accepted");

    public static SmtpReply LocalError => Reply(451, "4.3.0",
        "Lỗi cục bộ khi xử lý thư, vui lòng gửi lại sau",
        "Local error in processing, please try again later");

    public static SmtpReply MessageTooBig(long limit) => Reply(552, "5.3.4",
        $"Thư vượt quá kích thước tối đa {SizeLimit(limit)} (kể cả tệp đính kèm); hãy gửi tệp nhỏ hơn hoặc chia thành nhiều thư",
        $"Message size exceeds the maximum of {SizeLimit(limit)} (attachments included); send smaller files or split the message");

    /// <summary>A size in octets as megabytes (1 MB = 1,048,576 octets), as administrators set and users read it.</summary>
    public static string Megabytes(long octets) =>
        (octets / 1048576.0).ToString(octets % 1048576 == 0 ? "0" : "0.##", CultureInfo.InvariantCulture);

    /// <summary>The size limit as people read it: MB, or KB under 1 MB (a 2,000-byte limit is not "0 MB").</summary>
    public static string SizeLimit(long octets) =>
        octets >= 1048576 ? Megabytes(octets) + " MB" : Math.Max(1, (octets + 1023) / 1024).ToString(CultureInfo.InvariantCulture) + " KB";

    // Text that came from the client must not break the reply into extra lines.
    private static string Printable(string text)
    {
        var clean = new string(text.Where(c => !char.IsControl(c)).Take(256).ToArray());
        return clean.Length == 0 ? "<>" : clean;
    }
}
