using GovGateway.Archive.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static GovGateway.Archive.Tests.Support.Corpus;

namespace GovGateway.Archive.Tests;

/// <summary>What only the embedded store has: its files on disk closed to other users, and an index rebuilt from archive.db.</summary>
[TestFixture, System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EmbeddedStoreTests
{
    [Test]
    public async Task Files_are_0600_and_folders_0700()
    {
        await using var under = ArchiveUnderTest.Embedded();
        await under.StoreAsync(Invitation);
        var root = under.Folder!;
        var file = Path.Combine(root, "files", Invitation.Id[..2], Invitation.Id);
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(Invitation.Bytes));
        Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(Path.Combine(root, "archive.db")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        foreach (var dir in new[] { root, Path.Combine(root, "files"), Path.GetDirectoryName(file)!, Path.Combine(root, "index") })
            Assert.That(File.GetUnixFileMode(dir), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), dir);
        Assert.That(Directory.EnumerateFiles(Path.Combine(root, "tmp")), Is.Empty, "no temporary file is left behind");
    }

    [Test]
    public async Task A_lost_index_is_rebuilt_from_the_database_at_open()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gwarchive-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            using (var archive = DocumentArchive.OpenEmbedded(folder, NullLoggerFactory.Instance))
                foreach (var s in All) await archive.StoreAsync(s.Item, new MemoryStream(s.Bytes));
            Directory.Delete(Path.Combine(folder, "index"), recursive: true);
            using (var archive = DocumentArchive.OpenEmbedded(folder, NullLoggerFactory.Instance))
            {
                var hits = archive.Search(new ArchiveQuery { Text = "\"chuyen doi so\"" }).Hits.Select(h => h.Document.Id);
                Assert.That(hits, Is.EquivalentTo(new[] { Invitation.Id, Report.Id }));
                Assert.That(archive.Search(new ArchiveQuery { Symbol = "12/UBND-VX" }).Hits.Single().Document.Id, Is.EqualTo(Letter.Id));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void A_second_process_cannot_open_the_same_store()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gwarchive-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            using var first = DocumentArchive.OpenEmbedded(folder, NullLoggerFactory.Instance);
            Assert.Catch<Exception>(() => DocumentArchive.OpenEmbedded(folder, NullLoggerFactory.Instance).Dispose());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
