using GovGateway.Configuration;
using GovGateway.Archive;
using GovGateway.Archiving;
using GovGateway.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovGateway.Cli.Archive;

/// <summary>
/// Where an archive verb gets its answer: the running gateway over DATA/run/archive.sock when one answers (the embedded
/// store is one process's), otherwise the store opened here with the settings of --config, and the audit log opened
/// here to record the actions.
/// </summary>
internal static class ArchiveSource
{
    public static async Task<IArchiveAccess> OpenAsync(GatewayPaths paths, CancellationToken ct)
    {
        var user = AdminAction.CurrentUser();
        var client = new ArchiveClient(paths.DataDir, user);
        if (await client.PingAsync(ct).ConfigureAwait(false)) return client;

        ArchiveOptions options;
        AuditOptions auditOptions;
        string node;
        try
        {
            options = ArchiveSettings.ForVerbs(paths);
            (auditOptions, node) = Hosting.AuditSettings.ForVerbs(paths);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new ArchiveCliException($"The settings in {paths.ConfigDir} are not usable: {ex.Message}");
        }
        if (!options.Enabled)
            throw new ArchiveCliException(
                $"Kho lưu trữ văn bản chưa bật (Archive:Enabled trong {paths.ConfigDir}). / The document archive is not turned on (Archive:Enabled in {paths.ConfigDir}).");
        if (auditOptions.Store == AuditStoreKind.LiteDB && !Directory.Exists(options.FullPath(paths.DataDir)))
            throw new ArchiveCliException(
                $"Không có kho lưu trữ tại {options.FullPath(paths.DataDir)}. / No archive at {options.FullPath(paths.DataDir)} (is --data the gateway's data folder?).");

        IDocumentArchive archive;
        try
        {
            archive = DocumentArchive.Open(options, paths.DataDir, auditOptions, NullLoggerFactory.Instance);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or NotSupportedException or ArchiveException)
        {
            throw new ArchiveCliException($"No gateway answered on {client.SocketPath}, and the archive could not be opened: {ex.Message}");
        }
        AuditLog? log = null;
        async Task<IAuditWriter?> OpenAuditAsync(CancellationToken token)
        {
            if (!auditOptions.Enabled) return null;
            return log ??= await AuditLog.OpenAsync(paths.DataDir, auditOptions, ct: token, node: node).ConfigureAwait(false);
        }
        var actions = new ArchiveActions(archive, OpenAuditAsync, ArchiveRetention.From(options));
        return new LocalArchiveAccess(actions, new ArchiveActor(user, AdminAction.CurrentUid(), null, "gateway archive"), () => log);
    }
}

/// <summary>A user-facing error of an archive verb: printed without a stack trace, exit code 2.</summary>
internal sealed class ArchiveCliException(string message) : Exception(message);
