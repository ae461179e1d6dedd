using System.Text.Json;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.PolicyCases;

/// <summary>
/// Each folder here is a message and what `gateway policy test --json` must say of it under the shipped configuration
/// (see README.md): the gateway binary itself is run, so a case shows what an administrator trying the message sees.
/// </summary>
[TestFixture]
public sealed class PolicyCaseTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "PolicyCases");

    public static IEnumerable<TestCaseData> Cases() =>
        Directory.GetDirectories(Folder).Order(StringComparer.Ordinal)
            .Select(dir => new TestCaseData(Path.GetFileName(dir)).SetName(Path.GetFileName(dir)));

    [TestCaseSource(nameof(Cases)), CancelAfter(120_000)]
    public async Task Policy_test_says_what_the_case_expects(string name)
    {
        var dir = Path.Combine(Folder, name);
        var eml = Path.Combine(dir, "case.eml");
        using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "case.expected.json")));
        var unknown = expected.RootElement.EnumerateObject().Select(p => p.Name).Except(["exitStatus", "verdict"]).ToList();
        Assert.That(unknown, Is.Empty, "case.expected.json holds exitStatus and verdict only");

        var result = await GatewayBinary.RunAsync(["policy", "test", eml, .. await EnvelopeAsync(dir, eml), "--config", RepoPaths.ShippedConfig, "--json"], stdin: null);

        Assert.That(result.ExitCode, Is.EqualTo(expected.RootElement.GetProperty("exitStatus").GetInt32()), result.All);
        using var verdict = JsonDocument.Parse(result.StdOut);
        var differences = ExpectedJson.Differences(expected.RootElement.GetProperty("verdict"), verdict.RootElement, "verdict");
        Assert.That(differences, Is.Empty, "policy test said:\n" + result.StdOut);
    }

    /// <summary>The arguments in case.args, or else the message's From and To as MAIL FROM and RCPT TO on the relay listener.</summary>
    private static async Task<string[]> EnvelopeAsync(string dir, string eml)
    {
        var args = Path.Combine(dir, "case.args");
        if (File.Exists(args))
            return (await File.ReadAllTextAsync(args)).Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var message = await MimeMessage.LoadAsync(eml);
        return ["--mail-from", message.From.Mailboxes.Single().Address, .. message.To.Mailboxes.SelectMany(m => new[] { "--rcpt", m.Address })];
    }
}
