using GovGateway.Audit;

namespace Gateway.Tests.Audit;

/// <summary>Record builders shared by the audit tests.</summary>
internal static class AuditTestData
{
    public static readonly DateTime T0 = new(2025, 6, 10, 2, 0, 0, DateTimeKind.Utc);

    public static AuditOptions FastOptions() => new() { FlushInterval = TimeSpan.FromMilliseconds(5), BatchSize = 200 };

    public static AuditTransaction Accepted(string queueId, DateTime time, params string[] recipients) => new()
    {
        TimeUtc = time,
        QueueId = queueId,
        MessageId = $"<{queueId}@mail.bnv.gov.vn>",
        MailFrom = "vanthu@bnv.gov.vn",
        Recipients = recipients.Length > 0 ? [.. recipients] : ["lanhdao@sotttt.hanoi.gov.vn"],
        HeaderFrom = "Văn thư Bộ Nội vụ <vanthu@bnv.gov.vn>",
        Subject = "Giấy mời họp về chuyển đổi số, quý 2",
        Size = 48213,
        Sha256 = new string('a', 64),
        ClientIp = "10.0.0.15",
        Helo = "ws15.bnv.gov.vn",
        TlsProtocol = "Tls13",
        AuthenticatedUser = "vanthu",
        Listener = "submission",
        Decision = AuditDecisions.Accepted,
        SmtpReply = $"250 2.0.0 Ok: queued as {queueId}",
        Classes = ["invitation"],
        Attachments =
        [
            new AuditAttachment
            {
                Name = "45-GM-STTTT.pdf", DetectedType = "application/pdf", Size = 40100, Sha256 = new string('b', 64),
                Class = "invitation", Symbol = "45/GM-STTTT", SignatureStatus = "valid",
            },
        ],
        Smime = new AuditSmime { Status = "none" },
        Rules = [new AuditRuleHit { Rule = "official-needs-signature", Mode = "audit", Action = "accept", Message = "signed PDF present" }],
        PolicyVersion = "sha256:" + new string('c', 16),
    };

    public static AuditTransaction Rejected(string queueId, DateTime time)
    {
        var t = Accepted(queueId, time);
        t.Decision = AuditDecisions.Rejected;
        t.SmtpReply = "550 5.7.1 Tài liệu MẬT không được gửi qua thư điện tử / Secret documents must not be sent by email";
        t.Subject = "Báo cáo MẬT số 12/BC-UBND";
        t.Classes = ["report"];
        t.Attachments = [new AuditAttachment { Name = "12-BC-UBND.pdf", DetectedType = "application/pdf", Size = 1200, Class = "report", Symbol = "12/BC-UBND", SignatureStatus = "missing" }];
        t.Rules = [new AuditRuleHit { Rule = "no-state-secrets", Mode = "enforce", Action = "reject", Message = "MẬT stamp found" }];
        return t;
    }

    public static AuditTransaction Quarantined(string queueId, DateTime time)
    {
        var t = Accepted(queueId, time);
        t.Decision = AuditDecisions.Quarantined;
        t.SmtpReply = $"250 2.0.0 Ok: held as {queueId}";
        t.Subject = "Đề nghị cung cấp số liệu";
        t.Classes = ["work-document"];
        t.Attachments = [new AuditAttachment { Name = "so-lieu.exe", DetectedType = "application/x-dosexec", Size = 99000, Class = "executable", SignatureStatus = null }];
        t.Smime = new AuditSmime { Status = "invalid", SignerSubject = "CN=Nguyễn Văn A", SignerAddress = "a@bnv.gov.vn", Issuer = "CN=CA phục vụ các cơ quan Nhà nước G2", Serial = "0A1B" };
        t.Rules = [new AuditRuleHit { Rule = "no-executables", Mode = "enforce", Action = "quarantine", Message = "executable attachment" }];
        return t;
    }

    public static AuditDelivery Delivery(string queueId, string recipient, string outcome, string? reply, DateTime time) =>
        new() { QueueId = queueId, Recipient = recipient, Outcome = outcome, Reply = reply, TimeUtc = time };
}
