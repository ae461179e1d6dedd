using Microsoft.Extensions.Logging.Abstractions;

namespace GovGateway.Archive.Tests.Support;

/// <summary>One store opened empty for a test, with the means to damage what it holds the way someone with access could.</summary>
internal sealed class ArchiveUnderTest : IAsyncDisposable
{
    private readonly string? _folder;
    private readonly PostgresCluster? _pg;
    private readonly string? _database;

    private ArchiveUnderTest(IDocumentArchive archive, string? folder, PostgresCluster? pg, string? database)
    {
        Archive = archive;
        _folder = folder;
        _pg = pg;
        _database = database;
    }

    public IDocumentArchive Archive { get; private set; }
    public string? Folder => _folder;

    public static ArchiveUnderTest Embedded()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gwarchive-" + Guid.NewGuid().ToString("N")[..10]);
        return new ArchiveUnderTest(DocumentArchive.OpenEmbedded(folder, NullLoggerFactory.Instance), folder, null, null);
    }

    public static async Task<ArchiveUnderTest> PostgresAsync(PostgresCluster pg)
    {
        var cs = await pg.CreateDatabaseAsync("archive");
        var database = new Npgsql.NpgsqlConnectionStringBuilder(cs).Database!;
        return new ArchiveUnderTest(DocumentArchive.OpenPostgres(cs, NullLoggerFactory.Instance), null, pg, database);
    }

    public async Task StoreAsync(Corpus.Sample sample, ArchiveExchange? exchange = null)
    {
        var item = exchange is null ? sample.Item : new ArchiveItem { Document = sample.Item.Document, Text = sample.Item.Text, Exchange = exchange };
        await Archive.StoreAsync(item, new MemoryStream(sample.Bytes));
    }

    /// <summary>Changes one byte of the stored document: on disk for the embedded store, in archive_files for PostgreSQL.</summary>
    public async Task TamperAsync(string id)
    {
        if (_folder is not null)
        {
            var path = Path.Combine(_folder, "files", id[..2], id);
            var bytes = await File.ReadAllBytesAsync(path);
            bytes[^1] ^= 0x20;
            await File.WriteAllBytesAsync(path, bytes);
        }
        else
        {
            var n = await _pg!.ExecuteAsync(_database!, $"UPDATE archive_files SET content = overlay(content placing '\\x21'::bytea from 1 for 1) WHERE id = '{id}'");
            Assert.That(n, Is.EqualTo(1));
        }
    }

    /// <summary>Closes and opens the store again, as a restart does.</summary>
    public void Reopen()
    {
        Archive.Dispose();
        Archive = _folder is not null
            ? DocumentArchive.OpenEmbedded(_folder, NullLoggerFactory.Instance)
            : DocumentArchive.OpenPostgres(_pg!.ConnectionStringFor(_database!), NullLoggerFactory.Instance);
    }

    public ValueTask DisposeAsync()
    {
        Archive.Dispose();
        if (_folder is not null)
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
