using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;

namespace GovGateway.Policies.Tests.Fixtures;

/// <summary>Builds messages with MimeKit; S/MIME signing through MimeKit's own context.</summary>
public static class TestMessages
{
    public const string From = TestPki.SenderAddress;
    public const string To = "vanphong@ubnd.hatinh.gov.vn";

    public static MimeMessage Message(string subject, string body, params (string Name, string Type, byte[] Data)[] attachments) =>
        Message(From, subject, body, attachments);

    public static MimeMessage Message(string from, string subject, string body, params (string Name, string Type, byte[] Data)[] attachments)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(To));
        message.Subject = subject;
        message.MessageId = MimeUtils.GenerateMessageId("stttt.hatinh.gov.vn");
        message.Body = Body(body, attachments);
        return message;
    }

    public static MimeEntity Body(string body, params (string Name, string Type, byte[] Data)[] attachments)
    {
        var builder = new BodyBuilder { TextBody = body };
        foreach (var (name, type, data) in attachments)
            builder.Attachments.Add(name, data, ContentType.Parse(type));
        return builder.ToMessageBody();
    }

    public static MimeMessage SignDetached(MimeMessage message, Identity signer, IEnumerable<Org.BouncyCastle.X509.X509Certificate>? extra = null)
    {
        using var ctx = new TemporarySecureMimeContext();
        var cmsSigner = new CmsSigner(signer.Chain.Concat(extra ?? []), signer.Key) { DigestAlgorithm = DigestAlgorithm.Sha256 };
        message.Body = MultipartSigned.Create(ctx, cmsSigner, message.Body!);
        return message;
    }

    public static MimeMessage SignOpaque(MimeMessage message, Identity signer)
    {
        using var ctx = new TemporarySecureMimeContext();
        var cmsSigner = new CmsSigner(signer.Chain, signer.Key) { DigestAlgorithm = DigestAlgorithm.Sha256 };
        message.Body = ApplicationPkcs7Mime.Sign(ctx, cmsSigner, message.Body!);
        return message;
    }

    public static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }

    public static PolicyEnvelope Envelope(params string[] recipients) =>
        new(From, recipients.Length == 0 ? [To] : recipients, "vanthu", "127.0.0.1", "submission");
}
