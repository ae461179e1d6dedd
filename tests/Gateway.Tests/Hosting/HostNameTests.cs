using Gateway.Tests.Support;
using GovGateway.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.Hosting;

/// <summary>Smtp:HostName: the machine's fully qualified name by default, a warning when it is not one, and bounces say it.</summary>
[TestFixture]
public sealed class HostNameTests
{
    private sealed class Recorder : ILogger
    {
        public List<string> Warnings { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning) Warnings.Add(formatter(state, exception));
        }
    }

    private static string EtcHostname(string content)
    {
        var path = Path.Combine(TempFolders.Create("hostname"), "hostname");
        File.WriteAllText(path, content);
        return path;
    }

    [Test]
    public void The_resolvers_canonical_name_is_used_when_the_kernel_name_is_short()
    {
        var log = new Recorder();
        var name = HostNames.Resolve("", log, () => "mx1", n => n == "mx1" ? "mx1.stttt.hatinh.gov.vn" : null, EtcHostname("mx1\n"));
        Assert.That(name, Is.EqualTo("mx1.stttt.hatinh.gov.vn"));
        Assert.That(log.Warnings, Is.Empty);
    }

    [Test]
    public void Etc_hostname_is_used_when_the_resolver_knows_no_better()
    {
        var log = new Recorder();
        var name = HostNames.Resolve(null, log, () => "mx1", _ => "mx1", EtcHostname("# set by the installer\nmx1.stttt.hatinh.gov.vn\n"));
        Assert.That(name, Is.EqualTo("mx1.stttt.hatinh.gov.vn"));
        Assert.That(log.Warnings, Is.Empty);
    }

    [Test]
    public void A_short_machine_name_is_used_with_a_warning_saying_what_to_set()
    {
        var log = new Recorder();
        var name = HostNames.Resolve("", log, () => "vm", _ => null, EtcHostname("vm\n"));
        Assert.That(name, Is.EqualTo("vm"));
        Assert.That(log.Warnings.Single(), Does.Contain("'vm' is not a fully qualified domain name").And.Contain("Set Smtp:HostName"));
    }

    [TestCase("gw", true)]
    [TestCase("localhost.localdomain", true)]
    [TestCase("192.0.2.1", true)]
    [TestCase("mail.stttt.hatinh.gov.vn", false)]
    public void A_configured_name_warns_only_when_not_fully_qualified(string configured, bool warns)
    {
        var log = new Recorder();
        Assert.That(HostNames.Resolve(configured, log, () => throw new AssertionException("not asked")), Is.EqualTo(configured));
        Assert.That(log.Warnings.Count, Is.EqualTo(warns ? 1 : 0), string.Join("\n", log.Warnings));
    }

    [Test, CancelAfter(90_000)]
    public async Task Bounces_name_the_gateway_by_its_smtp_host_name()
    {
        await using var upstream = await Upstream.StartNewAsync();
        upstream.FailWith("550 5.1.1 no such user", "khongco");
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Smtp:HostName"] = "mx.stttt.hatinh.gov.vn",
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        });
        var sent = await Swaks.SendAsync(gateway.Relay.Port, Mail.Sender, "khongco@stttt.hatinh.gov.vn", null, "--header", "Subject: Thư", "--body", "x");
        Assert.That(sent.All, Does.Contain("250 2.0.0 OK"), sent.All);

        var received = await upstream.WaitForAsync(1, TimeSpan.FromSeconds(30));
        var bounce = received.Single(m => m.Recipients.Contains(Mail.Sender));
        Assert.That(bounce.MailFrom, Is.EqualTo("").Or.EqualTo("<>"), "a bounce has the null sender");
        var dsn = MimeMessage.Load(new MemoryStream(bounce.Bytes));
        Assert.That(dsn.From.Mailboxes.Single().Address, Is.EqualTo("postmaster@mx.stttt.hatinh.gov.vn"));
        Assert.That(bounce.Text, Does.Contain("Reporting-MTA: dns; mx.stttt.hatinh.gov.vn"));
        Assert.That(dsn.MessageId, Does.EndWith("@mx.stttt.hatinh.gov.vn"));
    }
}
