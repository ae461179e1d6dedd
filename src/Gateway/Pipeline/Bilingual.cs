using GovGateway.Smtp;

namespace GovGateway.Pipeline;

/// <summary>Replies staff read in their mail client: Vietnamese first, then English.</summary>
public static class Bilingual
{
    public static SmtpReply Reply(int code, string enhanced, string vietnamese, string english) =>
        new(code, enhanced, $"{vietnamese} / {english}");

    public static SmtpReply HeaderFromNotYours(string? address) => Reply(550, "5.7.1",
        $"Địa chỉ From trong thư <{address}> không phải của bạn; hãy gửi từ hộp thư của chính bạn",
        $"The message's From address <{address}> is not yours; send from your own mailbox");

    public static SmtpReply Queued(string queueId) => new(250, "2.0.0", $"OK: queued as {queueId}");

    public static SmtpReply Quarantined(string id) => Reply(250, "2.0.0",
        $"Thư đã được nhận và giữ lại chờ quản trị viên kiểm tra (mã {id})",
        $"Accepted and held for review by an administrator (id {id})");

    public static SmtpReply StorageFull => Reply(452, "4.3.1",
        "Máy chủ tạm thời hết dung lượng lưu trữ, vui lòng gửi lại sau",
        "Insufficient system storage, please try again later");

    internal const string EvaluationTimedOutVi = "Kiểm tra thư vượt quá thời gian cho phép; thư chưa được nhận, vui lòng gửi lại sau";
    internal const string EvaluationTimedOutEn = "Checking the message took longer than allowed; it was not accepted, please try again later";

    /// <summary>The policy evaluation ran past Evaluation:Timeout.</summary>
    public static SmtpReply EvaluationTimedOut => Reply(451, "4.7.0", EvaluationTimedOutVi, EvaluationTimedOutEn);

    /// <summary>Recorded (the client no longer reads it) when the client hung up before the reply to its message.</summary>
    public static SmtpReply ClientLeft => Reply(421, "4.4.2",
        "Máy khách đã ngắt kết nối trước khi nhận trả lời; thư không được nhận",
        "The client closed the connection before the reply; the message was not accepted");

    public static SmtpReply LocalError => Reply(451, "4.3.0",
        "Lỗi cục bộ khi xử lý thư, vui lòng gửi lại sau",
        "Local error in processing, please try again later");
}
