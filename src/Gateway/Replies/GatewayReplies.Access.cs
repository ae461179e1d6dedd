using GovGateway.Smtp;

namespace GovGateway.Replies;

// Login, sender and recipient rules (Access): who may log in, send as whom, and send where.
internal static partial class GatewayReplies
{
    public static SmtpReply AuthSucceeded => new(235, "2.7.0", "Authentication successful");

    public static SmtpReply AuthFailed => Reply(535, "5.7.8",
        "Tên đăng nhập hoặc mật khẩu không đúng", "Authentication credentials invalid");

    public static SmtpReply AuthLockedOut(DateTimeOffset until) => Reply(535, "5.7.8",
        $"Tài khoản hoặc địa chỉ tạm khóa do đăng nhập sai nhiều lần đến {until.ToUniversalTime():yyyy-MM-dd HH:mm} UTC",
        $"Too many failed logins, locked until {until.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");

    public static SmtpReply AuthUnavailable => Reply(454, "4.7.0",
        "Tạm thời không kiểm tra được đăng nhập, vui lòng thử lại sau", "Temporary authentication failure, try again later");

    public static SmtpReply AuthenticationRequired => Reply(530, "5.7.0",
        "Cần đăng nhập trước khi gửi thư", "Authentication required");

    public static SmtpReply RelayDenied(string domain) => Reply(550, "5.7.1",
        $"Không chuyển tiếp thư tới tên miền này ({domain})", $"Relaying denied: {domain} is not a local domain");

    public static SmtpReply RoutingTrick(string reason) => Reply(550, "5.7.1",
        "Địa chỉ người nhận có định tuyến không được phép", $"Relaying denied: {reason}");

    public static SmtpReply BadAddress(string reason) => Reply(501, "5.1.3",
        "Địa chỉ không hợp lệ", $"Bad address syntax: {reason}");

    public static SmtpReply RecipientUnknown(string address) => Reply(550, "5.1.1",
        $"Không có hộp thư {Printable(address)}", $"Recipient address rejected: {Printable(address)}: user unknown");

    public static SmtpReply SenderNotOwned(string address) => Reply(553, "5.7.1",
        $"Bạn không được gửi thư với địa chỉ {Printable(address)}", $"Sender address not owned by the authenticated user: {Printable(address)}");

    public static SmtpReply SecondFromField => Reply(550, "5.7.1",
        "Thư có nhiều hơn một trường From; mỗi thư chỉ được có một", "The message has more than one From header field; exactly one is allowed");

    public static SmtpReply HeaderSenderNotOwned(string field, string address) => Reply(550, "5.7.1",
        $"Địa chỉ {Printable(address)} trong trường {field} không phải của bạn; hãy gửi từ hộp thư của chính bạn",
        $"The {field} address {Printable(address)} is not yours; send from your own mailbox");

    public static SmtpReply HeaderSenderUnreadable(string what) => Reply(550, "5.7.1",
        $"Không đọc được người gửi trong tiêu đề thư ({Printable(what)})", $"The message's sender header cannot be read: {Printable(what)}");

    public static SmtpReply OwnDomainFromOutside(string address) => Reply(550, "5.7.1",
        $"Thư mang địa chỉ {Printable(address)} của cơ quan nhưng gửi từ bên ngoài, không đăng nhập",
        $"Message claims the agency's own address {Printable(address)} but comes from outside without login");

    public static SmtpReply MessageRateExceeded(TimeSpan retryAfter) => Reply(450, "4.7.1",
        $"Vượt giới hạn số thư gửi, thử lại sau {Seconds(retryAfter)} giây", $"Message rate limit exceeded, try again in {Seconds(retryAfter)} seconds");

    public static SmtpReply RecipientRateExceeded(TimeSpan retryAfter) => Reply(452, "4.7.1",
        $"Vượt giới hạn số người nhận, thử lại sau {Seconds(retryAfter)} giây", $"Recipient rate limit exceeded, try again in {Seconds(retryAfter)} seconds");

    private static long Seconds(TimeSpan t) => Math.Max(1, (long)Math.Ceiling(t.TotalSeconds));
}
