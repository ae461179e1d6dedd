namespace GovGateway.Audit;

/// <summary>
/// A transaction record in its journal form, for a caller that keeps it durable itself until the journal has it
/// (see <see cref="AuditLog.Carry"/>). <see cref="Json"/> is what to store; it is also what recovery takes back.
/// </summary>
public sealed class CarriedAuditRecord
{
    internal CarriedAuditRecord(byte[] json, JournalPayload payload)
    {
        Json = json;
        Payload = payload;
    }

    /// <summary>The serialized record, UTF-8 JSON.</summary>
    public byte[] Json { get; }

    internal JournalPayload Payload { get; }
}
