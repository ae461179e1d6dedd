namespace GovGateway.Policies.Rules;

/// <summary>One ordered rule of policy.yaml.</summary>
internal sealed record PolicyRule(
    string Name,
    RuleMode Mode,
    Condition When,
    RuleActionKind Action,
    string MessageVi,
    string MessageEn,
    IReadOnlyList<KeyValuePair<string, string>> AddHeaders,
    string? TagSubject,
    IReadOnlyList<string> CopyTo)
{
    /// <summary>Builds the hit for this rule; "{details}" in the messages becomes the offending items.</summary>
    public RuleHit ToHit(IReadOnlyList<string> details)
    {
        var distinct = details.Distinct(StringComparer.Ordinal).ToList();
        return new RuleHit(Name, Mode, Action,
            Fill(MessageVi, string.Join(", ", distinct.Select(Detail.Vietnamese))),
            Fill(MessageEn, string.Join(", ", distinct.Select(Detail.English))));
    }

    private static string Fill(string template, string details) =>
        template.Replace("{details}", details, StringComparison.Ordinal).Trim();
}
