using System.Security.Cryptography;
using GovGateway.Policies.Tests.Fixtures;

namespace GovGateway.Policies.Tests;

public sealed class LoaderTests : PolicyFixture
{
    private static string ShippedPolicyPath()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "config", "policy.yaml"))) dir = dir.Parent;
        Assert.That(dir, Is.Not.Null, "config/policy.yaml not found above the test directory");
        return Path.Combine(dir!.FullName, "config", "policy.yaml");
    }

    [Test]
    public void EmbeddedDefaultIsTheShippedFile()
    {
        Assert.That(PolicyLoader.DefaultPolicyBytes(), Is.EqualTo(File.ReadAllBytes(ShippedPolicyPath())));
    }

    [Test]
    public void AbsentPolicyFileUsesEmbeddedDefault()
    {
        var dir = Directory.CreateTempSubdirectory("empty-config").FullName;
        var result = PolicyLoader.Load(dir);
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Policy!.Source, Is.EqualTo("embedded:policy.yaml"));
        Assert.That(result.Policy.Version, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(PolicyLoader.DefaultPolicyBytes()))));
        Assert.That(result.Policy.Rules.Select(r => r.Name), Is.EqualTo(new[] { "sender-domain", "secret", "blocked-attachment", "unreadable-outside", "recipient-domain", "signature", "unsigned-invitation" }));
        Assert.That(result.Policy.GovernmentDomains.Matches("a@hatinh.gov.vn"), Is.True);
        Assert.That(result.Policy.Trust.Anchors, Is.Empty);
    }

    [Test]
    public void AnUnclosedFlowSequenceIsAPositionedErrorNotAnException()
    {
        var dir = Pki.WriteConfig(File.ReadAllText(ShippedPolicyPath()).Replace("action: reject", "action: [broken"));
        var result = PolicyLoader.Load(dir);
        Assert.That(result.Policy, Is.Null);
        Assert.That(result.Errors, Is.Not.Empty);
        Assert.That(result.Errors[0].ToString(), Does.Contain("policy.yaml:").And.Contain("YAML syntax error"));
    }

    [Test]
    public void ShippedFileLoadsWithTrustFolder()
    {
        var dir = Pki.WriteConfig(File.ReadAllText(ShippedPolicyPath()));
        var result = PolicyLoader.Load(dir);
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Policy!.Version, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ShippedPolicyPath())))));
        Assert.That(result.Policy.Trust.Anchors, Has.Count.EqualTo(1));
        Assert.That(result.Policy.Trust.Crls, Has.Count.EqualTo(2), "the intermediate's and the root's");
    }

    private static IReadOnlyList<PolicyError> Errors(string yaml)
    {
        var result = PolicyLoader.Load(Pki.WriteConfig(yaml));
        Assert.That(result.Policy, Is.Null, "a policy with errors must never be used");
        Assert.That(result.Errors, Is.Not.Empty);
        return result.Errors;
    }

    [Test]
    public void UnknownKeyIsReportedWithPositionAndSuggestion()
    {
        var errors = Errors("rules:\n  - name: a\n    acton: reject\n    message: {vi: x, en: y}\n");
        var e = errors.First(e => e.Message.Contains("acton"));
        Assert.That((e.Line, e.Column), Is.EqualTo((3, 5)));
        Assert.That(e.Message, Does.Contain("did you mean 'action'"));
        Assert.That(e.ToString(), Does.Match(@"policy\.yaml:3:5: unknown key 'acton'"));
    }

    [Test]
    public void UnknownClassAndStatusAreReported()
    {
        var errors = Errors("rules:\n  - name: a\n    when:\n      class: [invitaton]\n      smime: [valid, brokn]\n    action: reject\n    message: {vi: x, en: y}\n");
        Assert.That(errors.Select(e => (e.Line, e.Message.Contains("invitaton"))), Does.Contain((4, true)));
        Assert.That(errors.Select(e => (e.Line, e.Message.Contains("brokn"))), Does.Contain((5, true)));
    }

    [TestCase("rules:\n  - name: a\n    mode: sometimes\n    action: accept\n", 3, "mode must be")]
    [TestCase("rules:\n  - name: a\n    action: drop\n", 3, "action must be")]
    [TestCase("rules:\n  - name: a\n    action: reject\n", 2, "needs a 'message'")]
    [TestCase("rules:\n  - name: a\n    when:\n      secret: maybe\n    action: accept\n", 4, "true or false")]
    [TestCase("rules:\n  - name: a\n    when:\n      attachment-size-over: lots\n    action: accept\n", 4, "size such as")]
    [TestCase("domains:\n  government: [\"not a domain!\"]\nrules: []\n", 2, "not a valid domain")]
    [TestCase("rules:\n  - name: a\n    action: accept\n  - name: a\n    action: accept\n", 4, "used twice")]
    [TestCase("rules:\n  - name: a\n    add-header: {\"Bad Header\": x}\n", 3, "not a valid header name")]
    [TestCase("rules:\n  - name: a\n    copy-to: not-an-address\n", 3, "not an e-mail address")]
    [TestCase("rules:\n  - name: a\n", 2, "does nothing")]
    [TestCase("rules:\n  - name: a\n    action: [accept\n", 3, "YAML syntax error")]
    [TestCase("rules:\n  - name: a\n    when:\n      listener: [submision]\n    action: accept\n", 4, "unknown listener 'submision'")]
    [TestCase("domains: {government: [gov.vn]}\n", 1, "no 'rules' section")]
    [TestCase("classes:\n  memo:\n    headings: [X]\nrules: []\n", 2, "unknown document class")]
    public void BadValuesAreExplained(string yaml, int line, string text)
    {
        var errors = Errors(yaml);
        Assert.That(errors.Any(e => e.Line == line && e.Message.Contains(text)), Is.True, string.Join("\n", errors));
        Assert.That(errors.All(e => e.File.EndsWith("policy.yaml", StringComparison.Ordinal)));
    }

    [Test]
    public void UnreadableTrustFileIsAnError()
    {
        var dir = Pki.WriteConfig();
        File.WriteAllText(Path.Combine(dir, "trust", "broken.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        var result = PolicyLoader.Load(dir);
        Assert.That(result.Policy, Is.Null);
        Assert.That(result.Errors.Single().File, Does.EndWith("broken.pem"));
    }

    [Test]
    public void WireNamesAreKebabCase()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Decision.Accept.ToWireName(), Is.EqualTo("accept"));
            Assert.That(Decision.Quarantine.ToWireName(), Is.EqualTo("quarantine"));
            Assert.That(DocumentClass.MeetingDocument.ToWireName(), Is.EqualTo("meeting-document"));
            Assert.That(DocumentClass.WorkDocument.ToWireName(), Is.EqualTo("work-document"));
            Assert.That(SignatureStatus.SignerMismatch.ToWireName(), Is.EqualTo("signer-mismatch"));
            Assert.That(RuleMode.Audit.ToWireName(), Is.EqualTo("audit"));
        });
    }

    // ---- Bad administrator edits (issue 15 §7) and syntax errors that say where (issue 14 §10) ----

    private const string AcceptRule = "  - name: a\n    action: accept\n";

    [Test, CancelAfter(20_000)]
    public void FortyThousandNestedBracketsAreAPositionedErrorNotAStackOverflow()
    {
        // Before the guard this overflowed the stack in YamlDotNet's tree builder: the test host died.
        var yaml = "rules:\n" + AcceptRule + "    when:\n      any: " + new string('[', 40_000) + new string(']', 40_000) + "\n";
        var errors = Errors(yaml);
        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
        Assert.That(errors[0].Line, Is.EqualTo(5));
        Assert.That(errors[0].ToString(), Does.Match(@"policy\.yaml:5:\d+: the policy is nested more than 64 levels deep"));
    }

    [Test, CancelAfter(20_000)]
    public void DeepBlockIndentationIsAPositionedError()
    {
        var yaml = new System.Text.StringBuilder("rules:\n" + AcceptRule + "    when:\n");
        for (var i = 0; i < 200; i++) yaml.Append(new string(' ', 6 + 2 * i)).Append("not:\n");
        yaml.Append(new string(' ', 6 + 400)).Append("secret: true\n");
        var errors = Errors(yaml.ToString());
        Assert.That(errors.Single().Message, Does.StartWith("the policy is nested more than 64 levels deep"));
        Assert.That(errors.Single().Line, Is.InRange(60, 70));
    }

    [Test, CancelAfter(20_000)]
    public void AnAliasBombInConditionsIsRefusedQuickly()
    {
        // Each level names the previous one twice: 2^40 conditions if walked. The tree keeps aliases as
        // shared nodes, but reading the conditions walks every path.
        var yaml = new System.Text.StringBuilder("rules:\n" + AcceptRule + "    when:\n      all:\n        - &c0 {secret: true}\n");
        for (var i = 1; i <= 40; i++) yaml.Append($"        - &c{i} {{any: [*c{i - 1}, *c{i - 1}]}}\n");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var errors = Errors(yaml.ToString());
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
        Assert.That(errors[0].Message, Does.Contain("aliases ('*name') expand the policy to more than 100,000 items"));
        Assert.That(errors[0].Line, Is.InRange(6, 46));
    }

    [Test]
    public void AFewAliasesStillWork()
    {
        var yaml = "rules:\n  - name: a\n    when: &w {secret: true}\n    action: reject\n    message: {vi: x, en: y}\n" +
                   "  - name: b\n    when: {not: *w}\n    action: accept\n";
        var result = PolicyLoader.Load(Pki.WriteConfig(yaml));
        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
    }

    [Test]
    public void AnOversizedPolicyFileIsRefusedWithoutParsing()
    {
        var yaml = "rules: []\n" + string.Concat(Enumerable.Repeat("# " + new string('x', 98) + "\n", 11_000));
        var errors = Errors(yaml);
        Assert.That(errors.Single().ToString(), Does.Match(@"policy\.yaml:1:1: the policy file is 1,111,010 bytes; a policy may be at most 1,048,576 bytes"));
    }

    [TestCase("\\0", "0000")]
    [TestCase("\\N", "0085")]
    [TestCase("\\L", "2028")]
    [TestCase("\\x1b[2J", "001B")]
    public void AddHeaderValuesRefuseControlCharacters(string escaped, string codePoint)
    {
        var errors = Errors("rules:\n  - name: a\n    action: accept\n    add-header:\n      X-GovVN-Note: \"ok" + escaped + "more\"\n");
        Assert.That(errors.Single().ToString(), Does.Match($@"policy\.yaml:5:\d+: rule 'a': the value of header 'X-GovVN-Note' contains the control character U\+{codePoint}"));
    }

    [Test]
    public void AnUnclosedBracketIsReportedOnItsOwnLineOnce()
    {
        var shipped = File.ReadAllLines(ShippedPolicyPath()).ToList();
        var line = shipped.FindIndex(l => l.Contains("class: [invitation, meeting-document, report, notice, work-document]", StringComparison.Ordinal));
        Assert.That(line, Is.GreaterThan(0));
        shipped[line] = shipped[line].Replace("work-document]", "work-document", StringComparison.Ordinal);
        var errors = Errors(string.Join("\n", shipped) + "\n");
        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
        Assert.That(errors[0].Line, Is.EqualTo(line + 1));
        Assert.That(errors[0].Message, Does.Contain("this '[' is never closed"));
    }

    [Test]
    public void ADuplicateKeyIsAPositionedErrorNotAnException()
    {
        var errors = Errors("rules: []\nrules: []\n");
        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
        Assert.That(errors[0].Line, Is.EqualTo(2));
        Assert.That(errors[0].Message, Does.Contain("'rules'").And.Contain("twice"));
    }

    [Test]
    public void ABadlyIndentedLineIsExplainedInPlainWords()
    {
        var errors = Errors("rules:\n  - name: a\n    action: accept\n   mode: audit\n");
        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
        Assert.That(errors[0].Line, Is.EqualTo(4), errors[0].ToString());
        Assert.That(errors[0].Message, Does.Contain("indent"), errors[0].ToString());
    }

    [Test]
    public void AnUnclosedQuoteIsReportedOnItsOwnLine()
    {
        var errors = Errors("rules:\n  - name: a\n    message:\n      vi: \"Thư bị từ chối\n      en: rejected\n    action: reject\n");
        Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
        Assert.That(errors[0].Message, Does.Contain("quote \" opened here is never closed"), errors[0].ToString());
        Assert.That((errors[0].Line, errors[0].Column), Is.EqualTo((4, 11)), errors[0].ToString());
    }
}

public sealed class CustomPolicyTests : PolicyFixture
{
    [Test]
    public void AuditRuleRecordsButChangesNothing()
    {
        var policy = LoadPolicy("""
            rules:
              - name: no-docx
                mode: audit
                when:
                  attachment-type: [docx]
                action: reject
                message: {vi: "Không gửi DOCX", en: "No DOCX"}
                add-header: {X-Would: reject}
            """);
        var v = Evaluate(TestMessages.Message("x", "y", ("a.docx", "application/octet-stream", TestDocuments.Docx("Xin chào"))), policy: policy);
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept));
        Assert.That(v.Hits.Single().Rule, Is.EqualTo("no-docx"));
        Assert.That(v.Hits.Single().Mode, Is.EqualTo(RuleMode.Audit));
        Assert.That(v.Hits.Single().Action, Is.EqualTo(RuleActionKind.Reject));
        Assert.That(v.HeadersToAdd, Is.Empty);
        Assert.That(v.Reasons, Is.Empty);
    }

    [Test]
    public void QuarantineTagAndCopy()
    {
        var policy = LoadPolicy("""
            rules:
              - name: unauthenticated-large
                when:
                  authenticated: false
                  attachment-size-over: 1KB
                  any-recipient-in: [example.org]
                action: quarantine
                message: {vi: "Chờ kiểm tra", en: "Held for review"}
              - name: copy-reports
                when:
                  class: [report]
                tag-subject: "[BC]"
                copy-to: [luutru@hatinh.gov.vn]
                add-header: {X-Archive: "yes"}
            """);
        var message = TestMessages.Message("Báo cáo", "x", ("bc.pdf", "application/pdf", TestPdf.Create(TestDocuments.Report())));
        var v = Evaluate(message, TestMessages.Envelope("a@example.org") with { AuthenticatedUser = null }, policy);
        Assert.That(v.Decision, Is.EqualTo(Decision.Quarantine), Describe(v));
        Assert.That(v.Reasons.Single().Rule, Is.EqualTo("unauthenticated-large"));
        Assert.That(v.CopyTo, Is.EqualTo(new[] { "luutru@hatinh.gov.vn" }));
        Assert.That(v.SubjectTag, Is.EqualTo("[BC]"));
        Assert.That(v.HeadersToAdd, Does.Contain(new KeyValuePair<string, string>("X-Archive", "yes")));

        var authenticated = Evaluate(message, TestMessages.Envelope("a@example.org"), policy);
        Assert.That(authenticated.Decision, Is.EqualTo(Decision.Accept));
    }

    [Test]
    public void EarlyAcceptStopsLaterRejects()
    {
        var policy = LoadPolicy("""
            domains:
              government: [gov.vn, chinhphu.vn]
            rules:
              - name: partner
                when:
                  mail-from-in: [partner.example]
                action: accept
              - name: only-gov
                when:
                  mail-from-not-in: government
                action: reject
                message: {vi: "Không", en: "No"}
              - name: named
                when:
                  not:
                    attachment-name: ["*.pdf"]
                  listener: [submission]
                add-header: {X-No-Pdf: "1"}
            """);
        Assert.That(policy.GovernmentDomains.Matches("a@vpcp.chinhphu.vn"), Is.True);
        var v = Evaluate(TestMessages.Message("x", "y"), TestMessages.Envelope() with { MailFrom = "a@partner.example" }, policy);
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
        Assert.That(v.Hits.Select(h => h.Rule), Is.EqualTo(new[] { "partner", "only-gov", "named" }));
        Assert.That(v.HeadersToAdd.Single().Key, Is.EqualTo("X-No-Pdf"));
        Assert.That(policy.EvaluateSender(new PolicyEnvelope("a@partner.example", [])), Is.Null);
        Assert.That(policy.EvaluateSender(new PolicyEnvelope("a@other.example", []))?.Rule, Is.EqualTo("only-gov"));
    }

    [Test]
    public void PdfSignatureAndSmimeConditions()
    {
        var policy = LoadPolicy("""
            rules:
              - name: bad-pdf
                when:
                  pdf-signature: [invalid, untrusted, expired, revoked]
                action: quarantine
                message: {vi: "Chữ ký PDF lỗi: {details}", en: "Broken PDF signature: {details}"}
            """);
        var expired = TestPdf.CreateSigned(Pki.Expired, TestDocuments.Report());
        var v = Evaluate(TestMessages.Message("x", "y", ("het-han.pdf", "application/pdf", expired)), policy: policy);
        Assert.That(v.Decision, Is.EqualTo(Decision.Quarantine));
        Assert.That(v.Reasons.Single().MessageEn, Is.EqualTo("Broken PDF signature: het-han.pdf"));
    }
}
