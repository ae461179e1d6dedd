using GovGateway.Policies.Configuration;
using GovGateway.Policies.Domains;
using GovGateway.Policies.Evaluation;
using GovGateway.Policies.Rules;
using GovGateway.Policies.Signatures;
using MimeKit;

namespace GovGateway.Policies;

/// <summary>
/// A loaded, validated policy. Immutable and thread-safe: one instance serves concurrent
/// evaluations. Obtain it from <see cref="PolicyLoader.Load"/>.
/// </summary>
public sealed class Policy
{
    /// <summary>Rule name used when a message cannot be parsed at all.</summary>
    public const string MalformedRule = "malformed-message";

    private readonly PolicySettings _settings;
    private readonly IReadOnlyList<PolicyRule> _rules;
    private readonly MessageAnalyzer _analyzer;

    internal Policy(string version, string source, PolicySettings settings, IReadOnlyList<PolicyRule> rules, TrustStore trust, TimeProvider clock,
        ICrlFetcher? crlFetcher = null)
    {
        Version = version;
        Source = source;
        _settings = settings;
        _rules = rules;
        Trust = trust;
        _analyzer = new MessageAnalyzer(settings, trust, clock, crlFetcher);
    }

    /// <summary>Hex SHA-256 of the policy file's bytes.</summary>
    public string Version { get; }

    /// <summary>Path of the policy file, or "embedded:policy.yaml" for the built-in default.</summary>
    public string Source { get; }

    /// <summary>Government domains matcher (whole labels, case-insensitive, IDN-aware).</summary>
    public DomainMatcher GovernmentDomains => _settings.Government;

    /// <summary>The document classes the archive keeps, by wire name ("report", ...): policy.yaml <c>archive: classes:</c>, every official class by default.</summary>
    public IReadOnlySet<string> ArchiveClasses => _archiveClasses ??= _settings.ArchiveClasses.Select(c => c.ToWireName()).ToHashSet(StringComparer.Ordinal);
    private IReadOnlySet<string>? _archiveClasses;

    /// <summary>Trust anchors and CRLs from the trust folder.</summary>
    public TrustStore Trust { get; }

    /// <summary>Rule names in policy order, with their mode.</summary>
    public IReadOnlyList<(string Name, RuleMode Mode)> Rules => _rules.Select(r => (r.Name, r.Mode)).ToList();

    /// <summary>
    /// Early check at MAIL FROM (or RCPT) time: the first enforce reject/quarantine rule already
    /// decided by the envelope alone (e.g. sender-domain's MAIL FROM half), or null.
    /// </summary>
    public RuleHit? EvaluateSender(PolicyEnvelope env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var context = new RuleContext(env, _settings, null);
        foreach (var rule in _rules)
        {
            if (rule.Mode != RuleMode.Enforce) continue;
            var details = new List<string>();
            var result = rule.When.Evaluate(context, details);
            if (result != true) continue;
            if (rule.Action == RuleActionKind.Accept) return null;
            if (rule.Action is RuleActionKind.Reject or RuleActionKind.Quarantine) return rule.ToHit(details);
        }
        return null;
    }

    /// <summary>Evaluates a whole message (raw RFC 5322 bytes) with its envelope.</summary>
    public Verdict Evaluate(Stream message, PolicyEnvelope env, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(env);
        MimeMessage parsed;
        try
        {
            // A seekable source (the spool file) is parsed persistently: parts refer to ranges of it instead of
            // being copied into memory. Everything that reads them runs before this method returns.
            parsed = new MimeParser(message, MimeFormat.Entity, persistent: message.CanSeek).ParseMessage(ct);
        }
        catch (FormatException ex)
        {
            return Malformed(ex.Message);
        }
        // Disposed here, not left to finalizers: MimeKit's entities have them, and every undisposed message put its
        // whole parsed tree through an extra GC (about 6 MB promoted per collection under load).
        using (parsed)
        {
            var analysis = _analyzer.Analyze(parsed, ct);
            return Decide(analysis, env);
        }
    }

    /// <summary>Evaluates a message held in memory.</summary>
    public Verdict Evaluate(ReadOnlyMemory<byte> message, PolicyEnvelope env, CancellationToken ct = default)
    {
        using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(message, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(message.ToArray(), writable: false);
        return Evaluate(stream, env, ct);
    }

    private Verdict Decide(MessageAnalysis analysis, PolicyEnvelope env)
    {
        var context = new RuleContext(env, _settings, analysis);
        var hits = new List<RuleHit>();
        var enforced = new List<(PolicyRule Rule, RuleHit Hit)>();
        var accepted = false;
        foreach (var rule in _rules)
        {
            var details = new List<string>();
            if (rule.When.Evaluate(context, details) != true) continue;
            var hit = rule.ToHit(details);
            hits.Add(hit);
            if (rule.Mode != RuleMode.Enforce) continue;
            // After an enforce accept, later terminal actions no longer apply; side effects still do.
            if (accepted && rule.Action is RuleActionKind.Reject or RuleActionKind.Quarantine) continue;
            if (rule.Action == RuleActionKind.Accept) accepted = true;
            enforced.Add((rule, hit));
        }

        var decision = enforced.Any(e => e.Rule.Action == RuleActionKind.Reject) ? Decision.Reject
            : enforced.Any(e => e.Rule.Action == RuleActionKind.Quarantine) ? Decision.Quarantine
            : Decision.Accept;
        var decidingAction = decision == Decision.Reject ? RuleActionKind.Reject : RuleActionKind.Quarantine;
        var reasons = decision == Decision.Accept ? [] : enforced.Where(e => e.Rule.Action == decidingAction).Select(e => e.Hit).ToList();

        var headers = new List<KeyValuePair<string, string>>();
        var copies = new List<string>();
        string? tag = null;
        if (decision != Decision.Reject)
        {
            foreach (var (rule, _) in enforced)
            {
                headers.AddRange(rule.AddHeaders);
                copies.AddRange(rule.CopyTo);
                if (rule.TagSubject is { } t) tag = tag is null ? t : $"{tag} {t}";
            }
        }

        return new Verdict
        {
            Decision = decision,
            Hits = hits,
            Reasons = reasons,
            Classes = analysis.Classes,
            Attachments = analysis.Attachments,
            Smime = analysis.Smime,
            HeadersToAdd = headers,
            SubjectTag = tag,
            CopyTo = copies.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            PolicyVersion = Version,
            HeaderFrom = analysis.HeaderFromAddress,
            Subject = analysis.Subject,
            MessageId = analysis.MessageId,
            Urgency = analysis.Urgency,
            BodyMetadata = analysis.BodyMetadata,
        };
    }

    private Verdict Malformed(string why)
    {
        var hit = new RuleHit(MalformedRule, RuleMode.Enforce, RuleActionKind.Reject,
            "Thư không đúng định dạng thư điện tử nên không thể kiểm tra. Hãy gửi lại từ chương trình thư thông thường.",
            $"The message is not a well-formed e-mail and cannot be checked ({why}). Please send it again from a standard mail program.");
        return Verdict.Single(hit, Decision.Reject, Version);
    }
}
