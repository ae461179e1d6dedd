using GovGateway.Audit;
using GovGateway.Delivery;
using GovGateway.Smtp;
using Prometheus;
using GovGateway.Tls;

namespace GovGateway.Metrics;

/// <summary>
/// The gateway's Prometheus metrics, in a registry of its own: each runtime (tests start several in one process) has
/// its own counters, and the static default registry of prometheus-net stays untouched. Counters move from the
/// pipeline's existing seams (the SMTP handler, the transaction records, the delivery observer, the policy holder's
/// reload event); gauges that describe state on disk (queue, quarantine, journal, certificate) are read when scraped.
/// </summary>
internal sealed class GatewayMetrics
{
    /// <summary>Words of the connection counter's <c>result</c> label.</summary>
    public static class ConnectionResults
    {
        /// <summary>Greeted with 220.</summary>
        public const string Accepted = "accepted";
        /// <summary>Refused by the gateway at connect (its reply instead of the greeting).</summary>
        public const string Refused = "refused";
        /// <summary>Over the listener's connection budget (Smtp:MaxConnections / MaxConnectionsPerIp).</summary>
        public const string Limited = "limited";
        /// <summary>Arrived while the gateway was stopping.</summary>
        public const string ShuttingDown = "shutting-down";
        /// <summary>Implicit TLS (smtps) whose handshake failed before the greeting.</summary>
        public const string TlsFailed = "tls-failed";

        /// <summary>Not from one of the listener's trusted proxies (Smtp:Listeners:NAME:TrustedProxies).</summary>
        public const string UntrustedProxy = "untrusted-proxy";

        public static readonly string[] All = [Accepted, Refused, Limited, ShuttingDown, TlsFailed, UntrustedProxy];
    }

    private static readonly string[] Decisions = [AuditDecisions.Accepted, AuditDecisions.Rejected, AuditDecisions.Quarantined, AuditDecisions.Failed];
    private static readonly string[] AttemptResults = [AuditOutcomes.Delivered, AuditOutcomes.Outbox, AuditOutcomes.Deferred, AuditOutcomes.Bounced];

    private readonly Gauge _sessionsActive;
    private readonly LabelledChildren<Counter.Child> _connections;
    private readonly LabelledChildren<Counter.Child> _messages;
    private readonly LabelledChildren<Counter.Child> _documents;
    private readonly LabelledChildren<Counter.Child> _ruleHits;
    private readonly LabelledChildren<Counter.Child> _deliveryAttempts;
    private readonly Histogram _deliveryDelay;
    private readonly Counter _policyReloads;
    private readonly Gauge _policyLastReloadOk;
    private readonly Gauge _policyLoadedTime;
    private readonly Gauge _queue;
    private readonly Gauge _journalBacklog;
    private readonly Gauge _certificateExpiry;

    public GatewayMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);

        _sessionsActive = factory.CreateGauge("govgateway_smtp_sessions_active", "SMTP sessions open now, per listener.", ["listener"]);
        var connections = factory.CreateCounter("govgateway_smtp_connections_total",
            "SMTP connections, by listener and what became of them (accepted, refused, limited, shutting-down, tls-failed, untrusted-proxy).", ["listener", "result"]);
        _connections = new(connections.WithLabels);
        var messages = factory.CreateCounter("govgateway_messages_total",
            "SMTP transactions answered, by listener and decision (accepted, rejected, quarantined, failed), as the audit log records them.", ["listener", "decision"]);
        _messages = new(messages.WithLabels);
        var documents = factory.CreateCounter("govgateway_documents_total",
            "Attachments of answered messages, by document class and signature (pdf:STATUS, smime:STATUS, unsigned, unreadable).", ["class", "signature"]);
        _documents = new(documents.WithLabels);
        var ruleHits = factory.CreateCounter("govgateway_policy_rule_hits_total",
            "Policy and SMTP rules that matched a transaction, by rule name and mode (enforce, audit).", ["rule", "mode"]);
        _ruleHits = new(ruleHits.WithLabels);
        var attempts = factory.CreateCounter("govgateway_delivery_attempts_total",
            "Per-recipient delivery attempts, by result (delivered, outbox, deferred, bounced).", ["result"]);
        _deliveryAttempts = new(r => attempts.WithLabels(r));
        _deliveryDelay = factory.CreateHistogram("govgateway_delivery_delay_seconds",
            "Time from a message's acceptance to its delivery to the upstream (or the outbox), per recipient.",
            new HistogramConfiguration { Buckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 5 * 24 * 3600] });
        _policyReloads = factory.CreateCounter("govgateway_policy_reloads_total",
            "Policy reload attempts (file change or SIGHUP), by result (success, failed).", ["result"]);
        _policyLastReloadOk = factory.CreateGauge("govgateway_policy_last_reload_successful",
            "1 when the policy files on disk are the policy in force, 0 while an edit with errors waits to be fixed.");
        _policyLoadedTime = factory.CreateGauge("govgateway_policy_loaded_timestamp_seconds",
            "When the policy in force was loaded (Unix time).");
        _queue = factory.CreateGauge("govgateway_queue_messages",
            "Messages held by the gateway now, by state: queued (not tried yet), deferred (waiting to retry), quarantined, damaged (moved to spool/corrupt).", ["state"]);
        _journalBacklog = factory.CreateGauge("govgateway_audit_journal_backlog",
            "Audit records durable in the journal but not yet stored in the audit database.");
        _certificateExpiry = factory.CreateGauge("govgateway_tls_certificate_expiry_timestamp_seconds",
            "When the TLS certificate the listeners serve expires (Unix time).");

        foreach (var result in new[] { "success", "failed" }) _policyReloads.WithLabels(result);
        foreach (var result in AttemptResults) _deliveryAttempts.Get(result);
        foreach (var state in QueueCensus.States) _queue.WithLabels(state);
        _policyLastReloadOk.Set(1);
        _policyLoadedTime.SetToCurrentTimeUtc();
        DotNetStats.Register(Registry);
    }

    /// <summary>The registry /metrics serves.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Shows every listener's series from the start (at zero), so rates and alerts work before the first mail.</summary>
    public void AddListeners(IEnumerable<string> listeners)
    {
        foreach (var listener in listeners)
        {
            _sessionsActive.WithLabels(listener);
            foreach (var result in ConnectionResults.All) _connections.Get(listener, result);
            foreach (var decision in Decisions) _messages.Get(listener, decision);
        }
    }

    /// <summary>Wraps the gateway's SMTP handler so sessions and connections are counted.</summary>
    public ISmtpHandler Meter(ISmtpHandler handler) => new MeteredSmtpHandler(handler, this);

    /// <summary>Wraps the delivery observer (the audit log's, or none) so attempts and delays are counted.</summary>
    public IDeliveryObserver Meter(IDeliveryObserver? observer) => new MeteredDeliveryObserver(observer ?? NullDeliveryObserver.Instance, this);

    /// <summary>
    /// Reads, at each scrape, what lives on disk or in other components: queue and quarantine counts, the audit
    /// journal's backlog and the certificate's expiry; and counts the policy's reloads from now on.
    /// </summary>
    public void Watch(Spool.Spool spool, IAuditLog? audit, CertificateWatcher? certificates, PolicyStatus policy)
    {
        var census = new QueueCensus(spool);
        Registry.AddBeforeCollectCallback(() =>
        {
            var counts = census.Count();
            _queue.WithLabels(AuditOutcomes.Queued).Set(counts.Queued);
            _queue.WithLabels(AuditOutcomes.Deferred).Set(counts.Deferred);
            _queue.WithLabels(AuditDecisions.Quarantined).Set(counts.Quarantined);
            _queue.WithLabels(AuditOutcomes.Damaged).Set(counts.Damaged);
            if (audit is not null) _journalBacklog.Set(audit.Backlog);
            if (certificates?.Current is { } certificate)
                _certificateExpiry.Set(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds());
        });
        policy.Reloaded += PolicyReloaded;
    }

    internal void PolicyReloaded(bool succeeded)
    {
        _policyReloads.WithLabels(succeeded ? "success" : "failed").Inc();
        _policyLastReloadOk.Set(succeeded ? 1 : 0);
        if (succeeded) _policyLoadedTime.SetToCurrentTimeUtc();
    }

    internal void SessionOpened(string listener) => _sessionsActive.WithLabels(listener).Inc();

    internal void SessionClosed(string listener) => _sessionsActive.WithLabels(listener).Dec();

    internal void Connection(string listener, string result) => _connections.Get(listener, result).Inc();

    /// <summary>
    /// One answered transaction, from its audit record (called for every one, whether or not the audit log is on):
    /// its decision, each document and its signature, each rule that matched.
    /// </summary>
    public void Transaction(AuditTransaction t)
    {
        _messages.Get(t.Listener ?? "unknown", t.Decision).Inc();
        string? smime = SignatureLabel(SignatureWords.SmimePrefix, t.Smime?.Status);
        foreach (var a in t.Attachments)
        {
            if (a?.Class is not { Length: > 0 } documentClass) continue;
            var signature = SignatureLabel(SignatureWords.PdfPrefix, a.SignatureStatus) ?? smime
                            ?? (a.Status == "unreadable" ? "unreadable" : SignatureWords.Unsigned);
            _documents.Get(documentClass, signature).Inc();
        }
        foreach (var hit in t.Rules)
            if (hit?.Rule is { Length: > 0 } rule)
                _ruleHits.Get(rule, hit.Mode ?? "enforce").Inc();
    }

    internal void DeliveryAttempt(string outcome, TimeSpan? sinceAccepted)
    {
        if (Array.IndexOf(AttemptResults, outcome) < 0) return; // queued and damaged are not attempts
        _deliveryAttempts.Get(outcome).Inc();
        if (sinceAccepted is { } delay && outcome is AuditOutcomes.Delivered or AuditOutcomes.Outbox)
            _deliveryDelay.Observe(Math.Max(0, delay.TotalSeconds));
    }

    // "pdf:valid" / "smime:untrusted"; null when that kind of signature is absent. The status words are the policy's
    // own small set, so they are interned once by the label cache.
    private static string? SignatureLabel(string prefix, string? status) =>
        string.IsNullOrEmpty(status) || status == "none" ? null : SignatureNames.Get(prefix, status);
}
