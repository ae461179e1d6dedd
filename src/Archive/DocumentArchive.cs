using GovGateway.Audit;
using Microsoft.Extensions.Logging;

namespace GovGateway.Archive;

/// <summary>Opens the archive next to the audit log's store: the embedded store with Audit:Store=LiteDB, PostgreSQL (same connection string, own tables) with Audit:Store=PostgreSQL.</summary>
public static class DocumentArchive
{
    public static IDocumentArchive Open(ArchiveOptions options, string dataDir, AuditOptions audit, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(audit);
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems));
        return audit.Store switch
        {
            AuditStoreKind.LiteDB => OpenEmbedded(options.FullPath(dataDir), loggers),
            AuditStoreKind.PostgreSQL => OpenPostgres(audit.ConnectionString, loggers),
            _ => throw new ArgumentException($"Audit:Store '{audit.Store}' is not one of LiteDB, PostgreSQL."),
        };
    }

    /// <summary>The embedded store in <paramref name="folder"/> (files/, archive.db, index/), created 0700 when missing. One process at a time.</summary>
    public static IDocumentArchive OpenEmbedded(string folder, ILoggerFactory loggers) =>
        Embedded.EmbeddedArchive.Open(folder, loggers.CreateLogger("GovGateway.Archive"));

    /// <summary>The PostgreSQL store (tables archive_*), shared by every node; the schema is created on first use.</summary>
    public static IDocumentArchive OpenPostgres(string connectionString, ILoggerFactory loggers)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException("Audit:Store is PostgreSQL but Audit:ConnectionString is empty; the archive uses the same database.");
        return Postgres.PostgresArchive.Create(connectionString, loggers.CreateLogger("GovGateway.Archive"));
    }
}
