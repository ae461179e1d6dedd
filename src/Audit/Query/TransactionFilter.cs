namespace GovGateway.Audit;

/// <summary>The in-memory part of a query: every filter set must match.</summary>
internal sealed class TransactionFilter(AuditQuery q)
{
    private readonly string? _sender = Clean(q.Sender)?.ToLowerInvariant();
    private readonly string? _recipient = Clean(q.Recipient);
    private readonly string? _class = Clean(q.Class);
    private readonly string? _decision = Clean(q.Decision);
    private readonly string? _signature = Clean(q.Signature);
    private readonly string? _rule = Clean(q.Rule);
    private readonly string? _subject = Clean(q.Subject) is { } s ? TextFold.Fold(s) : null;
    private readonly string? _symbol = Clean(q.Symbol) is { } s ? TextFold.Fold(s) : null;
    private readonly string? _messageId = Clean(q.MessageId)?.Trim('<', '>');
    private readonly string? _queueId = Clean(q.QueueId);
    private readonly string? _recordId = Clean(q.RecordId);

    public bool Matches(AuditTransaction t)
    {
        if (_sender is not null && !SenderMatches(t.MailFrom)) return false;
        if (_recipient is not null && !t.Recipients.Any(r => r is not null && r.Contains(_recipient, StringComparison.OrdinalIgnoreCase))) return false;
        if (_class is not null && !ClassMatches(t)) return false;
        if (_decision is not null && !Same(t.Decision, _decision)) return false;
        if (_signature is not null && !SignatureMatches(t)) return false;
        if (_rule is not null && !t.Rules.Any(r => Same(r?.Rule, _rule))) return false;
        if (_subject is not null && !TextFold.Contains(t.Subject, _subject)) return false;
        if (_symbol is not null && !t.Attachments.Any(a => a?.Symbol is not null && TextFold.Contains(a.Symbol, _symbol))) return false;
        if (_messageId is not null && !Same(t.MessageId?.Trim().Trim('<', '>'), _messageId)) return false;
        if (_queueId is not null && !string.Equals(t.QueueId, _queueId, StringComparison.Ordinal)) return false;
        if (_recordId is not null && !Same(t.Id, _recordId)) return false;
        return true;
    }

    private bool SenderMatches(string? mailFrom)
    {
        var from = (mailFrom ?? "").ToLowerInvariant();
        if (_sender!.IndexOf('@') > 0) return from == _sender;
        // "@bnv.gov.vn" or "bnv.gov.vn": the sender's domain or a subdomain of it.
        var domain = _sender.TrimStart('@');
        int at = from.LastIndexOf('@');
        if (at < 0) return false;
        var senderDomain = from[(at + 1)..];
        return senderDomain == domain || senderDomain.EndsWith("." + domain, StringComparison.Ordinal);
    }

    private bool SignatureMatches(AuditTransaction t) => SignatureWords.Matches(t, _signature!.ToLowerInvariant());

    private bool ClassMatches(AuditTransaction t)
    {
        var classes = t.Classes.Concat(t.Attachments.Select(a => a?.Class));
        // "official": any class that counts as an official document in audit stats.
        if (Same(_class, OfficialClass)) return classes.Any(c => c is not null && StatsBuilder.OfficialClasses.Contains(c.Trim()));
        return classes.Any(c => Same(c, _class));
    }

    /// <summary>The --class value that stands for every official-document class.</summary>
    public const string OfficialClass = AuditQuery.OfficialClass;

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a.Trim(), b, StringComparison.OrdinalIgnoreCase);

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
