using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using GovGateway.Hosting;
using GovGateway.Policies;

namespace GovGateway.Cli.Policies;

/// <summary>`gateway policy check` and `gateway policy test`: validate a policy and try it on a message.</summary>
internal static class PolicyCommands
{
    public static Command Create()
    {
        var policy = new Command("policy", "Check the policy file or test it on a message");
        policy.Subcommands.Add(CreateCheck());
        policy.Subcommands.Add(CreateTest());
        return policy;
    }

    private static Command CreateCheck()
    {
        var check = new Command("check", "Validate policy.yaml and the trust folder; exit 0 when usable, 1 with the errors, 2 when --config is not a configuration folder");
        var config = CommonOptions.Config();
        check.Options.Add(config);
        check.SetAction(r =>
        {
            var dir = Path.GetFullPath(r.GetValue(config)!);
            if (Hosting.ConfigurationCheck.ConfigFolderProblem(dir) is { } folderProblem)
            {
                Console.Error.WriteLine("error: " + folderProblem);
                return CommandLine.Usage;
            }
            var result = PolicyLoader.Load(dir);
            if (result.Policy is null)
            {
                foreach (var error in result.Errors) Console.Error.WriteLine(error);
                Console.Error.WriteLine($"policy is not valid: {result.Errors.Count} error(s)");
                return 1;
            }
            var p = result.Policy;
            Console.WriteLine($"policy OK: {p.Source}");
            Console.WriteLine($"  version (sha256): {p.Version}");
            Console.WriteLine($"  government domains: {string.Join(", ", p.GovernmentDomains.Domains)}");
            Console.WriteLine($"  rules: {string.Join(", ", p.Rules.Select(x => $"{x.Name} ({x.Mode.ToWireName()})"))}");
            Console.WriteLine($"  trust anchors: {p.Trust.Anchors.Count}{string.Concat(p.Trust.Anchors.Select(a => $"\n    {a.SubjectDN}"))}");
            Console.WriteLine($"  CRLs: {p.Trust.Crls.Count}{string.Concat(p.Trust.Crls.Select(c => $"\n    {c.IssuerDN} (next update {c.NextUpdate:yyyy-MM-dd})"))}");
            if (p.Trust.Anchors.Count == 0)
                Console.WriteLine("  note: no trust anchors in trust/; every signature will be 'untrusted' (see config/trust/README.md)");
            return 0;
        });
        return check;
    }

    private static Command CreateTest()
    {
        var test = new Command("test",
            $"Evaluate a message file (.eml) against the policy and print the verdict. Exit status: {CommandLine.Ok} accept, " +
            $"{ExitQuarantine} quarantine, {ExitReject} reject, {CommandLine.Finding} the policy has errors, {CommandLine.Usage} usage (bad option, file not found)");
        var file = new Argument<string>("FILE") { Description = "The message, as raw RFC 5322 bytes (.eml)" };
        var mailFrom = new Option<string>("--mail-from") { Description = "Envelope sender (MAIL FROM)", Required = true };
        var rcpt = new Option<string[]>("--rcpt")
        {
            Description = "Envelope recipient (RCPT TO); repeat for several",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var user = new Option<string?>("--auth-user") { Description = "Authenticated SMTP user, if any (staff sending through submission or smtps)" };
        var listener = new Option<string?>("--listener")
        {
            Description = "Listener the message arrives on: relay (the MX, no login; default without --auth-user), " +
                          "submission (default with --auth-user) or smtps",
        };
        listener.AcceptOnlyFromAmong("relay", "submission", "smtps");
        var json = new Option<bool>("--json") { Description = "Print the verdict as JSON" };
        var config = CommonOptions.Config();
        test.Arguments.Add(file);
        test.Options.Add(mailFrom);
        test.Options.Add(rcpt);
        test.Options.Add(user);
        test.Options.Add(listener);
        test.Options.Add(config);
        test.Options.Add(json);
        test.SetAction(r =>
        {
            var path = r.GetValue(file)!;
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"error: message file not found: {path}");
                return 2;
            }
            var dir = Path.GetFullPath(r.GetValue(config)!);
            if (Hosting.ConfigurationCheck.ConfigFolderProblem(dir) is { } folderProblem)
            {
                Console.Error.WriteLine("error: " + folderProblem);
                return CommandLine.Usage;
            }
            var loaded = PolicyLoader.Load(dir);
            if (loaded.Policy is null)
            {
                foreach (var error in loaded.Errors) Console.Error.WriteLine(error);
                Console.Error.WriteLine("error: the policy has errors; fix them first (gateway policy check)");
                return 1;
            }
            var login = r.GetValue(user);
            var via = r.GetValue(listener) ?? (login is null ? "relay" : "submission");
            // The gateway offers no AUTH on the relay listener and requires it on the other two.
            if (login is not null && via == "relay")
            {
                Console.Error.WriteLine("error: --auth-user with --listener relay: the relay listener (MX) has no login; use --listener submission or smtps");
                return 2;
            }
            if (login is null && via != "relay")
            {
                Console.Error.WriteLine($"error: --listener {via} requires --auth-user: staff must log in on {via}");
                return 2;
            }
            var envelope = new PolicyEnvelope(r.GetValue(mailFrom)!, r.GetValue(rcpt) ?? [], login, null, via);
            Verdict verdict;
            try
            {
                using var stream = File.OpenRead(path);
                verdict = loaded.Policy.Evaluate(stream, envelope);
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"error: cannot read {path}: {ex.Message}");
                return 2;
            }
            Console.OutputEncoding = Encoding.UTF8;
            Console.WriteLine(r.GetValue(json) ? ToJson(verdict) : ToText(verdict));
            return ExitStatus(verdict.Decision);
        });
        return test;
    }

    /// <summary>`policy test` exit status when the policy would quarantine the message.</summary>
    public const int ExitQuarantine = 3;
    /// <summary>`policy test` exit status when the policy would reject the message.</summary>
    public const int ExitReject = 4;

    /// <summary>The decision as `policy test`'s exit status, so scripts can test a policy without reading its output.</summary>
    public static int ExitStatus(Decision decision) => decision switch
    {
        Decision.Accept => CommandLine.Ok,
        Decision.Quarantine => ExitQuarantine,
        Decision.Reject => ExitReject,
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>The verdict as JSON with kebab-case values (the audit log uses the same names).</summary>
    public static string ToJson(Verdict v)
    {
        var model = new
        {
            decision = v.Decision.ToWireName(),
            reasons = v.Reasons.Select(h => new { rule = h.Rule, message = h.Reason, vi = h.MessageVi, en = h.MessageEn }),
            hits = v.Hits.Select(h => new { rule = h.Rule, mode = h.Mode.ToWireName(), action = h.Action.ToWireName(), message = h.Reason }),
            classes = v.Classes.Select(c => c.ToWireName()).Order(StringComparer.Ordinal),
            smime = new
            {
                status = v.Smime.Status.ToWireName(),
                signer = v.Smime.SignerSubject,
                address = v.Smime.SignerAddress,
                issuer = v.Smime.Issuer,
                serial = v.Smime.Serial,
                detail = v.Smime.Detail,
            },
            attachments = v.Attachments.Select(a => new
            {
                filename = a.FileName,
                contentType = a.ContentType,
                detectedType = a.DetectedType,
                size = a.Size,
                sha256 = a.Sha256,
                @class = a.Class.ToWireName(),
                classifiedBy = a.ClassifiedBy,
                symbol = a.DocumentSymbol,
                secret = a.SecretMarking,
                blocked = a.Blocked,
                encrypted = a.Encrypted,
                unreadable = a.Unreadable,
                encoding = a.TextEncoding.ToWireName(),
                scanned = a.Scanned,
                urgency = a.Urgency.ToWireName(),
                document = PolicyDocumentJson.From(a.Metadata),
                findings = a.Findings,
                signature = a.Signature is null ? null : new
                {
                    status = a.Signature.Status.ToWireName(),
                    signatures = a.Signature.Signatures.Select(s => new
                    {
                        status = s.Status.ToWireName(),
                        role = s.Role.ToWireName(),
                        field = s.FieldName,
                        signer = s.SignerSubject,
                        issuer = s.Issuer,
                        serial = s.Serial,
                        notBefore = s.NotBefore,
                        notAfter = s.NotAfter,
                        signingTime = s.SigningTime,
                        signingTimeSource = s.SigningTimeSource,
                        revocation = s.Revocation,
                        subFilter = s.SubFilter,
                        coversWholeFile = s.CoversWholeFile,
                        laterChanges = s.LaterChanges,
                        detail = s.Detail,
                    }),
                },
            }),
            headersToAdd = v.HeadersToAdd.Select(h => new { name = h.Key, value = h.Value }),
            subjectTag = v.SubjectTag,
            copyTo = v.CopyTo,
            policyVersion = v.PolicyVersion,
            from = v.HeaderFrom,
            subject = v.Subject,
            messageId = v.MessageId,
            urgency = v.Urgency.ToWireName(),
            document = PolicyDocumentJson.From(v.BodyMetadata),
        };
        return JsonSerializer.Serialize(model, JsonOptions);
    }

    /// <summary>A readable verdict for administrators.</summary>
    public static string ToText(Verdict v)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"decision: {v.Decision.ToWireName()}");
        foreach (var reason in v.Reasons) sb.AppendLine($"  reason [{reason.Rule}]: {reason.MessageVi}\n      {reason.MessageEn}");
        foreach (var hit in v.Hits.Where(h => !v.Reasons.Contains(h)))
            sb.AppendLine($"  matched [{hit.Rule}] ({hit.Mode.ToWireName()}, {hit.Action.ToWireName()})");
        sb.AppendLine($"from: {v.HeaderFrom}   subject: {v.Subject}");
        sb.AppendLine($"classes: {(v.Classes.Count == 0 ? "(none)" : string.Join(", ", v.Classes.Select(c => c.ToWireName())))}");
        if (v.Urgency != Urgency.None) sb.AppendLine($"urgency: {v.Urgency.ToWireName()} ({v.Urgency.ToMark()}): delivered ahead of the queue, marked Priority: urgent");
        if (v.BodyMetadata is { } body) sb.AppendLine($"body document: {PolicyDocumentJson.Describe(body)}");
        sb.Append($"s/mime: {v.Smime.Status.ToWireName()}");
        if (v.Smime.SignerSubject is not null) sb.Append($" by {v.Smime.SignerSubject} <{v.Smime.SignerAddress}> issued by {v.Smime.Issuer}, serial {v.Smime.Serial}");
        if (v.Smime.Detail is not null) sb.Append($" ({v.Smime.Detail})");
        sb.AppendLine();
        foreach (var a in v.Attachments)
        {
            sb.AppendLine($"attachment: {a.FileName} [{a.ContentType}, detected {a.DetectedType}, {a.Size} bytes]");
            sb.AppendLine($"  class: {a.Class.ToWireName()} (by {a.ClassifiedBy}){(a.DocumentSymbol is null ? "" : $", symbol {a.DocumentSymbol}")}{(a.SecretMarking ? ", SECRET STAMP" : "")}");
            if (a.Unreadable) sb.AppendLine("  status: unreadable (its content could not be read; see the findings)");
            if (a.TextEncoding != TextEncoding.Unicode) sb.AppendLine($"  encoding: {a.TextEncoding.ToWireName()} (decoded to Unicode before classification)");
            if (a.Scanned) sb.AppendLine("  scanned: image-only PDF, classified by name and subject (no OCR)");
            if (a.Urgency != Urgency.None) sb.AppendLine($"  urgency: {a.Urgency.ToWireName()} ({a.Urgency.ToMark()})");
            if (a.Metadata is { } m) sb.AppendLine($"  document: {PolicyDocumentJson.Describe(m)}");
            if (a.Signature is not null)
            {
                sb.AppendLine($"  pdf signature: {a.Signature.Status.ToWireName()}");
                foreach (var s in a.Signature.Signatures)
                {
                    sb.AppendLine($"    {s.Status.ToWireName()} {s.Role.ToWireName()} [{s.FieldName}]: {s.SignerSubject} / {s.Issuer}, serial {s.Serial}, valid {s.NotBefore:yyyy-MM-dd} to {s.NotAfter:yyyy-MM-dd}, {s.SubFilter}, " +
                                  $"signed {s.SigningTime:u} ({s.SigningTimeSource ?? "no time"}), revocation {s.Revocation ?? "-"}, covers whole file: {s.CoversWholeFile}{(s.Detail is null ? "" : $" ({s.Detail})")}");
                    foreach (var change in s.LaterChanges ?? []) sb.AppendLine($"      later update, {change}");
                }
            }
            foreach (var f in a.Findings) sb.AppendLine($"  finding: {f}");
        }
        foreach (var h in v.HeadersToAdd) sb.AppendLine($"add header: {h.Key}: {h.Value}");
        if (v.SubjectTag is not null) sb.AppendLine($"subject tag: {v.SubjectTag}");
        foreach (var c in v.CopyTo) sb.AppendLine($"copy to: {c}");
        sb.Append($"policy version: {v.PolicyVersion}");
        return sb.ToString();
    }
}
