namespace GovGateway.Policies;

/// <summary>
/// Kebab-case lower-case names used wherever verdicts are serialized (JSON, YAML, audit log),
/// and parsed back when administrators write them in policy.yaml.
/// </summary>
public static class WireNames
{
    public static string ToWireName(this Decision value) => value switch
    {
        Decision.Accept => "accept",
        Decision.Reject => "reject",
        Decision.Quarantine => "quarantine",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    public static string ToWireName(this RuleMode value) => value == RuleMode.Enforce ? "enforce" : "audit";

    public static string ToWireName(this DocumentClass value) => value switch
    {
        DocumentClass.Invitation => "invitation",
        DocumentClass.MeetingDocument => "meeting-document",
        DocumentClass.Report => "report",
        DocumentClass.Notice => "notice",
        DocumentClass.WorkDocument => "work-document",
        DocumentClass.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    public static string ToWireName(this SignatureStatus value) => value switch
    {
        SignatureStatus.None => "none",
        SignatureStatus.Valid => "valid",
        SignatureStatus.Invalid => "invalid",
        SignatureStatus.Untrusted => "untrusted",
        SignatureStatus.Expired => "expired",
        SignatureStatus.Revoked => "revoked",
        SignatureStatus.SignerMismatch => "signer-mismatch",
        SignatureStatus.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    public static string ToWireName(this SignatureRole value) => value switch
    {
        SignatureRole.Signer => "signer",
        SignatureRole.Organisation => "organisation",
        SignatureRole.Timestamp => "timestamp",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    public static bool TryParseRole(string text, out SignatureRole value) => TryParse(text, out value, v => v.ToWireName());

    public static string ToWireName(this RuleActionKind value) => value switch
    {
        RuleActionKind.None => "none",
        RuleActionKind.Accept => "accept",
        RuleActionKind.Reject => "reject",
        RuleActionKind.Quarantine => "quarantine",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    public static IReadOnlyList<DocumentClass> AllClasses { get; } = Enum.GetValues<DocumentClass>();

    /// <summary>Official documents: every class except <see cref="DocumentClass.Other"/>.</summary>
    public static bool IsOfficialDocument(this DocumentClass value) => value != DocumentClass.Other;

    public static bool TryParseClass(string text, out DocumentClass value) => TryParse(text, out value, v => v.ToWireName());

    public static bool TryParseStatus(string text, out SignatureStatus value) => TryParse(text, out value, v => v.ToWireName());

    public static bool TryParseMode(string text, out RuleMode value) => TryParse(text, out value, v => v.ToWireName());

    public static bool TryParseAction(string text, out RuleActionKind value) => TryParse(text, out value, v => v.ToWireName());

    private static bool TryParse<T>(string text, out T value, Func<T, string> name) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(name(candidate), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
