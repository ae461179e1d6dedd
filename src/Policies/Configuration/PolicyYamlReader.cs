using System.Globalization;
using GovGateway.Policies.Domains;
using GovGateway.Policies.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GovGateway.Policies.Configuration;

/// <summary>
/// Reads policy.yaml into settings and rules, validating every key and value and reporting
/// problems at their file:line:column so administrators can fix them.
/// </summary>
internal sealed class PolicyYamlReader
{
    private static readonly string[] TopKeys = ["version", "domains", "classes", "secret-stamps", "urgency-marks", "attachments", "signatures", "archive", "rules"];
    private static readonly string[] ArchiveKeys = ["classes"];
    private static readonly string[] SignatureKeys = ["crl-grace", "require-revocation-data"];
    private static readonly string[] RuleKeys = ["name", "description", "mode", "when", "action", "message", "add-header", "tag-subject", "copy-to"];
    private static readonly string[] ClassKeys = ["abbreviations", "headings", "filenames", "subjects"];
    private static readonly string[] AttachmentKeys = ["blocked-extensions", "blocked-types", "archive-max-depth", "archive-max-entries", "archive-max-total-size", "archive-max-entry-size"];
    private static readonly string[] ConditionKeys =
    [
        "any", "all", "not", "mail-from-in", "mail-from-not-in", "from-in", "from-not-in", "any-recipient-in", "any-recipient-not-in",
        "all-recipients-in", "class", "smime", "pdf-signature", "unsigned", "secret", "blocked-attachment", "encrypted-archive", "unreadable",
        "attachment-type", "attachment-name", "attachment-size-over", "authenticated", "listener", "missing-signature-role", "urgency",
    ];

    /// <summary>The gateway's listeners, as Smtp:Listeners names them (the engine reports them in lower case).</summary>
    private static readonly string[] ListenerNames = ["relay", "submission", "smtps"];

    private readonly string _file;
    private readonly List<PolicyError> _errors = [];

    private PolicyYamlReader(string file) => _file = file;

    public static (PolicySettings? Settings, IReadOnlyList<PolicyRule> Rules, IReadOnlyList<PolicyError> Errors) Read(string file, string text)
    {
        var reader = new PolicyYamlReader(file);
        var (settings, rules) = reader.ReadDocument(text);
        return (reader._errors.Count == 0 ? settings : null, rules, reader._errors);
    }

    private (PolicySettings?, IReadOnlyList<PolicyRule>) ReadDocument(string text)
    {
        // Depth, alias expansion and syntax are checked on the event stream first: building the
        // tree of a 40,000-level document overflows the stack, which ends the process whatever catches.
        if (PolicyYamlGuard.Check(_file, text) is { } guarded)
        {
            _errors.Add(guarded);
            return (null, []);
        }
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            // What the event pass accepted but the tree refuses, such as an alias to an undefined anchor.
            _errors.Add(new PolicyError(_file, (int)Math.Max(ex.Start.Line, 1), (int)Math.Max(ex.Start.Column, 1), "YAML error: " + PolicyYamlGuard.Describe(ex)));
            return (null, []);
        }
        catch (ArgumentException ex)
        {
            // YamlDotNet's document model throws this, at the end of the mapping, for an entry without a key
            // (": x" indented under a key, "? : x"; found by fuzzing, fuzz/ policy-yaml). Name that entry's line.
            var lines = text.Split('\n');
            var keyless = Array.FindIndex(lines, l => l.TrimStart(' ', '?').StartsWith(':'));
            var at = parser.Current?.Start;
            _errors.Add(keyless >= 0
                ? new PolicyError(_file, keyless + 1, lines[keyless].IndexOf(':') + 1, "YAML syntax error: a mapping entry without a key")
                : new PolicyError(_file, (int)(at?.Line ?? 1), (int)(at?.Column ?? 1), "YAML syntax error: " + ex.Message));
            return (null, []);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var node = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
            Error(node, "the policy must be a mapping with 'domains', 'rules' and other sections");
            return (null, []);
        }
        if (stream.Documents.Count > 1) Error(stream.Documents[1].RootNode, "only one YAML document is allowed in the policy file");

        CheckKeys(root, TopKeys, "top level");
        var government = PolicySettings.DefaultGovernmentDomains;
        DomainMatcher? matcher = null;
        if (Get(root, "domains") is { } domainsNode && AsMapping(domainsNode, "domains") is { } domains)
        {
            CheckKeys(domains, ["government"], "domains");
            if (Get(domains, "government") is { } govNode) government = ReadDomainList(govNode, "domains.government") ?? government;
        }
        matcher = new DomainMatcher(government);

        var classes = ReadClasses(Get(root, "classes"));
        var stamps = Get(root, "secret-stamps") is { } s ? ReadStrings(s, "secret-stamps", nonEmpty: true) ?? PolicySettings.DefaultSecretStamps : PolicySettings.DefaultSecretStamps;
        var urgency = Get(root, "urgency-marks") is { } u ? ReadStrings(u, "urgency-marks", nonEmpty: false) ?? PolicySettings.DefaultUrgencyMarks : PolicySettings.DefaultUrgencyMarks;

        var blockedExt = PolicySettings.DefaultBlockedExtensions;
        var blockedTypes = PolicySettings.DefaultBlockedTypes;
        var limits = ArchiveLimits.Default;
        if (Get(root, "attachments") is { } attNode && AsMapping(attNode, "attachments") is { } att)
        {
            CheckKeys(att, AttachmentKeys, "attachments");
            if (Get(att, "blocked-extensions") is { } be)
                blockedExt = ReadStrings(be, "attachments.blocked-extensions", nonEmpty: false)?.Select(e => e.Trim().TrimStart('.').ToLowerInvariant()).ToArray() ?? blockedExt;
            if (Get(att, "blocked-types") is { } bt)
                blockedTypes = ReadStrings(bt, "attachments.blocked-types", nonEmpty: false)?.Select(e => e.Trim().ToLowerInvariant()).ToArray() ?? blockedTypes;
            limits = new ArchiveLimits(
                (int)(ReadNumber(att, "archive-max-depth", 1, 16) ?? limits.MaxDepth),
                (int)(ReadNumber(att, "archive-max-entries", 1, 1_000_000) ?? limits.MaxEntries),
                ReadSize(att, "archive-max-total-size") ?? limits.MaxTotalBytes,
                ReadSize(att, "archive-max-entry-size") ?? limits.MaxEntryBytes);
        }

        var rules = new List<PolicyRule>();
        var rulesNode = Get(root, "rules");
        if (rulesNode is null)
            Error(root, "the policy has no 'rules' section; add at least one rule (an empty list 'rules: []' accepts everything)");
        else if (rulesNode is not YamlSequenceNode ruleList)
            Error(rulesNode, "'rules' must be a list of rules, each starting with '- name:'");
        else
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in ruleList.Children)
            {
                if (ReadRule(item) is { } rule)
                {
                    if (!names.Add(rule.Name)) Error(item, $"rule name '{rule.Name}' is used twice; names must be unique");
                    rules.Add(rule);
                }
            }
        }

        var settings = new PolicySettings(matcher, classes, stamps, urgency,
            new HashSet<string>(blockedExt, StringComparer.OrdinalIgnoreCase),
            new HashSet<string>(blockedTypes, StringComparer.OrdinalIgnoreCase), limits) { Revocation = ReadRevocation(Get(root, "signatures")), ArchiveClasses = ReadArchiveClasses(Get(root, "archive")) };
        return (settings, rules);
    }

    private Signatures.Revocation.RevocationSettings ReadRevocation(YamlNode? node)
    {
        var result = Signatures.Revocation.RevocationSettings.Default;
        if (node is null || AsMapping(node, "signatures") is not { } map) return result;
        CheckKeys(map, SignatureKeys, "signatures");
        if (Get(map, "crl-grace") is { } grace && ParseDuration(grace, "signatures.crl-grace") is { } span) result = result with { CrlGrace = span };
        if (Get(map, "require-revocation-data") is { } require && ReadBool(require, "signatures", "require-revocation-data") is { } required)
            result = result with { RequireRevocationData = required };
        return result;
    }

    /// <summary>archive: {classes: [report, notice]}: the classes the document archive keeps; absent: every official class; [] keeps none.</summary>
    private IReadOnlySet<DocumentClass> ReadArchiveClasses(YamlNode? node)
    {
        var result = PolicySettings.DefaultArchiveClasses;
        if (node is null || AsMapping(node, "archive") is not { } map) return result;
        CheckKeys(map, ArchiveKeys, "archive");
        if (Get(map, "classes") is not { } classesNode) return result;
        var names = ReadStrings(classesNode, "archive.classes", nonEmpty: false);
        if (names is null) return result;
        var set = new HashSet<DocumentClass>();
        foreach (var name in names)
        {
            if (name.Equals("official", StringComparison.OrdinalIgnoreCase)) set.UnionWith(PolicySettings.DefaultArchiveClasses);
            else if (WireNames.TryParseClass(name, out var cls)) set.Add(cls);
            else
            {
                var known = WireNames.AllClasses.Select(c => c.ToWireName()).Append("official").ToArray();
                var nearest = known.OrderBy(k => Distance(k, name.ToLowerInvariant())).First();
                Error(classesNode, $"unknown document class '{name}' in 'archive.classes'; did you mean '{nearest}'? Expected {string.Join(", ", known)}");
            }
        }
        return set;
    }

    /// <summary>Durations like 0, 12h, 2d, 30m; at most 30 days (a longer grace would make revocation meaningless).</summary>
    private TimeSpan? ParseDuration(YamlNode node, string key)
    {
        var text = Scalar(node, key)?.Trim().ToLowerInvariant();
        if (text is null) return null;
        if (text == "0") return TimeSpan.Zero;
        var unit = text.Length > 0 ? text[^1] : ' ';
        if (unit is 'm' or 'h' or 'd' && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            var span = unit switch { 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
            if (span <= TimeSpan.FromDays(30)) return span;
        }
        Error(node, $"'{key}' must be a duration such as 0, 30m, 12h or 2d (at most 30 days), not '{text}'");
        return null;
    }

    private IReadOnlyList<ClassKeywords> ReadClasses(YamlNode? node)
    {
        var result = PolicySettings.DefaultClasses.ToDictionary(c => c.Class);
        if (node is null || AsMapping(node, "classes") is not { } map) return result.Values.ToArray();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = ((keyNode as YamlScalarNode)?.Value ?? string.Empty);
            if (!WireNames.TryParseClass(key, out var cls) || cls == DocumentClass.Other)
            {
                Error(keyNode, $"unknown document class '{key}'; expected one of: invitation, meeting-document, report, notice, work-document");
                continue;
            }
            if (AsMapping(valueNode, $"classes.{key}") is not { } entry) continue;
            CheckKeys(entry, ClassKeys, $"classes.{key}");
            var current = result[cls];
            IEnumerable<string> Pick(string name, IReadOnlyList<string> fallback, Func<string, string> fold) =>
                Get(entry, name) is { } n ? (ReadStrings(n, $"classes.{key}.{name}", nonEmpty: false) ?? []).Select(fold).ToArray() : fallback;
            result[cls] = new ClassKeywords(cls,
                Pick("abbreviations", current.Abbreviations, Text.VietnameseText.Fold).ToArray(),
                Pick("headings", current.Headings, Text.VietnameseText.FoldWords).ToArray(),
                Pick("filenames", current.FileNames, Text.VietnameseText.FoldWords).ToArray(),
                Pick("subjects", current.Subjects, Text.VietnameseText.FoldWords).ToArray());
        }
        return result.Values.ToArray();
    }

    private PolicyRule? ReadRule(YamlNode node)
    {
        if (AsMapping(node, "rules[]") is not { } map) return null;
        CheckKeys(map, RuleKeys, "rule");
        var name = Get(map, "name") is { } n ? Scalar(n, "name") : null;
        if (string.IsNullOrWhiteSpace(name))
        {
            Error(map, "every rule needs a 'name' (e.g. name: sender-domain)");
            name = "(unnamed)";
        }
        var mode = RuleMode.Enforce;
        if (Get(map, "mode") is { } m && Scalar(m, "mode") is { } modeText && !WireNames.TryParseMode(modeText, out mode))
            Error(m, $"rule '{name}': mode must be 'enforce' or 'audit', not '{modeText}'");

        var action = RuleActionKind.None;
        if (Get(map, "action") is { } a && Scalar(a, "action") is { } actionText && (!WireNames.TryParseAction(actionText, out action) || action == RuleActionKind.None))
            Error(a, $"rule '{name}': action must be accept, reject or quarantine, not '{actionText}' (use add-header, tag-subject or copy-to for the rest)");

        var condition = Get(map, "when") is { } w ? ReadCondition(w, name) : new AllCondition([]);

        string vi = string.Empty, en = string.Empty;
        if (Get(map, "message") is { } msgNode)
        {
            if (msgNode is YamlScalarNode single) vi = en = single.Value ?? string.Empty;
            else if (AsMapping(msgNode, "message") is { } msg)
            {
                CheckKeys(msg, ["vi", "en"], "message");
                vi = Get(msg, "vi") is { } v ? Scalar(v, "message.vi") ?? string.Empty : string.Empty;
                en = Get(msg, "en") is { } e ? Scalar(e, "message.en") ?? string.Empty : string.Empty;
            }
        }
        if (action is RuleActionKind.Reject or RuleActionKind.Quarantine && vi.Length == 0 && en.Length == 0)
            Error(map, $"rule '{name}': a {action.ToWireName()} rule needs a 'message' with 'vi' and 'en' text telling the sender what to fix");

        var headers = new List<KeyValuePair<string, string>>();
        if (Get(map, "add-header") is { } h && AsMapping(h, "add-header") is { } hmap)
        {
            foreach (var (k, v) in hmap.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? string.Empty;
                var value = Scalar(v, "add-header value") ?? string.Empty;
                if (key.Length == 0 || key.Any(c => c <= ' ' || c == ':' || c > '~'))
                    Error(k, $"rule '{name}': '{key}' is not a valid header name (letters, digits and '-' only)");
                else if (value.Contains('\n') || value.Contains('\r'))
                    Error(v, $"rule '{name}': header values must be on one line");
                else if (value.Where(IsForbiddenInHeader).Cast<char?>().FirstOrDefault() is { } bad)
                    Error(v, $"rule '{name}': the value of header '{key}' contains the control character U+{(int)bad:X4}; header values may hold only printable text");
                else headers.Add(new(key, value));
            }
        }
        var tag = Get(map, "tag-subject") is { } t ? Scalar(t, "tag-subject") : null;
        var copies = new List<string>();
        if (Get(map, "copy-to") is { } c)
        {
            foreach (var address in (c is YamlScalarNode ? [Scalar(c, "copy-to") ?? string.Empty] : ReadStrings(c, "copy-to", nonEmpty: true) ?? []))
            {
                if (!MimeKit.MailboxAddress.TryParse(address, out var mailbox) || !mailbox.Address.Contains('@'))
                    Error(c, $"rule '{name}': copy-to '{address}' is not an e-mail address");
                else copies.Add(mailbox.Address);
            }
        }
        if (action == RuleActionKind.None && headers.Count == 0 && tag is null && copies.Count == 0)
            Error(map, $"rule '{name}' does nothing: give it an action (accept, reject, quarantine) or add-header, tag-subject or copy-to");

        return new PolicyRule(name, mode, condition, action, vi, en, headers, tag, copies);
    }

    private Condition ReadCondition(YamlNode node, string rule)
    {
        if (AsMapping(node, $"rule '{rule}' when") is not { } map) return new AllCondition([]);
        CheckKeys(map, ConditionKeys, "condition");
        var parts = new List<Condition>();
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var part = ReadConditionKey(key, value, rule);
            if (part is not null) parts.Add(part);
        }
        return parts.Count == 1 ? parts[0] : new AllCondition(parts);
    }

    private Condition? ReadConditionKey(string key, YamlNode value, string rule)
    {
        switch (key)
        {
            case "any":
            case "all":
                if (value is not YamlSequenceNode seq || seq.Children.Count == 0)
                {
                    Error(value, $"rule '{rule}': '{key}' takes a non-empty list of conditions");
                    return null;
                }
                var children = seq.Children.Select(c => ReadCondition(c, rule)).ToList();
                return key == "any" ? new AnyCondition(children) : new AllCondition(children);
            case "not":
                return new NotCondition(ReadCondition(value, rule));
            case "mail-from-in": return Address(AddressSource.MailFrom, true);
            case "mail-from-not-in": return Address(AddressSource.MailFrom, false);
            case "from-in": return Address(AddressSource.HeaderFrom, true);
            case "from-not-in": return Address(AddressSource.HeaderFrom, false);
            case "any-recipient-in": return Address(AddressSource.AnyRecipient, true);
            case "any-recipient-not-in": return Address(AddressSource.AnyRecipient, false);
            case "all-recipients-in": return Address(AddressSource.AllRecipients, true);
            case "class":
                return ReadClassSet(value, rule, key) is { } classes ? new ClassCondition(classes) : null;
            case "unsigned":
                return ReadClassSet(value, rule, key) is { } unsignedClasses ? new UnsignedCondition(unsignedClasses) : null;
            case "smime":
                return ReadStatusSet(value, rule, key) is { } smime ? new SmimeCondition(smime) : null;
            case "pdf-signature":
                return ReadStatusSet(value, rule, key) is { } pdf ? new PdfSignatureCondition(pdf) : null;
            case "missing-signature-role":
                return ReadRoleCondition(value, rule, key);
            case "secret": return ReadBool(value, rule, key) is { } secret ? new SecretCondition(secret) : null;
            case "blocked-attachment": return ReadBool(value, rule, key) is { } blocked ? new BlockedAttachmentCondition(blocked) : null;
            case "encrypted-archive": return ReadBool(value, rule, key) is { } enc ? new EncryptedArchiveCondition(enc) : null;
            case "unreadable": return ReadBool(value, rule, key) is { } unreadable ? new UnreadableCondition(unreadable) : null;
            case "authenticated": return ReadBool(value, rule, key) is { } auth ? new AuthenticatedCondition(auth) : null;
            case "attachment-type":
                return ReadStrings(value, key, nonEmpty: true) is { } types ? new AttachmentTypeCondition(types.Select(x => x.ToLowerInvariant()).ToHashSet()) : null;
            case "attachment-name":
                return ReadStrings(value, key, nonEmpty: true) is { } globs ? new AttachmentNameCondition(globs) : null;
            case "attachment-size-over":
                return ParseSize(value, key) is { } size ? new AttachmentSizeCondition(size) : null;
            case "urgency":
                return ReadUrgencySet(value, rule, key) is { } urgencies ? new UrgencyCondition(urgencies) : null;
            case "listener":
                if (ReadStrings(value, key, nonEmpty: true) is not { } listeners) return null;
                // A mistyped listener would silently never match.
                foreach (var unknown in listeners.Where(l => !ListenerNames.Contains(l, StringComparer.OrdinalIgnoreCase)))
                    Error(value, $"rule '{rule}': unknown listener '{unknown}' in 'listener'; expected {string.Join(", ", ListenerNames)}");
                return new ListenerCondition(listeners.ToHashSet(StringComparer.OrdinalIgnoreCase));
            default:
                return null; // already reported by CheckKeys
        }

        Condition? Address(AddressSource source, bool inSet)
        {
            if (value is YamlScalarNode { Value: "government" }) return new AddressCondition(source, new DomainSet(null), inSet);
            var list = ReadDomainList(value, key);
            if (list is null) return null;
            return new AddressCondition(source, new DomainSet(new DomainMatcher(list)), inSet);
        }
    }

    private IReadOnlyList<string>? ReadDomainList(YamlNode node, string where)
    {
        var list = ReadStrings(node, where, nonEmpty: true);
        if (list is null) return null;
        var ok = true;
        foreach (var domain in list)
        {
            if (!DomainMatcher.IsValidEntry(domain))
            {
                Error(node, $"{where}: '{domain}' is not a valid domain name (write it like 'gov.vn', 'hatinh.gov.vn' or '*.gov.vn', or use 'government')");
                ok = false;
            }
        }
        return ok ? list : null;
    }

    private HashSet<DocumentClass>? ReadClassSet(YamlNode node, string rule, string key)
    {
        var names = ReadStrings(node, key, nonEmpty: true);
        if (names is null) return null;
        var set = new HashSet<DocumentClass>();
        foreach (var name in names)
        {
            if (WireNames.TryParseClass(name, out var cls)) set.Add(cls);
            else Error(node, $"rule '{rule}': unknown document class '{name}' in '{key}'; expected invitation, meeting-document, report, notice, work-document or other");
        }
        return set;
    }

    /// <summary>missing-signature-role: [signer, organisation], or {roles: [...], classes: [...]} to look only at some documents.</summary>
    private Condition? ReadRoleCondition(YamlNode value, string rule, string key)
    {
        var rolesNode = value;
        IReadOnlySet<DocumentClass>? classes = null;
        if (value is YamlMappingNode map)
        {
            CheckKeys(map, ["roles", "classes"], $"rule '{rule}': {key}");
            if (Get(map, "classes") is { } classNode) classes = ReadClassSet(classNode, rule, $"{key}.classes");
            if (Get(map, "roles") is not { } r)
            {
                Error(value, $"rule '{rule}': '{key}' needs 'roles', e.g. roles: [signer, organisation]");
                return null;
            }
            rolesNode = r;
        }
        var names = ReadStrings(rolesNode, key, nonEmpty: true);
        if (names is null) return null;
        var roles = new HashSet<SignatureRole>();
        foreach (var name in names)
        {
            if (WireNames.TryParseRole(name, out var role) && role != SignatureRole.Timestamp) roles.Add(role);
            else Error(rolesNode, $"rule '{rule}': unknown signature role '{name}' in '{key}'; expected signer or organisation");
        }
        return new MissingSignatureRoleCondition(roles, classes);
    }

    /// <summary>Urgency levels by name; "urgent" is every level above none.</summary>
    private HashSet<Urgency>? ReadUrgencySet(YamlNode node, string rule, string key)
    {
        var names = ReadStrings(node, key, nonEmpty: true);
        if (names is null) return null;
        var set = new HashSet<Urgency>();
        foreach (var name in names)
        {
            if (string.Equals(name.Trim(), "urgent", StringComparison.OrdinalIgnoreCase)) set.UnionWith(UrgencyNames.All.Where(u => u != Urgency.None));
            else if (UrgencyNames.TryParse(name, out var urgency)) set.Add(urgency);
            else Error(node, $"rule '{rule}': unknown urgency '{name}' in '{key}'; expected urgent, {string.Join(", ", UrgencyNames.All.Select(u => u.ToWireName()))}");
        }
        return set;
    }

    private HashSet<SignatureStatus>? ReadStatusSet(YamlNode node, string rule, string key)
    {
        var names = ReadStrings(node, key, nonEmpty: true);
        if (names is null) return null;
        var set = new HashSet<SignatureStatus>();
        foreach (var name in names)
        {
            if (WireNames.TryParseStatus(name, out var status)) set.Add(status);
            else Error(node, $"rule '{rule}': unknown signature status '{name}' in '{key}'; expected none, valid, invalid, untrusted, expired, revoked, signer-mismatch or unknown");
        }
        return set;
    }

    private bool? ReadBool(YamlNode node, string rule, string key)
    {
        var text = Scalar(node, key);
        if (text is null) return null;
        if (text is "true" or "yes") return true;
        if (text is "false" or "no") return false;
        Error(node, $"rule '{rule}': '{key}' must be true or false, not '{text}'");
        return null;
    }

    private long? ReadNumber(YamlMappingNode map, string key, long min, long max)
    {
        if (Get(map, key) is not { } node || Scalar(node, key) is not { } text) return null;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        Error(node, $"'{key}' must be a whole number between {min} and {max}, not '{text}'");
        return null;
    }

    private long? ReadSize(YamlMappingNode map, string key) => Get(map, key) is { } node ? ParseSize(node, key) : null;

    /// <summary>Sizes like 30MB, 512KB, 1GB or a plain byte count.</summary>
    private long? ParseSize(YamlNode node, string key)
    {
        var text = Scalar(node, key)?.Trim().ToUpperInvariant();
        if (text is null) return null;
        long factor = 1;
        foreach (var (suffix, f) in new[] { ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1L) })
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = f;
                text = text[..^suffix.Length].Trim();
                break;
            }
        }
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 && n < long.MaxValue / factor) return n * factor;
        Error(node, $"'{key}' must be a size such as 30MB, 512KB or a number of bytes");
        return null;
    }

    private IReadOnlyList<string>? ReadStrings(YamlNode node, string where, bool nonEmpty)
    {
        if (node is YamlScalarNode scalar && scalar.Value is { Length: > 0 } single) return [single];
        if (node is not YamlSequenceNode seq)
        {
            Error(node, $"'{where}' must be a list, e.g. [a, b]");
            return null;
        }
        var list = new List<string>();
        foreach (var child in seq.Children)
        {
            if (Scalar(child, where) is { } text && text.Trim().Length > 0) list.Add(text.Trim());
            else if (child is YamlScalarNode) Error(child, $"'{where}' contains an empty item");
        }
        if (nonEmpty && list.Count == 0)
        {
            Error(node, $"'{where}' must not be empty");
            return null;
        }
        return list;
    }

    private string? Scalar(YamlNode node, string where)
    {
        if (node is YamlScalarNode scalar) return scalar.Value ?? string.Empty;
        Error(node, $"'{where}' must be a single value, not a list or mapping");
        return null;
    }

    private YamlMappingNode? AsMapping(YamlNode node, string where)
    {
        if (node is YamlMappingNode map) return map;
        Error(node, $"'{where}' must be a mapping of 'key: value' lines");
        return null;
    }

    /// <summary>
    /// Control characters (C0 such as NUL, DEL, C1 such as U+0085 NEXT LINE) and the Unicode line and
    /// paragraph separators: some mail software ends a header line at them, so a value holding one could
    /// smuggle a second header or break the message.
    /// </summary>
    private static bool IsForbiddenInHeader(char c) =>
        (char.IsControl(c) && c != '\t') || c is '\u2028' or '\u2029';

    private static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private void CheckKeys(YamlMappingNode map, IReadOnlyCollection<string> allowed, string where)
    {
        foreach (var keyNode in map.Children.Keys)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            if (key is null || !allowed.Contains(key))
            {
                var suggestion = key is null ? null : allowed.OrderBy(a => Distance(a, key)).FirstOrDefault(a => Distance(a, key) <= 3);
                Error(keyNode, $"unknown key '{key}' in {where}" + (suggestion is null ? $"; allowed: {string.Join(", ", allowed)}" : $"; did you mean '{suggestion}'?"));
            }
        }
    }

    private void Error(YamlNode? node, string message)
    {
        var line = node is null ? 1 : (int)node.Start.Line;
        var column = node is null ? 1 : (int)node.Start.Column;
        _errors.Add(new PolicyError(_file, Math.Max(line, 1), Math.Max(column, 1), message));
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
