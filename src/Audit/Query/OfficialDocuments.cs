namespace GovGateway.Audit;

/// <summary>What counts as an official document travelling signed: the measure of `gateway audit stats` and the console's dashboard.</summary>
public static class OfficialDocuments
{
    /// <summary>Classes that are official documents in the sense of the 2025 target (Directive on e-documents by email).</summary>
    public static readonly IReadOnlySet<string> Classes =
        new HashSet<string>(["invitation", "meeting-document", "report", "notice", "work-document"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// For an accepted transaction carrying an official document: whether it travelled signed (S/MIME valid, or every
    /// official attachment PDF-signed valid); null for any other transaction. The 2025 target's measure.
    /// </summary>
    public static bool? TravelledSigned(AuditTransaction t)
    {
        // "Travelled" means the gateway accepted it for delivery.
        if (!string.Equals(t.Decision, AuditDecisions.Accepted, StringComparison.OrdinalIgnoreCase)) return null;
        var official = t.Attachments.Where(a => a?.Class is not null && Classes.Contains(a.Class)).ToList();
        if (official.Count == 0 && !t.Classes.Any(c => c is not null && Classes.Contains(c))) return null;
        bool smimeValid = IsValid(t.Smime?.Status);
        bool allPdfSigned = official.Count > 0 && official.All(a => IsValid(a.SignatureStatus));
        return smimeValid || allPdfSigned;
    }

    /// <summary>The sender's domain as the stats group it: "(null sender)" for bounces, "(no domain)" for a bare name.</summary>
    public static string SenderDomain(string? mailFrom)
    {
        if (string.IsNullOrWhiteSpace(mailFrom)) return "(null sender)";
        int at = mailFrom.LastIndexOf('@');
        return at < 0 ? "(no domain)" : mailFrom[(at + 1)..].Trim().ToLowerInvariant();
    }

    private static bool IsValid(string? status) => string.Equals(status?.Trim(), "valid", StringComparison.OrdinalIgnoreCase);
}
