using GovGateway.Audit;
using GovGateway.Policies;
using GovGateway.Smtp;

namespace GovGateway.Pipeline;

/// <summary>Turns what the session and the policy know into the audit log's record.</summary>
internal static class AuditMapper
{
    public static AuditTransaction Transaction(SessionInfo session, Envelope envelope, Verdict? verdict, HashingStream? content,
        string? queueId, TransactionDecision decision, SmtpReply reply, List<string>? recipients = null) => new()
    {
        Id = AuditRecordId.New(),
        TimeUtc = DateTime.UtcNow,
        QueueId = queueId,
        MessageId = verdict?.MessageId,
        MailFrom = envelope.MailFrom,
        Recipients = recipients ?? envelope.Recipients.Select(r => r.Address).ToList(),
        HeaderFrom = verdict?.HeaderFrom,
        Subject = verdict?.Subject,
        Size = content?.BytesWritten ?? 0,
        Sha256 = content?.Sha256,
        ClientIp = session.RemoteEndPoint.Address.ToString(),
        Helo = session.HeloName,
        TlsProtocol = session.TlsProtocol?.ToString(),
        AuthenticatedUser = session.AuthenticatedUser,
        Listener = session.ListenerName,
        Decision = decision.ToAuditDecision(),
        SmtpReply = $"{reply.Code} {reply.EnhancedCode} {reply.Text}",
        Classes = verdict?.Classes.Select(c => c.ToWireName()).Order(StringComparer.Ordinal).ToList() ?? [],
        Attachments = verdict?.Attachments.Select(a => new AuditAttachment
        {
            Name = a.FileName,
            DetectedType = a.DetectedType,
            Size = a.Size,
            Sha256 = a.Sha256,
            Class = a.Class.ToWireName(),
            Symbol = a.DocumentSymbol,
            SignatureStatus = a.Signature?.Status.ToWireName(),
            Status = a.Unreadable ? "unreadable" : null,
            Encoding = a.TextEncoding == TextEncoding.Unicode ? null : a.TextEncoding.ToWireName(),
            Scanned = a.Scanned,
            Urgency = a.Urgency == Urgency.None ? null : a.Urgency.ToWireName(),
            Document = AuditDocuments.From(a.Metadata),
            Signatures = a.Signature?.Signatures.Select(Signature).ToList(),
        }).ToList() ?? [],
        Smime = verdict is null ? null : new AuditSmime
        {
            Status = verdict.Smime.Status.ToWireName(),
            SignerSubject = verdict.Smime.SignerSubject,
            SignerAddress = verdict.Smime.SignerAddress,
            Issuer = verdict.Smime.Issuer,
            Serial = verdict.Smime.Serial,
        },
        Rules = verdict?.Hits.Select(Rule).ToList() ?? [],
        PolicyVersion = verdict?.PolicyVersion,
        Urgency = verdict is null || verdict.Urgency == Urgency.None ? null : verdict.Urgency.ToWireName(),
        Document = AuditDocuments.From(verdict?.BodyMetadata),
    };

    public static AuditSignature Signature(PdfSignatureDetail s) => new()
    {
        Role = s.Role.ToWireName(),
        Status = s.Status.ToWireName(),
        Subject = s.SignerSubject,
        Issuer = s.Issuer,
        Serial = s.Serial,
        NotBefore = s.NotBefore?.UtcDateTime,
        NotAfter = s.NotAfter?.UtcDateTime,
        SigningTime = s.SigningTime?.UtcDateTime,
        SigningTimeSource = s.SigningTimeSource,
        Revocation = s.Revocation,
    };

    public static AuditRuleHit Rule(RuleHit hit) => new()
    {
        Rule = hit.Rule,
        Mode = hit.Mode == RuleMode.Audit ? "audit" : "enforce",
        Action = hit.Action.ToString().ToLowerInvariant(),
        Message = $"{hit.MessageVi} / {hit.MessageEn}",
    };
}
