using LiteDB;

namespace GovGateway.Audit;

/// <summary>
/// Builds the LiteDB document of a chain entry directly, in the shape <see cref="AuditStore.CreateMapper"/>'s reflection
/// gives (the reader still uses the mapper, and a test holds the two to the same documents): the writer inserts every
/// record the gateway handles, and the mapper's per-property reflection was a tenth of its cost.
/// Shape: properties by their C# names, a property named Id as "_id" (LiteDB's rule, nested classes too), nulls left out.
/// </summary>
internal static class EntryDocument
{
    public static BsonDocument From(AuditEntry e)
    {
        var doc = new BsonDocument
        {
            ["_id"] = e.Id,
            ["Kind"] = e.Kind,
            ["TimeUtc"] = e.TimeUtc,
        };
        Put(doc, "QueueId", e.QueueId);
        if (e.Transaction is { } t) doc["Transaction"] = Transaction(t);
        if (e.Delivery is { } d) doc["Delivery"] = Delivery(d);
        if (e.Outcomes is { } outcomes) doc["Outcomes"] = Documents(outcomes, From);
        doc["PrevHash"] = e.PrevHash;
        doc["Hash"] = e.Hash;
        return doc;
    }

    private static BsonDocument Transaction(AuditTransaction t)
    {
        var doc = new BsonDocument { ["_id"] = t.Id, ["TimeUtc"] = t.TimeUtc };
        Put(doc, "QueueId", t.QueueId);
        Put(doc, "MessageId", t.MessageId);
        Put(doc, "MailFrom", t.MailFrom);
        doc["Recipients"] = Strings(t.Recipients);
        Put(doc, "HeaderFrom", t.HeaderFrom);
        Put(doc, "Subject", t.Subject);
        doc["Size"] = t.Size;
        Put(doc, "Sha256", t.Sha256);
        Put(doc, "ClientIp", t.ClientIp);
        Put(doc, "Helo", t.Helo);
        Put(doc, "TlsProtocol", t.TlsProtocol);
        Put(doc, "AuthenticatedUser", t.AuthenticatedUser);
        Put(doc, "Listener", t.Listener);
        Put(doc, "Decision", t.Decision);
        Put(doc, "SmtpReply", t.SmtpReply);
        doc["Classes"] = Strings(t.Classes);
        doc["Attachments"] = Documents(t.Attachments, a =>
        {
            var item = new BsonDocument();
            Put(item, "Name", a.Name);
            Put(item, "DetectedType", a.DetectedType);
            item["Size"] = a.Size;
            Put(item, "Sha256", a.Sha256);
            Put(item, "Class", a.Class);
            Put(item, "Symbol", a.Symbol);
            Put(item, "SignatureStatus", a.SignatureStatus);
            return item;
        });
        if (t.Smime is { } s)
        {
            var smime = new BsonDocument();
            Put(smime, "Status", s.Status);
            Put(smime, "SignerSubject", s.SignerSubject);
            Put(smime, "SignerAddress", s.SignerAddress);
            Put(smime, "Issuer", s.Issuer);
            Put(smime, "Serial", s.Serial);
            doc["Smime"] = smime;
        }
        doc["Rules"] = Documents(t.Rules, r =>
        {
            var item = new BsonDocument();
            Put(item, "Rule", r.Rule);
            Put(item, "Mode", r.Mode);
            Put(item, "Action", r.Action);
            Put(item, "Message", r.Message);
            return item;
        });
        Put(doc, "PolicyVersion", t.PolicyVersion);
        return doc;
    }

    private static BsonDocument Delivery(AuditDelivery d)
    {
        var doc = new BsonDocument();
        Put(doc, "QueueId", d.QueueId);
        Put(doc, "Recipient", d.Recipient);
        Put(doc, "Outcome", d.Outcome);
        Put(doc, "Reply", d.Reply);
        doc["TimeUtc"] = d.TimeUtc;
        return doc;
    }

    /// <summary>A list of objects as the mapper writes it: one document each, null items kept as null.</summary>
    private static BsonArray Documents<T>(List<T> items, Func<T, BsonDocument> document) where T : class
    {
        var array = new BsonArray();
        foreach (var item in items) array.Add(item is null ? BsonValue.Null : document(item));
        return array;
    }

    private static BsonArray Strings(List<string> values)
    {
        var array = new BsonArray();
        foreach (var v in values) array.Add(v is null ? BsonValue.Null : new BsonValue(v));
        return array;
    }

    private static void Put(BsonDocument doc, string name, string? value)
    {
        if (value is not null) doc[name] = value;
    }
}
