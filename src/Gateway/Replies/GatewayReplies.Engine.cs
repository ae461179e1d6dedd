using GovGateway.Smtp;

namespace GovGateway.Replies;

// The SMTP engine's own refusals (limits, timeouts, sequence, TLS, AUTH), given to it through SmtpServerOptions.Replies.
internal static partial class GatewayReplies
{
    /// <summary>The engine's own refusals (limits, timeouts, sequence, TLS, AUTH), in both languages, codes kept.</summary>
    public static SmtpReplies EngineReplies() => new()
    {
        TooManyConnections = Reply(421, "4.7.0",
            "Máy chủ đang có quá nhiều kết nối, vui lòng thử lại sau", "Too many connections, try again later"),
        ShuttingDown = Reply(421, "4.3.2",
            "Máy chủ đang dừng dịch vụ, đóng kết nối; vui lòng gửi lại sau", "Service shutting down, closing connection; try again later"),
        ProxyRequired = Reply(421, "4.7.0",
            "Cổng này chỉ nhận kết nối qua bộ cân bằng tải của cổng thư, đóng kết nối", "This port takes connections only through the gateway's load balancer, closing connection"),
        TooManyErrors = Reply(421, "4.7.0",
            "Quá nhiều lệnh sai, đóng kết nối", "Too many errors, closing connection"),
        LocalError = GatewayReplies.LocalError,
        LocalErrorClosing = Reply(421, "4.3.0",
            "Lỗi cục bộ khi xử lý, đóng kết nối; vui lòng gửi lại sau", "Local error in processing, closing connection; try again later"),
        InsufficientStorage = StorageFull,
        CommandTimeout = Reply(421, "4.4.2",
            "Quá thời gian chờ lệnh, đóng kết nối", "Timeout waiting for command, closing connection"),
        DataTimeout = Reply(421, "4.4.2",
            "Quá thời gian chờ nội dung thư, đóng kết nối; thư chưa được nhận", "Timeout waiting for message data, closing connection; the message was not accepted"),
        WriteTimeout = Reply(421, "4.4.2",
            "Quá thời gian gửi phản hồi, đóng kết nối", "Timeout writing reply, closing connection"),
        SessionTimeLimit = Reply(421, "4.4.2",
            "Phiên kết nối vượt quá thời gian cho phép, đóng kết nối", "Session time limit exceeded, closing connection"),
        DataRateTooSlow = Reply(421, "4.4.2",
            "Tốc độ gửi nội dung thư quá chậm, đóng kết nối; thư chưa được nhận", "Minimum data rate not met, closing connection; the message was not accepted"),
        CommandLineTooLong = Reply(500, "5.5.6",
            "Dòng lệnh quá dài", "Line too long"),
        BareLineBreakInCommand = Reply(550, "5.5.2",
            "Dòng lệnh kết thúc bằng ký tự CR hoặc LF đơn lẻ thay vì CRLF, đóng kết nối", "Bare <CR> or <LF> received, closing connection"),
        BareLineBreakInContent = Reply(550, "5.5.2",
            "Nội dung thư có ký tự CR hoặc LF đơn lẻ thay vì CRLF, thư bị từ chối; đóng kết nối",
            "Bare <CR> or <LF> in message content, message refused; closing connection"),
        MessageTooBig = GatewayReplies.MessageTooBig,
        ContentLineTooLong = max => Reply(500, "5.5.6",
            $"Thư có dòng dài hơn {max} byte, thư bị từ chối", $"Message line longer than {max} octets, message refused"),
        CommandNotRecognized = Reply(500, "5.5.2",
            "Lệnh không được hỗ trợ", "Command not recognized"),
        NeedHelo = Reply(503, "5.5.1",
            "Sai trình tự: cần gửi lệnh EHLO hoặc HELO trước", "Bad sequence: send EHLO or HELO first"),
        NeedMail = Reply(503, "5.5.1",
            "Sai trình tự: cần gửi lệnh MAIL trước", "Bad sequence: need MAIL command first"),
        NestedMail = Reply(503, "5.5.1",
            "Sai trình tự: đã có lệnh MAIL trong giao dịch này", "Bad sequence: nested MAIL command"),
        NoValidRecipients = Reply(554, "5.5.1",
            "Thư không có người nhận hợp lệ nào", "No valid recipients"),
        TooManyRecipients = max => Reply(452, "4.5.3",
            $"Quá nhiều người nhận (tối đa {max} người mỗi thư); hãy gửi cho những người còn lại bằng thư khác",
            $"Too many recipients (at most {max} per message); send to the others in another message"),
        NonAsciiNeedsSmtpUtf8 = Reply(553, "5.6.7",
            "Địa chỉ có ký tự ngoài ASCII cần SMTPUTF8", "Non-ASCII address requires SMTPUTF8"),
        StartTlsFirst = Reply(530, "5.7.0",
            "Cần mã hóa kết nối (STARTTLS) trước khi gửi thư", "Must issue a STARTTLS command first"),
        AuthenticationRequired = GatewayReplies.AuthenticationRequired,
        EncryptionRequiredForAuth = Reply(538, "5.7.11",
            "Cần mã hóa kết nối trước khi đăng nhập", "Encryption required for requested authentication mechanism"),
        AuthCredentialsInvalid = AuthFailed,
        AuthLockedOut = Reply(421, "4.7.0",
            "Đăng nhập sai quá nhiều lần, vui lòng thử lại sau; đóng kết nối", "Too many authentication failures, try again later; closing connection"),
        Other = reply => Reply(reply.Code, reply.EnhancedCode, ProtocolRefusal(reply), reply.Text),
    };

    /// <summary>
    /// The Vietnamese half of the engine's other refusals: what kind of mistake it is; the English half keeps the
    /// engine's exact words (which name the command syntax or the parameter).
    /// </summary>
    private static string ProtocolRefusal(SmtpReply reply) => reply.Text switch
    {
        // Refusals whose cause a person can act on get their own words; the rest say what kind of mistake it is.
        "Authentication not enabled" => "Cổng này không dùng đăng nhập; hãy gửi thư qua cổng 587 (STARTTLS) hoặc 465",
        "Already authenticated" => "Đã đăng nhập rồi",
        "AUTH not permitted during a mail transaction" => "Không được đăng nhập giữa chừng một thư",
        "TLS already active" => "Kết nối đã được mã hóa",
        "Send EHLO first" => "Sai trình tự: cần gửi lệnh EHLO trước",
        "Unrecognized authentication mechanism" => "Cơ chế đăng nhập không được hỗ trợ",
        "EXPN not available" => "Lệnh EXPN không được hỗ trợ",
        _ => ProtocolRefusalByCode(reply),
    };

    private static string ProtocolRefusalByCode(SmtpReply reply) => reply.Code switch
    {
        500 => "Dòng lệnh không hợp lệ",
        501 when reply.EnhancedCode is "5.1.3" or "5.1.7" => "Địa chỉ thư không đúng cú pháp",
        501 => "Lệnh hoặc tham số sai cú pháp",
        502 => "Lệnh không được hỗ trợ",
        503 => "Sai trình tự lệnh",
        504 => "Cơ chế đăng nhập không được hỗ trợ",
        553 => "Địa chỉ thư quá dài hoặc không hợp lệ",
        555 => "Tham số không được hỗ trợ",
        454 => "Tạm thời không thể mã hóa kết nối",
        _ => "Yêu cầu bị từ chối",
    };
}
