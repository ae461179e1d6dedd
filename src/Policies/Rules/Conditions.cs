using GovGateway.Policies.Domains;
using GovGateway.Policies.Text;

namespace GovGateway.Policies.Rules;

/// <summary>
/// A rule condition. Evaluation is three-valued: null means "cannot be decided yet" (the message
/// is not known at MAIL FROM time), so the same rules serve the early sender check and the full check.
/// Conditions add human-readable details (offending addresses, file names) for rule messages.
/// </summary>
internal abstract class Condition
{
    public abstract bool? Evaluate(RuleContext context, List<string> details);
}

internal sealed class AllCondition(IReadOnlyList<Condition> parts) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        var unknown = false;
        var collected = new List<string>();
        foreach (var part in parts)
        {
            var result = part.Evaluate(context, collected);
            if (result == false) return false;
            if (result is null) unknown = true;
        }
        if (unknown) return null;
        details.AddRange(collected);
        return true;
    }
}

internal sealed class AnyCondition(IReadOnlyList<Condition> parts) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        var unknown = false;
        var matched = false;
        foreach (var part in parts)
        {
            var result = part.Evaluate(context, details);
            if (result == true) matched = true;
            if (result is null) unknown = true;
        }
        return matched ? true : unknown ? null : false;
    }
}

internal sealed class NotCondition(Condition inner) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details) => !inner.Evaluate(context, []);
}

/// <summary>A set of domains: the policy's government domains or an explicit list.</summary>
internal sealed class DomainSet(DomainMatcher? explicitList)
{
    public bool Contains(RuleContext context, string address) =>
        (explicitList ?? context.Settings.Government).Matches(address);
}

internal enum AddressSource { MailFrom, HeaderFrom, AnyRecipient, AllRecipients }

/// <summary>mail-from-in / mail-from-not-in / from-in / from-not-in / any-recipient-not-in / all-recipients-in ...</summary>
internal sealed class AddressCondition(AddressSource source, DomainSet set, bool inSet) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        switch (source)
        {
            case AddressSource.MailFrom:
                return Check(context, context.Envelope.MailFrom, details);
            case AddressSource.HeaderFrom:
                if (context.Message is null) return null;
                return Check(context, context.Message.HeaderFromAddress ?? string.Empty, details);
            case AddressSource.AnyRecipient:
            {
                if (context.Envelope.Recipients.Count == 0) return null;
                var hits = context.Envelope.Recipients.Where(r => set.Contains(context, r) == inSet).ToList();
                details.AddRange(hits);
                return hits.Count > 0;
            }
            default:
            {
                if (context.Envelope.Recipients.Count == 0) return null;
                return context.Envelope.Recipients.All(r => set.Contains(context, r) == inSet);
            }
        }
    }

    private bool Check(RuleContext context, string address, List<string> details)
    {
        var result = address.Length > 0 && set.Contains(context, address);
        if (result == inSet)
        {
            details.Add(address.Length == 0 ? "<>" : address);
            return true;
        }
        return false;
    }
}

internal sealed class ClassCondition(IReadOnlySet<DocumentClass> classes) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        // No details: the class is context, not something the sender has to fix.
        if (context.Message is null) return null;
        return context.Message.Classes.Any(classes.Contains);
    }
}

internal sealed class SmimeCondition(IReadOnlySet<SignatureStatus> statuses) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details) =>
        context.Message is null ? null : statuses.Contains(context.Message.Smime.Status);
}

/// <summary>True when any PDF attachment's signature status is in the set ("none" = a PDF without signature).</summary>
internal sealed class PdfSignatureCondition(IReadOnlySet<SignatureStatus> statuses) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        if (context.Message is null) return null;
        var hits = context.Message.Attachments
            .Where(a => a.DetectedType == "pdf" && statuses.Contains(a.Signature?.Status ?? SignatureStatus.None))
            .Select(a => a.FileName).ToList();
        details.AddRange(hits);
        return hits.Count > 0;
    }
}

/// <summary>
/// True when the message carries a document of the given classes and is not signed: neither a valid
/// S/MIME signature by the From address, nor every such document a PDF with a valid signature.
/// </summary>
internal sealed class UnsignedCondition(IReadOnlySet<DocumentClass> classes) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        var message = context.Message;
        if (message is null) return null;
        if (!message.Classes.Any(classes.Contains)) return false;
        if (message.Smime.Status == SignatureStatus.Valid) return false;
        // Per document, what is wrong: the sender has to know what to fix. A bad S/MIME signature is said once.
        var smime = message.Smime.Status == SignatureStatus.None ? null : Detail.Signature("S/MIME", message.Smime.Status);
        // A document in the body itself can only be signed by S/MIME.
        if (message.BodyClasses.Any(classes.Contains))
        {
            details.Add(smime ?? Detail.Bilingual("nội dung thư: không có chữ ký S/MIME", "message body: no S/MIME signature"));
            return true;
        }
        var unsigned = message.Attachments
            .Where(a => classes.Contains(a.Class))
            .Where(a => a.Signature is not { Status: SignatureStatus.Valid })
            .Select(a => Detail.Signature(a.FileName, a.Signature?.Status ?? SignatureStatus.None)).ToList();
        if (unsigned.Count > 0 && smime is not null) details.Add(smime);
        details.AddRange(unsigned);
        return unsigned.Count > 0;
    }
}

/// <summary>
/// True when an official document (of <c>classes</c>, else of any official class) that is a PDF lacks a valid
/// signature of one of the roles, e.g. an outgoing report without the organisation's signature after the signer's.
/// Documents that are not PDFs are left to <see cref="UnsignedCondition"/>.
/// </summary>
internal sealed class MissingSignatureRoleCondition(IReadOnlySet<SignatureRole> roles, IReadOnlySet<DocumentClass>? classes) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        if (context.Message is null) return null;
        var found = false;
        foreach (var attachment in context.Message.Attachments)
        {
            if (attachment.DetectedType != "pdf" || !(classes?.Contains(attachment.Class) ?? attachment.Class.IsOfficialDocument())) continue;
            var present = attachment.Signature?.Signatures.Where(s => s.Status == SignatureStatus.Valid).Select(s => s.Role).ToHashSet() ?? [];
            foreach (var role in roles.Where(r => !present.Contains(r)).Order())
            {
                found = true;
                details.Add(role == SignatureRole.Organisation
                    ? Detail.Bilingual($"{attachment.FileName}: thiếu chữ ký số hợp lệ của cơ quan, tổ chức", $"{attachment.FileName}: no valid signature of the organisation")
                    : Detail.Bilingual($"{attachment.FileName}: thiếu chữ ký số hợp lệ của người ký", $"{attachment.FileName}: no valid signature of the signer"));
            }
        }
        return found;
    }
}

internal sealed class SecretCondition(bool expected) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        if (context.Message is null) return null;
        var files = context.Message.Attachments.Where(a => a.SecretMarking).Select(a => a.FileName).ToList();
        if (context.Message.BodySecret) files.Add("body");
        if (expected) details.AddRange(files);
        return (files.Count > 0) == expected;
    }
}

internal sealed class BlockedAttachmentCondition(bool expected) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        if (context.Message is null) return null;
        var blocked = context.Message.Attachments.Where(a => a.Blocked).ToList();
        if (expected)
            details.AddRange(blocked.SelectMany(a => a.Findings.Select(Content.InspectionFindings.Describe).OfType<string>().DefaultIfEmpty(a.FileName)));
        return (blocked.Count > 0) == expected;
    }
}

internal sealed class EncryptedArchiveCondition(bool expected) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        if (context.Message is null) return null;
        var files = context.Message.Attachments.Where(a => a.Encrypted).Select(a => a.FileName).ToList();
        if (expected) details.AddRange(files);
        return (files.Count > 0) == expected;
    }
}

/// <summary>True when an attachment could not be read (see <see cref="AttachmentReport.Unreadable"/>).</summary>
internal sealed class UnreadableCondition(bool expected) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        if (context.Message is null) return null;
        var files = context.Message.Attachments.Where(a => a.Unreadable).Select(a => a.FileName).ToList();
        if (expected) details.AddRange(files);
        return (files.Count > 0) == expected;
    }
}

internal sealed class AttachmentTypeCondition(IReadOnlySet<string> types) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        if (context.Message is null) return null;
        var files = context.Message.Attachments.Where(a => types.Contains(a.DetectedType)).Select(a => a.FileName).ToList();
        details.AddRange(files);
        return files.Count > 0;
    }
}

/// <summary>
/// File-name globs (* and ?), compared folded so case and diacritics do not matter. The names are the sender's: the
/// patterns run without backtracking, so "*a*a*a*a*b" against a long name costs time linear in the name, not a power of it.
/// </summary>
internal sealed class AttachmentNameCondition(IReadOnlyList<string> globs) : Condition
{
    private readonly System.Text.RegularExpressions.Regex[] _patterns = globs
        .Select(g => new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(VietnameseText.Fold(g)).Replace("\\*", ".*").Replace("\\?", ".") + "$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Singleline
            | System.Text.RegularExpressions.RegexOptions.NonBacktracking))
        .ToArray();

    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        if (context.Message is null) return null;
        var files = context.Message.Attachments
            .Where(a => _patterns.Any(p => p.IsMatch(VietnameseText.Fold(a.FileName))))
            .Select(a => a.FileName).ToList();
        details.AddRange(files);
        return files.Count > 0;
    }
}

internal sealed class AttachmentSizeCondition(long maxBytes) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        if (context.Message is null) return null;
        var files = context.Message.Attachments.Where(a => a.Size > maxBytes).Select(a => a.FileName).ToList();
        details.AddRange(files);
        return files.Count > 0;
    }
}

internal sealed class AuthenticatedCondition(bool expected) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details) =>
        !string.IsNullOrEmpty(context.Envelope.AuthenticatedUser) == expected;
}

internal sealed class ListenerCondition(IReadOnlySet<string> listeners) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details) =>
        context.Envelope.Listener is { } name && listeners.Contains(name);
}

/// <summary>True when the message's urgency (the highest of its documents') is one of the levels.</summary>
internal sealed class UrgencyCondition(IReadOnlySet<Urgency> levels) : Condition
{
    public override bool? Evaluate(RuleContext context, List<string> details)
    {
        if (context.Message is null) return null;
        if (!levels.Contains(context.Message.Urgency)) return false;
        if (context.Message.Urgency != Urgency.None) details.Add(context.Message.Urgency.ToMark());
        return true;
    }
}
