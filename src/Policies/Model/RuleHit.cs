namespace GovGateway.Policies;

/// <summary>A rule that matched a message, with the bilingual text shown to the sender.</summary>
public sealed record RuleHit(
    string Rule,
    RuleMode Mode,
    RuleActionKind Action,
    string MessageVi,
    string MessageEn)
{
    /// <summary>"vi / en", suitable for an SMTP reply or a log line.</summary>
    public string Reason => string.IsNullOrEmpty(MessageEn) ? MessageVi : $"{MessageVi} / {MessageEn}";

    public override string ToString() => $"{Rule} ({Mode.ToWireName()}, {Action.ToWireName()}): {Reason}";
}
