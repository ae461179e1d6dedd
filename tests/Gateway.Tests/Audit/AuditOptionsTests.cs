using GovGateway.Audit;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Gateway.Tests.Audit;

[TestFixture]
public class AuditOptionsTests
{
    [Test]
    public void Binds_from_the_Audit_section_of_appsettings_json()
    {
        using var dir = new TempFolder();
        var file = Path.Combine(dir.Path, "appsettings.json");
        File.WriteAllText(file, """
            { "Audit": { "RetentionDays": 365, "BatchSize": 250, "FlushInterval": "00:00:00.200", "CheckpointPages": 2000, "CommitDelay": "00:00:00.005" } }
            """);
        var config = new ConfigurationBuilder().AddJsonFile(file).Build();
        var options = config.GetSection(AuditOptions.SectionName).Get<AuditOptions>()!;
        Assert.That(options.RetentionDays, Is.EqualTo(365));
        Assert.That(options.BatchSize, Is.EqualTo(250));
        Assert.That(options.FlushInterval, Is.EqualTo(TimeSpan.FromMilliseconds(200)));
        Assert.That(options.CheckpointPages, Is.EqualTo(2000));
        Assert.That(options.CommitDelay, Is.EqualTo(TimeSpan.FromMilliseconds(5)));
        Assert.That(options.JournalSegmentBytes, Is.EqualTo(8 * 1024 * 1024), "unset values keep their defaults");
    }

    [Test]
    public void A_commit_delay_outside_0_to_10_seconds_is_refused_with_its_setting_named()
    {
        Assert.That(new AuditOptions { CommitDelay = TimeSpan.FromSeconds(-1) }.Validate(), Has.Some.Contains("Audit:CommitDelay"));
        Assert.That(new AuditOptions { CommitDelay = TimeSpan.FromMinutes(1) }.Validate(), Has.Some.Contains("Audit:CommitDelay"));
        Assert.That(new AuditOptions { CommitDelay = TimeSpan.Zero }.Validate(), Is.Empty);
    }
}
