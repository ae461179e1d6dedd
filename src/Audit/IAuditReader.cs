namespace GovGateway.Audit;

/// <summary>What auditors ask of the log. With the PostgreSQL store the answers cover every node's records.</summary>
public interface IAuditReader
{
    /// <summary>Transactions matching the filters, newest first, with their delivery outcomes.</summary>
    AuditQueryResult Query(AuditQuery query);

    /// <summary>Counts over [since, until); per-day counts are of days starting at midnight at <paramref name="dayOffset"/> from UTC.</summary>
    AuditStats Stats(DateTime? since, DateTime? until, TimeSpan dayOffset = default);

    /// <summary>Transactions with a time in [since, until), without their outcomes: for counts the stats do not keep (the console's dashboard).</summary>
    IEnumerable<AuditTransaction> Transactions(DateTime? since, DateTime? until);

    /// <summary>Walks the hash chain (every node's, in a shared store) and names the first entry changed, removed or inserted.</summary>
    AuditVerifyResult Verify();

    /// <summary>Rebuilds whatever the store keeps to find records quickly; returns the transactions listed.</summary>
    int RebuildLookup();

    /// <summary>Waits until every record journaled so far is in the store (what this node answered, queries see).</summary>
    Task FlushAsync(CancellationToken ct = default);
}

/// <summary>The audit log as the host holds it: it writes, answers auditors, and is closed at shutdown.</summary>
public interface IAuditLog : IAuditWriter, IAuditReader, IAsyncDisposable;
