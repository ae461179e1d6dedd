using GovGateway.Smtp;
using GovGateway.Spool;

namespace GovGateway.Pipeline;

/// <summary>What the gateway remembers of the transaction in progress on one session.</summary>
internal sealed class TransactionState
{
    public required Envelope Envelope { get; init; }
    /// <summary>Recipients refused at RCPT, with the reply given, for the audit record.</summary>
    public List<(string Recipient, SmtpReply Reply)> RefusedRecipients { get; } = new();
    /// <summary>Set once the transaction has its audit record; later events do not record it again.</summary>
    public bool Recorded { get; set; }
    /// <summary>The queue file DATA is written into (<see cref="GatewayHandler.OpenMessageAsync"/>), committed or dropped at its end.</summary>
    public SpoolWriter? Writer { get; set; }
    /// <summary>What the engine writes to: passes the bytes to <see cref="Writer"/>, taking their size and SHA-256 on the way.</summary>
    public HashingStream? Content { get; set; }
    /// <summary>The message committed but held back from delivery until its 250 reached the client (see Spool.CommitHeldAsync).</summary>
    public SpoolEntry? Held { get; set; }
}
