using GovGateway.Archive;
using Prometheus;

namespace GovGateway.Archiving;

/// <summary>
/// The archive's Prometheus series, in the gateway's registry: documents stored (new, or an exchange added to one already
/// kept), failed attempts to store a message's documents, and the archive's size read at each scrape.
/// </summary>
internal sealed class ArchiveMetrics
{
    private readonly Counter.Child _new;
    private readonly Counter.Child _known;
    private readonly Counter _failures;

    public ArchiveMetrics(CollectorRegistry registry, Func<ArchiveStats?> stats)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var documents = factory.CreateCounter("govgateway_archive_documents_total",
            "Documents stored in the archive, by result: new (its bytes kept for the first time) or exchange (one more exchange of a document already kept).", ["result"]);
        _new = documents.WithLabels("new");
        _known = documents.WithLabels("exchange");
        _failures = factory.CreateCounter("govgateway_archive_failures_total",
            "Attempts to archive a message's documents that failed (retried; the message stays queued until they succeed).");
        var size = factory.CreateGauge("govgateway_archive_size", "The archive now: documents, bytes of the documents, bytes of the search index, documents under legal hold.", ["what"]);
        registry.AddBeforeCollectCallback(() =>
        {
            if (stats() is not { } s) return;
            size.WithLabels("documents").Set(s.Documents);
            size.WithLabels("bytes").Set(s.Bytes);
            size.WithLabels("index-bytes").Set(s.IndexBytes);
            size.WithLabels("held").Set(s.Held);
        });
    }

    public void Stored(bool isNew) => (isNew ? _new : _known).Inc();

    public void Failed() => _failures.Inc();
}
