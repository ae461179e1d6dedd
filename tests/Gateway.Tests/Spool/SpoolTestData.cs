using System.Text;
using GovGateway.Spool;

namespace Gateway.Tests.Spool;

/// <summary>Helpers to put messages into a spool.</summary>
internal static class SpoolTestData
{
    public static byte[] SimpleMessage(string subject = "Hello", string body = "Body line\r\n") => Encoding.UTF8.GetBytes(
        "From: Sender <sender@agency.gov.vn>\r\nTo: rcpt@upstream.test\r\nSubject: " + subject + "\r\n" +
        "Message-ID: <" + Guid.NewGuid().ToString("N") + "@agency.gov.vn>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body);

    public static SpoolEnvelope Envelope(string from, params string[] recipients) => new()
    {
        MailFrom = from,
        Recipients = recipients.Select(r => new SpoolRecipient { Address = r }).ToList(),
    };

    public static async Task<SpoolEntry> CommitAsync(GovGateway.Spool.Spool spool, byte[] message, SpoolEnvelope envelope)
    {
        using var writer = spool.BeginMessage();
        await writer.WriteAsync(message);
        return await spool.CommitAsync(writer, envelope, CancellationToken.None);
    }
}
