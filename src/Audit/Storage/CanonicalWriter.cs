using System.Text.Json;

namespace GovGateway.Audit;

/// <summary>
/// Writes a transaction or delivery in the chain's canonical form (version 1): C# property names in declaration order;
/// null, zero, unset times and empty lists left out, so that an optional field added later does not change the text of
/// entries written before; times in UTC to the millisecond as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>; strings escaped by the
/// writer's default encoder (everything outside ASCII, and HTML-sensitive characters, as \u escapes).
/// </summary>
/// <remarks>
/// Written by hand because it is the text every entry's hash covers, for every message: System.Text.Json's
/// serializer with the options that give this form (a resolver modifier for empty lists, a converter for times) cannot
/// use its generated fast path and cost ~1% of the gateway's CPU under load. ChainHasherTests compares this writer with
/// those options property by property, so a field added to the records without being added here fails the build's tests.
/// </remarks>
internal static class CanonicalWriter
{
    public static void Write(Utf8JsonWriter w, AuditTransaction t)
    {
        w.WriteStartObject();
        String(w, Names.Id, t.Id);
        Time(w, Names.TimeUtc, t.TimeUtc);
        String(w, Names.QueueId, t.QueueId);
        String(w, Names.MessageId, t.MessageId);
        String(w, Names.MailFrom, t.MailFrom);
        Strings(w, Names.Recipients, t.Recipients);
        if (t.RecipientsOmitted is { } unlisted) w.WriteNumber(Names.RecipientsOmitted, unlisted);
        String(w, Names.HeaderFrom, t.HeaderFrom);
        String(w, Names.Subject, t.Subject);
        Number(w, Names.Size, t.Size);
        String(w, Names.Sha256, t.Sha256);
        String(w, Names.ClientIp, t.ClientIp);
        String(w, Names.Helo, t.Helo);
        String(w, Names.TlsProtocol, t.TlsProtocol);
        String(w, Names.AuthenticatedUser, t.AuthenticatedUser);
        String(w, Names.Listener, t.Listener);
        String(w, Names.Decision, t.Decision);
        String(w, Names.SmtpReply, t.SmtpReply);
        Strings(w, Names.Classes, t.Classes);
        Objects(w, Names.Attachments, t.Attachments, static (w, a) =>
        {
            String(w, Names.Name, a.Name);
            String(w, Names.DetectedType, a.DetectedType);
            Number(w, Names.Size, a.Size);
            String(w, Names.Sha256, a.Sha256);
            String(w, Names.Class, a.Class);
            String(w, Names.Symbol, a.Symbol);
            String(w, Names.SignatureStatus, a.SignatureStatus);
            String(w, Names.Status, a.Status);
            String(w, Names.Encoding, a.Encoding);
            if (a.Scanned) w.WriteBoolean(Names.Scanned, true);
            String(w, Names.Urgency, a.Urgency);
            Document(w, a.Document);
            // Absent when empty, so records written before signatures were listed keep their hashes.
            Objects(w, Names.Signatures, a.Signatures, static (w, g) =>
            {
                String(w, Names.Role, g.Role);
                String(w, Names.Status, g.Status);
                String(w, Names.Subject, g.Subject);
                String(w, Names.Issuer, g.Issuer);
                String(w, Names.Serial, g.Serial);
                Time(w, Names.NotBefore, g.NotBefore ?? default);
                Time(w, Names.NotAfter, g.NotAfter ?? default);
                Time(w, Names.SigningTime, g.SigningTime ?? default);
                String(w, Names.SigningTimeSource, g.SigningTimeSource);
                String(w, Names.Revocation, g.Revocation);
            });
        });
        if (t.AttachmentsOmitted is { } omitted) w.WriteNumber(Names.AttachmentsOmitted, omitted);
        if (t.Smime is { } s)
        {
            w.WriteStartObject(Names.Smime);
            String(w, Names.Status, s.Status);
            String(w, Names.SignerSubject, s.SignerSubject);
            String(w, Names.SignerAddress, s.SignerAddress);
            String(w, Names.Issuer, s.Issuer);
            String(w, Names.Serial, s.Serial);
            w.WriteEndObject();
        }
        Objects(w, Names.Rules, t.Rules, static (w, r) =>
        {
            String(w, Names.Rule, r.Rule);
            String(w, Names.Mode, r.Mode);
            String(w, Names.Action, r.Action);
            String(w, Names.Message, r.Message);
        });
        String(w, Names.PolicyVersion, t.PolicyVersion);
        String(w, Names.Urgency, t.Urgency);
        Document(w, t.Document);
        w.WriteEndObject();
    }

    private static void Document(Utf8JsonWriter w, AuditDocument? d)
    {
        if (d is null) return;
        w.WriteStartObject(Names.Document);
        String(w, Names.CodeNumber, d.CodeNumber);
        String(w, Names.CodeNotation, d.CodeNotation);
        String(w, Names.DocumentType, d.DocumentType);
        String(w, Names.OrganName, d.OrganName);
        if (d.PromulgationInfo is { } p)
        {
            w.WriteStartObject(Names.PromulgationInfo);
            String(w, Names.Place, p.Place);
            String(w, Names.PromulgationDate, p.PromulgationDate);
            w.WriteEndObject();
        }
        String(w, Names.Subject, d.Subject);
        if (d.SignerInfo is { } s)
        {
            w.WriteStartObject(Names.SignerInfo);
            String(w, Names.Competence, s.Competence);
            String(w, Names.Position, s.Position);
            String(w, Names.FullName, s.FullName);
            String(w, Names.Certificate, s.Certificate);
            w.WriteEndObject();
        }
        Number(w, Names.Priority, d.Priority);
        String(w, Names.Secrecy, d.Secrecy);
        Strings(w, Names.Recipients, d.Recipients);
        w.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter w, AuditDelivery d)
    {
        w.WriteStartObject();
        String(w, Names.QueueId, d.QueueId);
        String(w, Names.Recipient, d.Recipient);
        String(w, Names.Outcome, d.Outcome);
        String(w, Names.Reply, d.Reply);
        Time(w, Names.TimeUtc, d.TimeUtc);
        w.WriteEndObject();
    }

    /// <summary>Length of a time in the canonical form (<c>yyyy-MM-ddTHH:mm:ss.fffZ</c>).</summary>
    public const int TimeLength = 24;

    /// <summary>A time as the canonical form writes it: UTC, truncated to the millisecond, always three digits.</summary>
    public static string FormatTime(DateTime t)
    {
        Span<byte> utf8 = stackalloc byte[TimeLength];
        FormatTime(t, utf8);
        return System.Text.Encoding.ASCII.GetString(utf8);
    }

    /// <summary>
    /// Writes <see cref="FormatTime(DateTime)"/>'s text into <paramref name="utf8"/> (at least <see cref="TimeLength"/>
    /// bytes). By hand, because every entry's hash covers one or two times, and the custom format string went through
    /// DateTimeFormat's general parser on each call (8% of the audit writer's CPU).
    /// </summary>
    public static void FormatTime(DateTime t, Span<byte> utf8)
    {
        var u = ChainHasher.Normalize(t);
        var (year, month, day) = u;
        Digits(utf8[..4], year);
        utf8[4] = (byte)'-';
        Digits(utf8.Slice(5, 2), month);
        utf8[7] = (byte)'-';
        Digits(utf8.Slice(8, 2), day);
        utf8[10] = (byte)'T';
        Digits(utf8.Slice(11, 2), u.Hour);
        utf8[13] = (byte)':';
        Digits(utf8.Slice(14, 2), u.Minute);
        utf8[16] = (byte)':';
        Digits(utf8.Slice(17, 2), u.Second);
        utf8[19] = (byte)'.';
        Digits(utf8.Slice(20, 3), u.Millisecond);
        utf8[23] = (byte)'Z';
    }

    private static void Digits(Span<byte> into, int value)
    {
        for (int i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }

    private static void String(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    private static void Number(Utf8JsonWriter w, JsonEncodedText name, long value)
    {
        if (value != 0) w.WriteNumber(name, value);
    }

    private static void Time(Utf8JsonWriter w, JsonEncodedText name, DateTime value)
    {
        if (value == default) return;
        Span<byte> text = stackalloc byte[TimeLength];
        FormatTime(value, text);
        w.WriteString(name, text);
    }

    private static void Objects<T>(Utf8JsonWriter w, JsonEncodedText name, List<T>? items, Action<Utf8JsonWriter, T> writeFields) where T : class
    {
        if (items is not { Count: > 0 }) return;
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            if (item is null)
            {
                w.WriteNullValue();
                continue;
            }
            w.WriteStartObject();
            writeFields(w, item);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, JsonEncodedText name, List<string>? values)
    {
        if (values is not { Count: > 0 }) return;
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static class Names
    {
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("Id");
        public static readonly JsonEncodedText TimeUtc = JsonEncodedText.Encode("TimeUtc");
        public static readonly JsonEncodedText QueueId = JsonEncodedText.Encode("QueueId");
        public static readonly JsonEncodedText MessageId = JsonEncodedText.Encode("MessageId");
        public static readonly JsonEncodedText MailFrom = JsonEncodedText.Encode("MailFrom");
        public static readonly JsonEncodedText Recipients = JsonEncodedText.Encode("Recipients");
        public static readonly JsonEncodedText RecipientsOmitted = JsonEncodedText.Encode("RecipientsOmitted");
        public static readonly JsonEncodedText HeaderFrom = JsonEncodedText.Encode("HeaderFrom");
        public static readonly JsonEncodedText Subject = JsonEncodedText.Encode("Subject");
        public static readonly JsonEncodedText Size = JsonEncodedText.Encode("Size");
        public static readonly JsonEncodedText Sha256 = JsonEncodedText.Encode("Sha256");
        public static readonly JsonEncodedText ClientIp = JsonEncodedText.Encode("ClientIp");
        public static readonly JsonEncodedText Helo = JsonEncodedText.Encode("Helo");
        public static readonly JsonEncodedText TlsProtocol = JsonEncodedText.Encode("TlsProtocol");
        public static readonly JsonEncodedText AuthenticatedUser = JsonEncodedText.Encode("AuthenticatedUser");
        public static readonly JsonEncodedText Listener = JsonEncodedText.Encode("Listener");
        public static readonly JsonEncodedText Decision = JsonEncodedText.Encode("Decision");
        public static readonly JsonEncodedText SmtpReply = JsonEncodedText.Encode("SmtpReply");
        public static readonly JsonEncodedText Classes = JsonEncodedText.Encode("Classes");
        public static readonly JsonEncodedText Attachments = JsonEncodedText.Encode("Attachments");
        public static readonly JsonEncodedText Name = JsonEncodedText.Encode("Name");
        public static readonly JsonEncodedText DetectedType = JsonEncodedText.Encode("DetectedType");
        public static readonly JsonEncodedText Class = JsonEncodedText.Encode("Class");
        public static readonly JsonEncodedText Symbol = JsonEncodedText.Encode("Symbol");
        public static readonly JsonEncodedText SignatureStatus = JsonEncodedText.Encode("SignatureStatus");
        public static readonly JsonEncodedText AttachmentsOmitted = JsonEncodedText.Encode("AttachmentsOmitted");
        public static readonly JsonEncodedText Smime = JsonEncodedText.Encode("Smime");
        public static readonly JsonEncodedText Status = JsonEncodedText.Encode("Status");
        public static readonly JsonEncodedText SignerSubject = JsonEncodedText.Encode("SignerSubject");
        public static readonly JsonEncodedText SignerAddress = JsonEncodedText.Encode("SignerAddress");
        public static readonly JsonEncodedText Issuer = JsonEncodedText.Encode("Issuer");
        public static readonly JsonEncodedText Serial = JsonEncodedText.Encode("Serial");
        public static readonly JsonEncodedText Rules = JsonEncodedText.Encode("Rules");
        public static readonly JsonEncodedText Rule = JsonEncodedText.Encode("Rule");
        public static readonly JsonEncodedText Mode = JsonEncodedText.Encode("Mode");
        public static readonly JsonEncodedText Action = JsonEncodedText.Encode("Action");
        public static readonly JsonEncodedText Message = JsonEncodedText.Encode("Message");
        public static readonly JsonEncodedText PolicyVersion = JsonEncodedText.Encode("PolicyVersion");
        public static readonly JsonEncodedText Recipient = JsonEncodedText.Encode("Recipient");
        public static readonly JsonEncodedText Signatures = JsonEncodedText.Encode("Signatures");
        public static readonly JsonEncodedText Role = JsonEncodedText.Encode("Role");
        public static readonly JsonEncodedText NotBefore = JsonEncodedText.Encode("NotBefore");
        public static readonly JsonEncodedText NotAfter = JsonEncodedText.Encode("NotAfter");
        public static readonly JsonEncodedText SigningTime = JsonEncodedText.Encode("SigningTime");
        public static readonly JsonEncodedText SigningTimeSource = JsonEncodedText.Encode("SigningTimeSource");
        public static readonly JsonEncodedText Revocation = JsonEncodedText.Encode("Revocation");
        public static readonly JsonEncodedText Outcome = JsonEncodedText.Encode("Outcome");
        public static readonly JsonEncodedText Reply = JsonEncodedText.Encode("Reply");
        public static readonly JsonEncodedText Encoding = JsonEncodedText.Encode("Encoding");
        public static readonly JsonEncodedText Scanned = JsonEncodedText.Encode("Scanned");
        public static readonly JsonEncodedText Urgency = JsonEncodedText.Encode("Urgency");
        public static readonly JsonEncodedText Document = JsonEncodedText.Encode("Document");
        public static readonly JsonEncodedText CodeNumber = JsonEncodedText.Encode("CodeNumber");
        public static readonly JsonEncodedText CodeNotation = JsonEncodedText.Encode("CodeNotation");
        public static readonly JsonEncodedText DocumentType = JsonEncodedText.Encode("DocumentType");
        public static readonly JsonEncodedText OrganName = JsonEncodedText.Encode("OrganName");
        public static readonly JsonEncodedText PromulgationInfo = JsonEncodedText.Encode("PromulgationInfo");
        public static readonly JsonEncodedText Place = JsonEncodedText.Encode("Place");
        public static readonly JsonEncodedText PromulgationDate = JsonEncodedText.Encode("PromulgationDate");
        public static readonly JsonEncodedText SignerInfo = JsonEncodedText.Encode("SignerInfo");
        public static readonly JsonEncodedText Competence = JsonEncodedText.Encode("Competence");
        public static readonly JsonEncodedText Position = JsonEncodedText.Encode("Position");
        public static readonly JsonEncodedText FullName = JsonEncodedText.Encode("FullName");
        public static readonly JsonEncodedText Certificate = JsonEncodedText.Encode("Certificate");
        public static readonly JsonEncodedText Priority = JsonEncodedText.Encode("Priority");
        public static readonly JsonEncodedText Secrecy = JsonEncodedText.Encode("Secrecy");
    }
}
