using GovGateway.Spool;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace GovGateway.Delivery;

/// <summary>
/// MailKit's SmtpClient adjusted for relaying: never rewrites the message (no Prepare), reports the size
/// without serialising twice, passes the client's DSN parameters on, and records each recipient's reply
/// instead of aborting the whole transaction when one recipient is refused.
/// </summary>
internal sealed class GatewaySmtpClient : SmtpClient
{
    SpoolEnvelope? _envelope;
    readonly Dictionary<string, SmtpResponse> _refused = new(StringComparer.OrdinalIgnoreCase);

    public GatewaySmtpClient(IProtocolLogger logger) : base(logger) { }

    /// <summary>Recipients refused at RCPT TO during the last send, with the server's reply.</summary>
    public IReadOnlyDictionary<string, SmtpResponse> Refused => _refused;

    public void BeginTransaction(SpoolEnvelope envelope)
    {
        _envelope = envelope;
        _refused.Clear();
    }

    protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
    {
        // The spooled bytes are sent as received; see RawMessage.
    }

    protected override long GetSize(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        RawMessage.Length(message);

    protected override Task<long> GetSizeAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        Task.FromResult(RawMessage.Length(message));

    protected override string? GetEnvelopeId(MimeMessage message) => _envelope?.DsnEnvelopeId;

    protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
    {
        var notify = _envelope?.Recipients.FirstOrDefault(r => string.Equals(r.Address, mailbox.Address, StringComparison.OrdinalIgnoreCase))?.Notify;
        return ParseNotify(notify);
    }

    internal static DeliveryStatusNotification? ParseNotify(string? notify)
    {
        if (string.IsNullOrWhiteSpace(notify)) return null;
        DeliveryStatusNotification result = 0;
        foreach (var part in notify.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            result |= part.ToUpperInvariant() switch
            {
                "NEVER" => DeliveryStatusNotification.Never,
                "SUCCESS" => DeliveryStatusNotification.Success,
                "FAILURE" => DeliveryStatusNotification.Failure,
                "DELAY" => DeliveryStatusNotification.Delay,
                _ => 0,
            };
        }
        return result == 0 ? null : result;
    }

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        _refused[mailbox.Address] = response;
}
