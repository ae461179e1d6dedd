namespace GovGateway.Audit;

/// <summary>
/// The columns of an <c>audit_entries</c> row besides its key and text: copies of the entry's content that PostgreSQL
/// indexes. Written from the entry when it is stored and recomputed from its text by verify, which names a row whose
/// copies were edited apart from the text (a query would otherwise find it by a sender or subject it does not have).
/// </summary>
internal sealed record PostgresColumns(string Kind, DateTime TimeUtc, string? QueueId, string? TransactionId, string? MailFrom, string? MessageId, string? Subject, string? Decision)
{
    public static PostgresColumns Of(AuditEntry e) => new(
        e.Kind,
        e.TimeUtc,
        e.QueueId,
        e.Transaction?.Id,
        e.Transaction?.MailFrom,
        MessageKey(e.Transaction?.MessageId),
        e.Transaction?.Subject,
        e.Transaction?.Decision);

    /// <summary>A Message-ID as the index holds it and queries ask for it: without angle brackets, lower case.</summary>
    public static string? MessageKey(string? messageId)
    {
        var bare = messageId?.Trim().Trim('<', '>').Trim();
        return string.IsNullOrEmpty(bare) ? null : bare.ToLowerInvariant();
    }
}
