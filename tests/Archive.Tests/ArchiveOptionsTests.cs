using GovGateway.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovGateway.Archive.Tests;

public sealed class ArchiveOptionsTests
{
    [Test]
    public void Defaults_are_valid_and_off()
    {
        var options = new ArchiveOptions();
        Assert.That(options.Validate(), Is.Empty);
        Assert.That((options.Enabled, options.RetentionDays, options.Path), Is.EqualTo((false, (int?)null, "archive")));
        Assert.That(options.FullPath("/var/lib/gw"), Is.EqualTo("/var/lib/gw/archive"));
        Assert.That(new ArchiveOptions { Path = "/srv/archive" }.FullPath("/var/lib/gw"), Is.EqualTo("/srv/archive"));
    }

    [Test]
    public void Every_problem_is_named_by_its_key()
    {
        var options = new ArchiveOptions
        {
            RetentionDays = 0,
            RetentionDaysByClass = new() { ["decision"] = -5, ["invitation"] = 30 },
            Path = " ",
        };
        var problems = options.Validate();
        Assert.That(problems, Has.Count.EqualTo(3));
        Assert.That(problems, Has.Some.Contains("Archive:RetentionDays"));
        Assert.That(problems, Has.Some.Contains("Archive:RetentionDaysByClass:decision"));
        Assert.That(problems, Has.Some.Contains("Archive:Path"));
        Assert.Throws<ArgumentException>(() => DocumentArchive.Open(options, "/tmp", new AuditOptions(), NullLoggerFactory.Instance));
    }

    [Test]
    public void Retention_per_class_overrides_the_default()
    {
        var retention = ArchiveRetention.From(new ArchiveOptions { RetentionDays = 365, RetentionDaysByClass = new() { ["Decision"] = 3650 } });
        Assert.That(retention.DaysFor("decision"), Is.EqualTo(3650));
        Assert.That(retention.DaysFor("invitation"), Is.EqualTo(365));
        Assert.That(ArchiveRetention.From(new ArchiveOptions()).DaysFor("decision"), Is.Null);
    }

    [Test]
    public void The_audit_store_setting_chooses_the_archive_store()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gwarchive-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            using (var archive = DocumentArchive.Open(new ArchiveOptions { Enabled = true }, folder, new AuditOptions { Store = AuditStoreKind.LiteDB }, NullLoggerFactory.Instance))
                Assert.That(archive.Stats().Documents, Is.Zero);
            Assert.That(File.Exists(Path.Combine(folder, "archive", "archive.db")));
            var ex = Assert.Throws<ArgumentException>(() => DocumentArchive.Open(new ArchiveOptions(), folder, new AuditOptions { Store = AuditStoreKind.PostgreSQL }, NullLoggerFactory.Instance))!;
            Assert.That(ex.Message, Does.Contain("Audit:ConnectionString"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
