using System.Net;
using GovGateway.Access;
using GovGateway.Audit;
using GovGateway.AuditQueries.Server;
using GovGateway.Configuration;
using GovGateway.Delivery;
using GovGateway.Listeners;
using GovGateway.Metrics;
using GovGateway.Pipeline;
using GovGateway.Quarantine;
using GovGateway.Revocation;
using GovGateway.Smtp;
using GovGateway.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using GovGateway.FileSystem;
using GovGateway.WebConsole;

namespace GovGateway.Hosting;

/// <summary>
/// Everything `gateway run` starts, in dependency order: policy, TLS, spool, audit, delivery,
/// the audit query socket and the SMTP listeners; and the reverse on stop.
/// </summary>
internal sealed class GatewayRuntime : IRunningGateway, IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly List<IDisposable> _disposables = new();
    private PolicyHolder? _policies;
    private Revocation.HttpCrlFetcher? _crlFetcher;
    private IAuditLog? _audit;
    private AuditQueryServer? _auditServer;
    private DeliveryService? _delivery;
    private SmtpServer? _smtp;
    private WebConsole.WebConsoleHost? _console;
    private GovGateway.Archive.IDocumentArchive? _archive;
    private Archiving.DocumentArchiver? _archiver;
    private Archiving.ArchiveServer? _archiveServer;
    private TimeSpan _shutdownGrace;

    private GatewayRuntime(GatewayPaths paths, ILogger logger)
    {
        Paths = paths;
        _logger = logger;
    }

    public GatewayPaths Paths { get; }
    public IReadOnlyDictionary<string, IPEndPoint> EndPoints => _smtp?.BoundEndPoints ?? new Dictionary<string, IPEndPoint>();
    public PolicyHolder Policies => _policies!;
    public IAuditLog? Audit => _audit;
    public Spool.Spool Spool { get; private set; } = null!;
    /// <summary>The served TLS certificate, reloaded on file change and on SIGHUP.</summary>
    public CertificateWatcher? Certificates { get; private set; }
    /// <summary>Held messages (DATA/quarantine).</summary>
    public QuarantineStore Quarantine { get; private set; } = null!;
    /// <summary>The access rules: the login guard and the users file the console signs in against.</summary>
    public AccessRules Access { get; private set; } = null!;
    /// <summary>The SMTP settings in force (the console slows failed sign-ins by Smtp:AuthFailureDelay, as AUTH is).</summary>
    public SmtpSettings SmtpSettings { get; private set; } = new();
    /// <summary>Open SMTP sessions per listener name.</summary>
    public IReadOnlyDictionary<string, int> ActiveSessions => _smtp?.ActiveSessionsByListener() ?? new Dictionary<string, int>();
    /// <summary>The web console's listener, when Console:Enabled.</summary>
    public IPEndPoint? ConsoleEndPoint => _console?.EndPoint;

    /// <summary>The document archive's actions (search, get, hold, purge, each audited), when Archive:Enabled.</summary>
    public Archiving.ArchiveActions? Archive { get; private set; }

    /// <summary>What takes accepted messages' documents into the archive, when Archive:Enabled.</summary>
    public Archiving.DocumentArchiver? Archiver => _archiver;

    /// <summary>Metrics and readiness checks (/metrics, /readyz).</summary>
    public Metrics.GatewayOperations Operations { get; } = new();
    internal SmtpServer? Smtp => _smtp;

    /// <summary>The limit on concurrent policy evaluations and their time budget.</summary>
    internal EvaluationGate Evaluation { get; private set; } = null!;

    public static async Task<GatewayRuntime> StartAsync(GatewayPaths paths, IConfiguration configuration, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var runtime = new GatewayRuntime(paths, loggerFactory.CreateLogger<GatewayRuntime>());
        try
        {
            await runtime.StartCoreAsync(configuration, loggerFactory, ct).ConfigureAwait(false);
            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartCoreAsync(IConfiguration configuration, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var smtpSettings = SmtpSettings.FromConfiguration(configuration);
        var deliveryOptions = DeliveryOptions.FromConfiguration(configuration);
        var accessOptions = AccessOptions.FromConfiguration(configuration);
        var auditOptions = AuditSettings.FromConfiguration(configuration);
        var evaluationOptions = EvaluationOptions.FromConfiguration(configuration);
        var consoleOptions = WebConsole.ConsoleOptions.FromConfiguration(configuration);
        var archiveOptions = Archiving.ArchiveSettings.FromConfiguration(configuration);
        var hostName = HostNames.Resolve(smtpSettings.HostName, _logger);
        // Bounces (Reporting-MTA, postmaster@) and the upstream EHLO say the same name as the greeting.
        if (string.IsNullOrWhiteSpace(deliveryOptions.HostName))
            deliveryOptions.HostName = hostName;
        _shutdownGrace = smtpSettings.ShutdownGrace;
        if (!deliveryOptions.Upstream.IsConfigured)
            _logger.LogWarning("No upstream configured (Delivery:Upstream:Host is empty): accepted mail is written to {Outbox} for another program to pick up, " +
                               "recorded with the outcome 'outbox', and delivered to no mail server.", Path.Combine(Paths.DataDir, "outbox"));

        PrivateFiles.CreateDirectory(Paths.DataDir);
        if (PrivateFiles.CloseDataFolder(Paths.DataDir) is { } opened) _logger.LogWarning("{Problem}", opened);
        var crlFetch = Revocation.CrlFetchOptions.FromConfiguration(configuration);
        _crlFetcher = crlFetch.Enabled ? new Revocation.HttpCrlFetcher(crlFetch, loggerFactory.CreateLogger<Revocation.HttpCrlFetcher>()) : null;
        _policies = PolicyHolder.Open(Paths.ConfigDir, loggerFactory.CreateLogger<PolicyHolder>(), crlFetcher: _crlFetcher);
        var certificate = CertificateProvider.Load(smtpSettings.Tls, Paths.ConfigDir, Paths.DataDir, hostName, _logger);

        var node = NodeOptions.FromConfiguration(configuration);
        _logger.LogInformation("Node {Node}: queue ids carry the tag {Tag} (characters 11-12)", node.EffectiveName, GovGateway.Spool.QueueId.NodeTag(node.EffectiveName));
        Spool = new Spool.Spool(Paths.DataDir, loggerFactory.CreateLogger<Spool.Spool>(), node.EffectiveName);
        var quarantine = Quarantine = new QuarantineStore(Paths.DataDir, Spool, loggerFactory.CreateLogger<QuarantineStore>());
        if (auditOptions.Enabled)
        {
            _audit = await AuditLog.OpenAsync(Paths.DataDir, auditOptions, loggerFactory.CreateLogger<AuditLog>(), ct,
                node.EffectiveName).ConfigureAwait(false);
            // Accepted messages carry their audit record in the queue file; a crash within Audit:CommitDelay of a 250
            // leaves some of them only there. Before delivery may remove any queue file, give those to the log.
            await _audit.RecoverCarriedAsync(Spool.List().Select(e => e.Envelope.AuditRecord?.Utf8).OfType<byte[]>(), ct).ConfigureAwait(false);
            _auditServer = new AuditQueryServer(Paths.DataDir, _audit, loggerFactory.CreateLogger<AuditQueryServer>());
            await _auditServer.StartAsync(ct).ConfigureAwait(false);
        }
        else
        {
            _logger.LogWarning("Audit:Enabled is false: exchanges are NOT recorded. Use this only to measure the audit log's cost.");
        }

        SmtpSettings = smtpSettings;
        var access = Access = AccessRules.Create(accessOptions, Paths, deliveryOptions, loggerFactory);
        _disposables.Add(access);

        if (archiveOptions.Enabled) await StartArchiveAsync(archiveOptions, auditOptions, node.EffectiveName, loggerFactory, ct).ConfigureAwait(false);

        var archiver = _archiver;
        _delivery = new DeliveryService(Spool, deliveryOptions, Operations.Metrics.Meter(_audit is null ? null : new AuditDeliveryObserver(_audit)), loggerFactory.CreateLogger<DeliveryService>(),
            mayBounce: e => access.Origin.MayBounce(e.AuthenticatedUser, e.ClientIp),
            keepUntil: archiver is null ? null : archiver.WhenArchivedAsync);
        await _delivery.StartAsync(ct).ConfigureAwait(false);
        var evaluation = Evaluation = new EvaluationGate(evaluationOptions);
        _disposables.Add(evaluation);
        var handler = new GatewayHandler(_policies, Spool, quarantine, _audit, access.Authenticator, access, hostName,
            loggerFactory.CreateLogger<GatewayHandler>(), evaluation, Operations.Metrics.Transaction);

        _smtp = new SmtpServer(SmtpOptionsFactory.Create(smtpSettings, hostName, certificate), Operations.Metrics.Meter(handler), loggerFactory);
        await _smtp.StartAsync(ct).ConfigureAwait(false); // the engine logs each listener it binds
        Certificates = new CertificateWatcher(certificate,
            () => CertificateProvider.Load(smtpSettings.Tls, Paths.ConfigDir, Paths.DataDir, hostName, _logger),
            _smtp.ReplaceCertificate, smtpSettings.Tls, CertificateProvider.Files(smtpSettings.Tls, Paths.ConfigDir),
            loggerFactory.CreateLogger<CertificateWatcher>());
        _disposables.Add(Certificates);
        Operations.Started(Policies, _smtp, Spool, _audit, Certificates, auditOptions.MinFreeBytes, _archiver is { } archiving ? () => archiving.HealthProblem : null);
        _disposables.Add(Operations);
        // Not cancelled by a SIGTERM that arrives while it starts: the SMTP listeners are bound already and may hold a
        // client in DATA, so start must complete for the stop to give that client its grace (a cancelled start disposes).
        if (consoleOptions.Enabled)
            _console = await WebConsole.WebConsoleHost.StartAsync(new WebConsole.ConsoleContext(this, consoleOptions, configuration), loggerFactory, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the archive beside the audit log's store, starts taking documents from the queue (those a stopped process left
    /// first) and answers the archive verbs on DATA/run/archive.sock. Before delivery starts: delivery waits for it.
    /// </summary>
    private async Task StartArchiveAsync(GovGateway.Archive.ArchiveOptions options, AuditOptions auditOptions, string node, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        _archive = GovGateway.Archive.DocumentArchive.Open(options, Paths.DataDir, auditOptions, loggerFactory);
        Archive = new Archiving.ArchiveActions(_archive, _audit, GovGateway.Archive.ArchiveRetention.From(options));
        var archive = _archive;
        var metrics = new Archiving.ArchiveMetrics(Operations.Metrics.Registry, () =>
        {
            try { return archive.Stats(); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { return null; } // a scrape must not fail on the archive
        });
        var policies = _policies!;
        _archiver = new Archiving.DocumentArchiver(_archive, Spool,
            new Archiving.MessageArchiving(() => policies.Current.ArchiveClasses, node, loggerFactory.CreateLogger<Archiving.MessageArchiving>()),
            metrics, loggerFactory.CreateLogger<Archiving.DocumentArchiver>());
        _archiver.Start();
        _archiveServer = new Archiving.ArchiveServer(Paths.DataDir, Archive, loggerFactory.CreateLogger<Archiving.ArchiveServer>());
        await _archiveServer.StartAsync(ct).ConfigureAwait(false);
        _logger.LogInformation("Archive on: documents of the classes {Classes} are kept ({Store})", string.Join(", ", policies.Current.ArchiveClasses.Order()),
            auditOptions.Store == AuditStoreKind.PostgreSQL ? "PostgreSQL" : options.FullPath(Paths.DataDir));
    }

    /// <summary>Stops accepting, lets transactions in flight finish, then stops delivery and the audit log.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (_smtp is not null)
            await _smtp.StopAsync(_shutdownGrace, ct).ConfigureAwait(false);
        if (_delivery is not null)
            await _delivery.StopAsync(ct).ConfigureAwait(false);
        // After mail: what is in DATA finishes first, and a console that fails to stop cannot cut that short.
        if (_console is not null)
        {
            try
            {
                await _console.StopAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or IOException)
            {
                _logger.LogWarning("The web console did not stop cleanly: {Error}", ex.Message);
            }
        }
        if (_archiveServer is not null)
            await _archiveServer.DisposeAsync().ConfigureAwait(false);
        if (_archiver is not null)
            await _archiver.DisposeAsync().ConfigureAwait(false);
        if (_auditServer is not null)
            await _auditServer.StopAsync(ct).ConfigureAwait(false);
        LogRuntimeSummary();
    }

    // What the process cost over its life, for capacity planning and for reading benchmark runs.
    private void LogRuntimeSummary()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        _logger.LogInformation(
            "Stopped after {UptimeSeconds:F0} s: CPU {CpuSeconds:F1} s, allocated {AllocatedMiB} MiB, GC gen0 {Gen0} gen1 {Gen1} gen2 {Gen2}, GC pauses {GcPauseMs:F0} ms, peak memory {PeakMiB} MiB",
            (DateTime.Now - self.StartTime).TotalSeconds, self.TotalProcessorTime.TotalSeconds, GC.GetTotalAllocatedBytes() >> 20,
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds, self.PeakWorkingSet64 >> 20);
    }

    public async ValueTask DisposeAsync()
    {
        if (_console is not null) await _console.DisposeAsync().ConfigureAwait(false);
        if (_smtp is not null) await _smtp.DisposeAsync().ConfigureAwait(false);
        _delivery?.Dispose();
        if (_archiveServer is not null) await _archiveServer.DisposeAsync().ConfigureAwait(false);
        if (_archiver is not null) await _archiver.DisposeAsync().ConfigureAwait(false);
        _archive?.Dispose();
        if (_audit is not null) await _audit.DisposeAsync().ConfigureAwait(false);
        _policies?.Dispose();
        _crlFetcher?.Dispose();
        foreach (var d in _disposables) d.Dispose();
    }
}
