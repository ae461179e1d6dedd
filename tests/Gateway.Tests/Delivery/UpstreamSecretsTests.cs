using GovGateway.Configuration;
using GovGateway.Delivery;
using GovGateway.Hosting;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Gateway.Tests.Delivery;

/// <summary>Delivery:Upstream credentials: from files and systemd credentials, and TLS whenever they are used.</summary>
[NonParallelizable] // sets $CREDENTIALS_DIRECTORY for the process
public class UpstreamSecretsTests
{
    private string _dir = null!;
    private string? _savedCredentials;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("upstream-secrets-").FullName;
        _savedCredentials = Environment.GetEnvironmentVariable(Secrets.CredentialsDirectoryVariable);
        Environment.SetEnvironmentVariable(Secrets.CredentialsDirectoryVariable, null);
    }

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable(Secrets.CredentialsDirectoryVariable, _savedCredentials);
        Directory.Delete(_dir, recursive: true);
    }

    private static DeliveryOptions Load(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Delivery:Upstream:Host", "mail.hatinh.gov.vn");
        return DeliveryOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
    }

    [Test]
    public void Password_comes_from_a_file_without_its_line_break_and_credentials_mean_starttls()
    {
        var file = Path.Combine(_dir, "upstream.pw");
        File.WriteAllText(file, "Mật khẩu 123\n");
        var options = Load(new() { ["Delivery:Upstream:UserName"] = "relay@hatinh.gov.vn", ["Delivery:Upstream:PasswordFile"] = file });
        Assert.That(options.Upstream.Password, Is.EqualTo("Mật khẩu 123"));
        Assert.That(options.Upstream.Security, Is.Null);
        Assert.That(options.Upstream.EffectiveSecurity, Is.EqualTo(UpstreamSecurity.StartTls), "credentials: TLS required by default");

        Assert.That(Load(new()).Upstream.EffectiveSecurity, Is.EqualTo(UpstreamSecurity.StartTlsWhenAvailable), "no credentials: opportunistic TLS");
    }

    [Test]
    public void Systemd_credentials_directory_is_used_for_relative_names_and_by_default()
    {
        File.WriteAllText(Path.Combine(_dir, "relay-pw"), "from-named-credential");
        File.WriteAllText(Path.Combine(_dir, "upstream-password"), "from-default-credential\r\n");
        Environment.SetEnvironmentVariable(Secrets.CredentialsDirectoryVariable, _dir);

        Assert.That(Load(new() { ["Delivery:Upstream:UserName"] = "relay", ["Delivery:Upstream:PasswordFile"] = "relay-pw" }).Upstream.Password,
            Is.EqualTo("from-named-credential"));
        Assert.That(Load(new() { ["Delivery:Upstream:UserName"] = "relay" }).Upstream.Password, Is.EqualTo("from-default-credential"));
    }

    [Test]
    public void Missing_conflicting_or_unreadable_secrets_and_cleartext_logins_are_errors()
    {
        var missing = Assert.Throws<ArgumentException>(() => Load(new() { ["Delivery:Upstream:UserName"] = "relay" }));
        Assert.That(missing!.Message, Does.Contain("Delivery:Upstream:PasswordFile"));

        var file = Path.Combine(_dir, "pw");
        File.WriteAllText(file, "x");
        var both = Assert.Throws<ArgumentException>(() => Load(new()
        {
            ["Delivery:Upstream:UserName"] = "relay", ["Delivery:Upstream:Password"] = "x", ["Delivery:Upstream:PasswordFile"] = file,
        }));
        Assert.That(both!.Message, Does.Contain("Both"));

        var absent = Assert.Throws<ArgumentException>(() => Load(new()
        {
            ["Delivery:Upstream:UserName"] = "relay", ["Delivery:Upstream:PasswordFile"] = Path.Combine(_dir, "nope"),
        }));
        Assert.That(absent!.Message, Does.Contain("cannot read"));

        Assert.Throws<ArgumentException>(() => Load(new()
        {
            ["Delivery:Upstream:UserName"] = "relay", ["Delivery:Upstream:PasswordFile"] = "relative-without-credentials-dir",
        }));

        var clear = Assert.Throws<ArgumentException>(() => Load(new()
        {
            ["Delivery:Upstream:UserName"] = "relay", ["Delivery:Upstream:PasswordFile"] = file, ["Delivery:Upstream:Security"] = "None",
        }));
        Assert.That(clear!.Message, Does.Contain("in clear"));
    }
}
