using GovGateway.Audit;
using GovGateway.Configuration;
using GovGateway.Policies;

namespace GovGateway.AuditQueries.Filters;

/// <summary>
/// The values `audit query` accepts for --decision, --class and --signature, with the words people type for them
/// (English singular/plural and verb forms, Vietnamese without diacritics). A value outside the set is an error that
/// lists the set, never a filter that silently matches nothing.
/// </summary>
internal sealed class FilterValues
{
    private readonly string _option;
    private readonly IReadOnlyList<string> _allowed;
    private readonly IReadOnlyDictionary<string, string> _aliases;

    private FilterValues(string option, IReadOnlyList<string> allowed, IReadOnlyDictionary<string, string> aliases)
    {
        _option = option;
        _allowed = allowed;
        _aliases = aliases;
    }

    public static readonly FilterValues Decision = new("--decision",
        [AuditDecisions.Accepted, AuditDecisions.Rejected, AuditDecisions.Quarantined, AuditDecisions.Failed, AuditDecisions.Console],
        new Dictionary<string, string>
        {
            ["accept"] = AuditDecisions.Accepted, ["chap-nhan"] = AuditDecisions.Accepted,
            ["reject"] = AuditDecisions.Rejected, ["refused"] = AuditDecisions.Rejected, ["tu-choi"] = AuditDecisions.Rejected,
            ["quarantine"] = AuditDecisions.Quarantined, ["held"] = AuditDecisions.Quarantined, ["cach-ly"] = AuditDecisions.Quarantined,
            ["fail"] = AuditDecisions.Failed, ["error"] = AuditDecisions.Failed, ["loi"] = AuditDecisions.Failed,
        });

    public static readonly FilterValues Class = new("--class",
        [.. WireNames.AllClasses.Select(c => c.ToWireName()), AuditQuery.OfficialClass],
        new Dictionary<string, string>
        {
            ["giay-moi"] = "invitation",
            ["tai-lieu-hop"] = "meeting-document", ["meeting"] = "meeting-document",
            ["bao-cao"] = "report",
            ["thong-bao"] = "notice",
            ["cong-van"] = "work-document",
            ["khac"] = "other",
            ["van-ban"] = AuditQuery.OfficialClass, ["van-ban-hanh-chinh"] = AuditQuery.OfficialClass,
        });

    public static readonly FilterValues Signature = CreateSignature();

    private static FilterValues CreateSignature()
    {
        var statuses = Enum.GetValues<SignatureStatus>().Where(s => s != SignatureStatus.None).Select(s => s.ToWireName()).ToList();
        List<string> allowed = [SignatureWords.Unsigned, SignatureWords.NotChecked, .. statuses,
            .. statuses.Select(s => SignatureWords.SmimePrefix + s), .. statuses.Select(s => SignatureWords.PdfPrefix + s)];
        var aliases = new Dictionary<string, string>
        {
            ["none"] = SignatureWords.Unsigned, ["no-signature"] = SignatureWords.Unsigned, ["not-signed"] = SignatureWords.Unsigned,
            ["khong-ky"] = SignatureWords.Unsigned, ["chua-ky"] = SignatureWords.Unsigned, ["smime:none"] = SignatureWords.Unsigned,
            ["signed"] = "valid", ["mismatch"] = "signer-mismatch",
        };
        return new FilterValues("--signature", allowed, aliases);
    }

    /// <summary>For --help: the allowed values and the other words taken for them.</summary>
    public string Help => $"One of: {string.Join(", ", _allowed)} (also: {string.Join(", ", _aliases.Keys)})";

    /// <summary>The canonical value for <paramref name="text"/>; null when not given. Throws <see cref="AuditCliException"/> when not allowed.</summary>
    public string? Canonical(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var key = Normalize(text);
        if (_allowed.Contains(key)) return key;
        if (_aliases.TryGetValue(key, out var alias)) return alias;
        // Plurals: "reports", "invitations".
        if (key.EndsWith('s') && _allowed.Contains(key[..^1])) return key[..^1];
        if (key.EndsWith('s') && _aliases.TryGetValue(key[..^1], out alias)) return alias;
        var near = NearestName.Of(key, _allowed.Concat(_aliases.Keys));
        throw new AuditCliException($"{_option} '{text}' is not one of: {string.Join(", ", _allowed)}." +
                                    (near is null ? "" : $" Did you mean '{near}'?"));
    }

    // Case, Vietnamese diacritics, spaces and underscores do not matter: "Báo cáo" is bao-cao.
    private static string Normalize(string text) =>
        TextFold.Fold(text.Trim()).Replace(' ', '-').Replace('_', '-');
}
