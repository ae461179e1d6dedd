using GovGateway.Policies.Tests.Fixtures;

namespace GovGateway.Policies.Tests;

/// <summary>Loads the shipped default policy with the test PKI's root and CRL in the trust folder.</summary>
public abstract class PolicyFixture
{
    protected static readonly TestPki Pki = TestPki.Instance;
    private static readonly Lazy<Policy> DefaultPolicy = new(() => LoadPolicy(null));

    protected static Policy Default => DefaultPolicy.Value;

    protected static Policy LoadPolicy(string? yaml)
    {
        var dir = Pki.WriteConfig(yaml);
        var result = PolicyLoader.Load(dir);
        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        return result.Policy!;
    }

    protected static Verdict Evaluate(MimeKit.MimeMessage message, PolicyEnvelope? envelope = null, Policy? policy = null)
    {
        using var stream = new MemoryStream(TestMessages.Bytes(message));
        return (policy ?? Default).Evaluate(stream, envelope ?? TestMessages.Envelope());
    }

    protected static string Describe(Verdict v) =>
        $"{v.Decision}: {string.Join(" | ", v.Hits.Select(h => h.ToString()))}; smime={v.Smime}; attachments=" +
        string.Join("; ", v.Attachments.Select(a => $"{a.FileName} {a.DetectedType} {a.Class} {a.ClassifiedBy} {a.DocumentSymbol} sig={a.Signature?.Status} [{string.Join(",", a.Signature?.Signatures.Select(s => s.Detail) ?? [])}] {string.Join(",", a.Findings)}"));
}
