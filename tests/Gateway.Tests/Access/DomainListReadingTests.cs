using GovGateway.Access;
using GovGateway.Access.Relay;
using GovGateway.Policies;
using GovGateway.Smtp;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Gateway.Tests.Access;

/// <summary>
/// The same domain text reads the same in appsettings.json (Access:LocalDomains, Access:OwnDomains) and in
/// policy.yaml (domains: and the address conditions): each case goes through both files as an administrator writes them.
/// </summary>
public class DomainListReadingTests
{
    private static readonly object[] Cases =
    [
        new object[] { "*.hatinh.gov.vn", "stnmt.hatinh.gov.vn", true },
        new object[] { "*.hatinh.gov.vn", "hatinh.gov.vn", false },
        new object[] { "*.hatinh.gov.vn", "bacninh.gov.vn", false },
        new object[] { "hatinh.gov.vn", "hatinh.gov.vn", true },
        new object[] { "hatinh.gov.vn", "stnmt.HATINH.gov.vn", true },
        new object[] { "hatinh.gov.vn", "hatinh-gov.vn", false },
        new object[] { "hatinh.gov.vn", "hatinh.gov.vn.example.com", false },
        new object[] { "bộ.gov.vn", "xn--b-8xm.gov.vn", true },
        new object[] { "xn--b-8xm.gov.vn", "vp.BỘ.gov.vn", true },
        new object[] { "*.bộ.gov.vn", "bộ.gov.vn", false },
    ];

    [TestCaseSource(nameof(Cases))]
    public void Local_domains_in_appsettings_read_the_entry_as_policy_yaml_does(string entry, string domain, bool matches)
    {
        var config = Write(entry);
        using var cleanup = new Cleanup(config);
        var relay = new RelayPolicy(AccessOptions.FromConfiguration(new ConfigurationBuilder().AddJsonFile(Path.Combine(config, "appsettings.json")).Build()));
        var policy = PolicyLoader.Load(config);
        Assert.That(policy.Errors, Is.Empty, string.Join("\n", policy.Errors));

        var reply = relay.CheckRecipient(ListenerRole.Relay, authenticated: false, $"vanthu@{domain}");
        var governmentByPolicy = policy.Policy!.GovernmentDomains.Matches($"vanthu@{domain}");
        var refusedByRule = policy.Policy.EvaluateSender(new GovGateway.Policies.PolicyEnvelope($"vanthu@{domain}", [])) is not null;
        Assert.Multiple(() =>
        {
            Assert.That(reply.Code == 250, Is.EqualTo(matches), $"Access:LocalDomains [{entry}], RCPT {domain}: {reply}");
            Assert.That(governmentByPolicy, Is.EqualTo(matches), $"policy.yaml domains.government [{entry}], {domain}");
            Assert.That(refusedByRule, Is.EqualTo(!matches), $"policy.yaml mail-from-not-in [{entry}], {domain}");
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void Own_domains_read_the_entry_the_same_way(string entry, string domain, bool matches)
    {
        var options = AccessOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Access:OwnDomains:0"] = entry }).Build());
        Assert.That(new SenderOrigin(options).ClaimsOwnDomain($"vanthu@{domain}"), Is.EqualTo(matches));
    }

    private static string Write(string entry)
    {
        var dir = Directory.CreateTempSubdirectory("house-domains-").FullName;
        File.WriteAllText(Path.Combine(dir, "appsettings.json"), $$"""{ "Access": { "LocalDomains": [ "{{entry}}" ] } }""");
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), $"""
            domains:
              government: ["{entry}"]
            rules:
              - name: outside
                when:
                  mail-from-not-in: ["{entry}"]
                action: reject
                message: {"{"}vi: "Ngoài danh sách", en: "Not listed"{"}"}
            """);
        return dir;
    }

    private sealed class Cleanup(string dir) : IDisposable
    {
        public void Dispose() => Directory.Delete(dir, recursive: true);
    }
}
