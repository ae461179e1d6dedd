namespace GovGateway.Policies.Evaluation;

/// <summary>Everything the rules look at, computed once per message.</summary>
internal sealed record MessageAnalysis(
    string? HeaderFromAddress,
    string? Subject,
    string? MessageId,
    SmimeReport Smime,
    IReadOnlyList<AttachmentReport> Attachments,
    IReadOnlySet<DocumentClass> BodyClasses,
    bool BodySecret,
    IReadOnlySet<DocumentClass> Classes,
    Urgency Urgency = Urgency.None,
    DocumentMetadata? BodyMetadata = null);
