namespace GovGateway.Policies;

/// <summary>The policy's answer for one message.</summary>
public sealed record Verdict
{
    public required Decision Decision { get; init; }
    /// <summary>Every rule that matched, enforce and audit, in policy order.</summary>
    public required IReadOnlyList<RuleHit> Hits { get; init; }
    /// <summary>The enforce hits that decided a reject or quarantine (empty on accept).</summary>
    public required IReadOnlyList<RuleHit> Reasons { get; init; }
    public required IReadOnlySet<DocumentClass> Classes { get; init; }
    public required IReadOnlyList<AttachmentReport> Attachments { get; init; }
    public required SmimeReport Smime { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> HeadersToAdd { get; init; }
    public string? SubjectTag { get; init; }
    public required IReadOnlyList<string> CopyTo { get; init; }
    public required string PolicyVersion { get; init; }
    public string? HeaderFrom { get; init; }
    public string? Subject { get; init; }
    public string? MessageId { get; init; }
    /// <summary>The highest urgency of the message's documents (body included): urgent mail goes ahead of the queue.</summary>
    public Urgency Urgency { get; init; }
    /// <summary>The metadata of a document typed into the body itself (laid out as one), or null.</summary>
    public DocumentMetadata? BodyMetadata { get; init; }

    /// <summary>A verdict decided by one rule before or instead of the analysis (a malformed message, a timed-out evaluation).</summary>
    public static Verdict Single(RuleHit hit, Decision decision, string policyVersion) => new()
    {
        Decision = decision,
        Hits = [hit],
        Reasons = [hit],
        Classes = new HashSet<DocumentClass>(),
        Attachments = [],
        Smime = SmimeReport.NotSigned,
        HeadersToAdd = [],
        CopyTo = [],
        PolicyVersion = policyVersion,
    };
}
