namespace GovGateway.Audit;

/// <summary>
/// Bounds on what one record lists, applied when it is logged, so that no message can make a record larger than what
/// the chain stores as one LiteDB document (about 16 MiB): a message of tens of thousands of tiny MIME parts, or a
/// megabyte-long Subject, would otherwise stop the audit writer at that record, retrying forever while every later
/// record waited in the journal. Cut text ends with "…"; attachments and recipients left out are counted in
/// <see cref="AuditTransaction.AttachmentsOmitted"/> and <see cref="AuditTransaction.RecipientsOmitted"/>. The message-level <see cref="AuditTransaction.Classes"/> still
/// names every class found, so filters and statistics by class see all of them.
/// </summary>
public static class AuditRecordLimits
{
    /// <summary>Attachments listed per record; the gateway's default 50 MB message limit allows far more tiny parts.</summary>
    public const int MaxAttachments = 500;
    /// <summary>Recipients listed per record (SMTP servers must take 100; the gateway's default is 100).</summary>
    public const int MaxRecipients = 1000;
    /// <summary>Entries kept of the classes and rules lists.</summary>
    public const int MaxListItems = 200;
    /// <summary>Characters kept of a header value, reply, rule message or certificate name.</summary>
    public const int MaxText = 2000;
    /// <summary>Characters kept of an address, an attachment's field, a class or a rule's name (a path is at most 256 octets).</summary>
    public const int MaxShortText = 255;

    // Worst case, every character written as a six-byte \u escape: about 11 MB, under LiteDB's 16 MiB per document.

    /// <summary>Cuts <paramref name="t"/> in place to the limits; returns it.</summary>
    public static AuditTransaction Apply(AuditTransaction t)
    {
        t.QueueId = Cut(t.QueueId, MaxShortText);
        t.MessageId = Cut(t.MessageId, MaxText);
        t.MailFrom = Cut(t.MailFrom, MaxShortText);
        t.HeaderFrom = Cut(t.HeaderFrom, MaxText);
        t.Subject = Cut(t.Subject, MaxText);
        t.ClientIp = Cut(t.ClientIp, MaxShortText);
        t.Helo = Cut(t.Helo, MaxText);
        t.TlsProtocol = Cut(t.TlsProtocol, MaxShortText);
        t.AuthenticatedUser = Cut(t.AuthenticatedUser, MaxText);
        t.Listener = Cut(t.Listener, MaxShortText);
        t.SmtpReply = Cut(t.SmtpReply, MaxText);
        t.PolicyVersion = Cut(t.PolicyVersion, MaxShortText);
        if (t.Recipients is { Count: > MaxRecipients } everyone)
        {
            t.RecipientsOmitted = (t.RecipientsOmitted ?? 0) + everyone.Count - MaxRecipients;
            t.Recipients = everyone.GetRange(0, MaxRecipients);
        }
        t.Recipients = CutEach(t.Recipients, r => Cut(r, MaxShortText)!);
        t.Classes = CutEach(Take(t.Classes, MaxListItems), c => Cut(c, MaxShortText)!);
        if (t.Attachments is { Count: > MaxAttachments } all)
        {
            t.AttachmentsOmitted = (t.AttachmentsOmitted ?? 0) + all.Count - MaxAttachments;
            t.Attachments = all.GetRange(0, MaxAttachments);
        }
        foreach (var a in t.Attachments ?? [])
        {
            if (a is null) continue;
            a.Name = Cut(a.Name, MaxShortText);
            a.DetectedType = Cut(a.DetectedType, MaxShortText);
            a.Sha256 = Cut(a.Sha256, MaxShortText);
            a.Class = Cut(a.Class, MaxShortText);
            a.Symbol = Cut(a.Symbol, MaxShortText);
            a.SignatureStatus = Cut(a.SignatureStatus, MaxShortText);
            a.Status = Cut(a.Status, MaxShortText);
            a.Signatures = a.Signatures is null ? null : CutEach(Take(a.Signatures, MaxListItems), g =>
            {
                if (g is null) return g!;
                g.Role = Cut(g.Role, MaxShortText);
                g.Status = Cut(g.Status, MaxShortText);
                g.Subject = Cut(g.Subject, MaxText);
                g.Issuer = Cut(g.Issuer, MaxText);
                g.Serial = Cut(g.Serial, MaxShortText);
                g.SigningTimeSource = Cut(g.SigningTimeSource, MaxShortText);
                g.Revocation = Cut(g.Revocation, MaxShortText);
                return g;
            });
        }
        if (t.Smime is { } s)
        {
            s.Status = Cut(s.Status, MaxShortText);
            s.SignerSubject = Cut(s.SignerSubject, MaxText);
            s.SignerAddress = Cut(s.SignerAddress, MaxShortText);
            s.Issuer = Cut(s.Issuer, MaxText);
            s.Serial = Cut(s.Serial, MaxShortText);
        }
        t.Rules = CutEach(Take(t.Rules, MaxListItems), r =>
        {
            if (r is null) return r!;
            r.Rule = Cut(r.Rule, MaxShortText);
            r.Mode = Cut(r.Mode, MaxShortText);
            r.Action = Cut(r.Action, MaxShortText);
            r.Message = Cut(r.Message, MaxText);
            return r;
        });
        return t;
    }

    /// <summary>Cuts a delivery outcome's upstream reply; returns it.</summary>
    public static AuditDelivery Apply(AuditDelivery d)
    {
        d.QueueId = Cut(d.QueueId, MaxShortText) ?? "";
        d.Recipient = Cut(d.Recipient, MaxShortText) ?? "";
        d.Outcome = Cut(d.Outcome, MaxShortText) ?? "";
        d.Reply = Cut(d.Reply, MaxText);
        return d;
    }

    private static string? Cut(string? text, int max) =>
        text is null || text.Length <= max ? text
        // Not inside a surrogate pair: the cut text must still be valid UTF-16 (and so encode to UTF-8).
        : string.Concat(text.AsSpan(0, char.IsHighSurrogate(text[max - 2]) ? max - 2 : max - 1), "…");

    private static List<T> Take<T>(List<T>? items, int max) => items is null ? [] : items.Count > max ? items.GetRange(0, max) : items;

    /// <summary>The items, each cut; a new list when one changes, since the caller's list may be in use elsewhere (the envelope's).</summary>
    private static List<T> CutEach<T>(List<T>? items, Func<T, T> cut)
    {
        if (items is null) return [];
        List<T>? copy = null;
        for (int i = 0; i < items.Count; i++)
        {
            var item = cut(items[i]);
            if (ReferenceEquals(item, items[i])) continue;
            copy ??= [.. items];
            copy[i] = item;
        }
        return copy ?? items;
    }
}
