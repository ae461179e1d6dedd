using System.Text.Json;

namespace GovGateway.Audit;

/// <summary>
/// Turns journal payloads into chain entries in the exact shape LiteDB gives back, so hashes survive the round trip.
/// An entry this process wrote still has its payload object, which is used as it is instead of parsing the JSON again.
/// </summary>
internal static class EntryFactory
{
    public static AuditEntry FromJournal(JournalRecord record)
    {
        var payload = record.Parsed ?? JournalJson.Deserialize(record.Payload)
            ?? throw new InvalidDataException($"Journal entry {record.Seq} is empty.");
        var entry = new AuditEntry { Id = record.Seq, Kind = payload.Kind };
        switch (payload.Kind)
        {
            case EntryKinds.Transaction when payload.Transaction is not null:
                entry.Transaction = Normalize(payload.Transaction);
                entry.TimeUtc = entry.Transaction.TimeUtc;
                entry.QueueId = entry.Transaction.QueueId;
                break;
            case EntryKinds.Delivery when payload.Delivery is not null:
                entry.Delivery = Normalize(payload.Delivery);
                entry.TimeUtc = entry.Delivery.TimeUtc;
                entry.QueueId = entry.Delivery.QueueId;
                break;
            default:
                throw new InvalidDataException($"Journal entry {record.Seq} has kind '{payload.Kind}' without its content.");
        }
        return entry;
    }

    public static AuditTransaction Normalize(AuditTransaction t)
    {
        t.TimeUtc = ChainHasher.Normalize(t.TimeUtc);
        t.Recipients ??= [];
        t.Classes ??= [];
        t.Attachments ??= [];
        t.Rules ??= [];
        return t;
    }

    public static AuditDelivery Normalize(AuditDelivery d)
    {
        d.TimeUtc = ChainHasher.Normalize(d.TimeUtc);
        d.QueueId ??= "";
        d.Recipient ??= "";
        d.Outcome ??= "";
        return d;
    }
}
