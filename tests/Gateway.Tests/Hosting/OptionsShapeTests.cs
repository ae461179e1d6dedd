using System.Reflection;
using GovGateway.Access;
using GovGateway.Access.Auth;
using GovGateway.Delivery;
using GovGateway.Hosting;
using GovGateway.Listeners;
using GovGateway.Pipeline;
using GovGateway.Revocation;
using GovGateway.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;
using GovGateway.WebConsole;

namespace Gateway.Tests.Hosting;

/// <summary>One default per setting, one binding of Delivery:Upstream, one shape for every options type (issue 20.2).</summary>
public sealed class OptionsShapeTests
{
    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Test]
    public void The_smtp_sections_engine_keys_bind_onto_the_engines_options_whose_defaults_they_keep()
    {
        Assert.That(typeof(SmtpSettings).GetProperties().Select(p => p.Name).Intersect(typeof(SmtpServerOptions).GetProperties().Select(p => p.Name)),
            Is.EquivalentTo(new[] { "HostName", "Listeners" }), "no engine limit is declared (with a default) a second time in the host");
        Assert.That(SmtpSettings.EngineKeys.Keys, Is.SupersetOf(new[] { "MaxMessageSize", "MaxRecipients", "MaxTextLineLength", "CommandTimeout", "DataTimeout",
            "MinDataRateBytesPerSecond", "SessionTimeout", "MaxConnections", "MaxConnectionsPerIp", "MaxBadCommands", "MaxAuthFailuresPerIp", "AuthFailureDelay" }),
            "the keys README.md documents");

        var settings = SmtpSettings.FromConfiguration(Config(new() { ["Smtp:DataTimeout"] = "00:01:00", ["Smtp:Listeners:Relay:Port"] = "25" }));
        var engine = settings.EngineOptions();
        var defaults = new SmtpServerOptions();
        Assert.Multiple(() =>
        {
            Assert.That(engine.DataTimeout, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(settings.Listeners.Relay.Port, Is.EqualTo(25));
            Assert.That(engine.MaxBadCommands, Is.EqualTo(defaults.MaxBadCommands));
            // The figures README.md documents.
            Assert.That((defaults.DataTimeout, defaults.MaxBadCommands, defaults.MaxAuthFailuresPerIp, defaults.MaxMessageSize),
                Is.EqualTo((TimeSpan.FromMinutes(10), 10, 12, 52428800L)));
        });
        var ex = Assert.Throws<ArgumentException>(() => SmtpSettings.FromConfiguration(Config(new() { ["Smtp:MaxRecipients"] = "many" })));
        Assert.That(ex!.Message, Does.Contain("MaxRecipients"));
    }

    [Test]
    public void Pass_through_auth_reads_the_bound_delivery_upstream()
    {
        var delivery = DeliveryOptions.FromConfiguration(Config(new()
        {
            ["Delivery:Upstream:Host"] = " mail.hatinh.gov.vn ",
            ["Delivery:Upstream:Port"] = "587",
            ["Delivery:Upstream:AcceptInvalidCertificates"] = "true",
        }));
        var endpoint = UpstreamEndpoint.ForPassThroughAuth(delivery.Upstream);
        Assert.That((endpoint.Host, endpoint.Port, endpoint.Security), Is.EqualTo(("mail.hatinh.gov.vn", 587, SecureSocketOptions.StartTls)),
            "users' passwords cross: unset Security is StartTls, as for the gateway's own login");
        Assert.That(endpoint.CertificateValidation, Is.Not.Null);
        Assert.That(delivery.Upstream.EffectiveSecurity, Is.EqualTo(UpstreamSecurity.StartTlsWhenAvailable), "delivery without a login stays opportunistic");

        var ex = Assert.Throws<ArgumentException>(() => UpstreamEndpoint.ForPassThroughAuth(new UpstreamOptions()));
        Assert.That(ex!.Message, Does.Contain("Delivery:Upstream:Host"));
    }

    private static readonly (string Section, Func<IConfiguration, object> Read)[] Sections =
    [
        ("Smtp", c => SmtpSettings.FromConfiguration(c)),
        ("Delivery", c => DeliveryOptions.FromConfiguration(c)),
        ("Access", c => AccessOptions.FromConfiguration(c)),
        ("Audit", c => GovGateway.Hosting.AuditSettings.FromConfiguration(c)),
        ("Evaluation", c => GovGateway.Pipeline.EvaluationOptions.FromConfiguration(c)),
        ("Node", c => NodeOptions.FromConfiguration(c)),
        ("Console", c => GovGateway.WebConsole.ConsoleOptions.FromConfiguration(c)),
        ("CrlFetch", c => GovGateway.Revocation.CrlFetchOptions.FromConfiguration(c)),
        ("Archive", c => GovGateway.Archiving.ArchiveSettings.FromConfiguration(c)),
    ];

    [Test]
    public void Every_section_refuses_a_key_it_does_not_have_and_reads_an_empty_configuration()
    {
        Assert.That(ConfigurationCheck.Sections.Keys, Is.EquivalentTo(Sections.Select(s => s.Section)), "every checked section is read here");
        Assert.Multiple(() =>
        {
            foreach (var (section, read) in Sections)
            {
                Assert.That(read(Config([])), Is.Not.Null, section);
                var ex = Assert.Throws<ArgumentException>(() => read(Config(new() { [$"{section}:NoSuchSetting"] = "1" })), section);
                Assert.That(ex!.Message, Does.Contain("NoSuchSetting"), section);
            }
        });
    }

    [Test]
    public void Every_options_type_has_the_same_shape()
    {
        foreach (var type in ConfigurationCheck.Sections.Values)
        {
            Assert.That(type.GetField("SectionName")?.GetValue(null), Is.EqualTo(ConfigurationCheck.Sections.Single(s => s.Value == type).Key), type.Name);
            // The libraries' options (audit, archive) know their checks, not the configuration system: the host binds them.
            var binder = type == typeof(GovGateway.Audit.AuditOptions) ? typeof(AuditSettings)
                : type == typeof(GovGateway.Archive.ArchiveOptions) ? typeof(GovGateway.Archiving.ArchiveSettings) : type;
            Assert.That(binder.GetMethod("FromConfiguration", BindingFlags.Public | BindingFlags.Static, [typeof(IConfiguration), typeof(bool)])?.ReturnType, Is.EqualTo(type), type.Name);
            Assert.That(type.GetMethod("Validate", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)?.ReturnType, Is.EqualTo(typeof(IReadOnlyList<string>)), type.Name);
        }
    }

    [Test]
    public void The_start_up_check_returns_every_problem_not_the_first()
    {
        var problems = ConfigurationCheck.Problems(Config(new()
        {
            ["Access:OwnDomains:0"] = "bad_domain.gov.vn",
            ["Access:InternalNetworks:0"] = "10.0.0.1/8",
            ["Audit:BatchSize"] = "0",
            ["Audit:CommitDelay"] = "00:01:00",
            ["Smtp:MaxRecipients"] = "0",
            ["Node:Name"] = "has space",
        }));
        Assert.That(problems, Has.Count.EqualTo(6), string.Join("\n", problems));
        Assert.That(problems, Has.Some.Contains("Access:OwnDomains").And.Some.Contains("Access:InternalNetworks").And.Some.Contains("Audit:BatchSize")
            .And.Some.Contains("Audit:CommitDelay").And.Some.Contains("Smtp:MaxRecipients").And.Some.Contains("Node:Name"));
        Assert.That(ConfigurationCheck.Problems(Config([])), Is.Empty);
    }
}
