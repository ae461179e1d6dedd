using GovGateway.Audit;

namespace GovGateway.Metrics;

/// <summary>
/// Counts the messages the gateway holds by listing its folders, without reading a message: a queued message
/// (<c>queue/ID.msg</c>) that has an envelope of its own beside it (<c>ID.json</c>, written by a delivery attempt that
/// did not finish it) is deferred; the quarantine holds <c>ID.json</c> records; <c>spool/corrupt/</c> the damaged ones.
/// A count is at most a second old.
/// </summary>
internal sealed class QueueCensus(Spool.Spool spool)
{
    /// <summary>The gauge's states, in the audit log's words for them (one set of outcome values).</summary>
    public static readonly string[] States = [AuditOutcomes.Queued, AuditOutcomes.Deferred, AuditDecisions.Quarantined, AuditOutcomes.Damaged];

    private readonly string _quarantineDir = Path.Combine(Path.GetDirectoryName(spool.Root)!, "quarantine");

    public readonly record struct Counts(int Queued, int Deferred, int Quarantined, int Damaged);

    // Listing tens of thousands of files takes tens of milliseconds: scrapes closer together than this share one count,
    // so /metrics (open without sign-in by default) cannot be used to keep the disk busy.
    private static readonly long MaxAgeMs = 1000;
    private readonly Lock _gate = new();
    private Counts _last;
    private long? _lastAt;

    public Counts Count()
    {
        lock (_gate)
        {
            var now = Environment.TickCount64;
            if (_lastAt is not { } at || now - at >= MaxAgeMs)
            {
                _last = CountNow();
                _lastAt = now;
            }
            return _last;
        }
    }

    private Counts CountNow()
    {
        int messages = 0, envelopes = 0;
        var withEnvelope = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Files(spool.QueueDir, "*"))
        {
            var name = Path.GetFileName(path.AsSpan());
            if (name.EndsWith(".msg", StringComparison.Ordinal)) { messages++; ids.Add(name[..^4].ToString()); }
            else if (name.EndsWith(".json", StringComparison.Ordinal)) { envelopes++; withEnvelope.Add(name[..^5].ToString()); }
        }
        var deferred = envelopes == 0 ? 0 : withEnvelope.Count(ids.Contains);
        return new Counts(messages - deferred, deferred, Files(_quarantineDir, "*.json").Count(), Files(spool.CorruptDir, "*.msg").Count());
    }

    private static IEnumerable<string> Files(string dir, string pattern)
    {
        try
        {
            return Directory.Exists(dir) ? Directory.EnumerateFiles(dir, pattern).ToList() : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return []; // a folder that vanished between the check and the listing holds nothing now
        }
    }
}
