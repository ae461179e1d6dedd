using GovGateway.Hosting;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Gateway.Tests.Hosting;

/// <summary>A value that does not parse is refused at start in words an administrator can act on, naming the full key.</summary>
public sealed class SettingValueProblemTests
{
    private static string Problem(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var problems = ConfigurationCheck.Problems(configuration);
        Assert.That(problems, Has.Count.EqualTo(1), string.Join(Environment.NewLine, problems));
        return problems[0];
    }

    [Test]
    public void A_mistyped_choice_names_the_valid_values_and_the_nearest()
    {
        // Choices are checked by ConfigurationCheck before binding; this keeps the whole start-up answer honest.
        Assert.That(Problem("Audit:Store", "Postgres"),
            Does.Contain("'Audit:Store'").And.Contain("Did you mean 'PostgreSQL'?").And.Contain("LiteDB, PostgreSQL"));
        Assert.That(Problem("Audit:Store", "sqlite"), Does.Contain("LiteDB, PostgreSQL").And.Not.Contain("Did you mean"));
    }

    [Test]
    public void A_switch_a_number_and_a_duration_say_what_they_take()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Problem("Smtp:Listeners:Relay:ProxyProtocol", "yes"), Is.EqualTo("Smtp:Listeners:Relay:ProxyProtocol: 'yes' is not true or false."));
            Assert.That(Problem("Smtp:Listeners:Relay:Port", "25a"), Is.EqualTo("Smtp:Listeners:Relay:Port: '25a' is not a whole number."));
            Assert.That(Problem("Evaluation:Timeout", "30s"), Does.StartWith("Evaluation:Timeout: '30s' is not a duration: write hh:mm:ss"));
            Assert.That(Problem("Smtp:ProxyHeaderTimeout", "5"), Does.StartWith("Smtp:ProxyHeaderTimeout: '5' is not a duration").And.Contain("read as days"));
            Assert.That(Problem("Evaluation:Timeout", "30"), Does.StartWith("Evaluation:Timeout: '30' is not a duration"));
        });
    }

    [Test]
    public void One_value_given_for_a_list_says_how_to_write_a_list()
    {
        Assert.That(Problem("Smtp:Listeners:Relay:TrustedProxies", "10.0.0.10"),
            Does.StartWith("Smtp:Listeners:Relay:TrustedProxies: '10.0.0.10' is one value where a list is expected").And.Contain("--Key:0="));
    }
}
