namespace GovGateway.Audit;

/// <summary>Outcome of walking the hash chain.</summary>
public sealed class AuditVerifyResult
{
    public bool Ok { get; set; }
    /// <summary>Entries checked (transactions and deliveries).</summary>
    public long Checked { get; set; }
    /// <summary>Sequence number of the last purged entry the walk started from (0 when nothing was purged).</summary>
    public long AnchorSeq { get; set; }
    /// <summary>Last entry of the chain as recorded in the meta collection: note it elsewhere to detect a rewrite of the whole chain.</summary>
    public long HeadSeq { get; set; }
    public string HeadHash { get; set; } = "";
    /// <summary>"changed", "removed" or "inserted" when broken; "unlisted" when the chain is intact but a lookup block misses an entry.</summary>
    public string? Problem { get; set; }
    /// <summary>Sequence number of the first entry found changed/inserted, or of the first missing entry.</summary>
    public long? FirstBadSeq { get; set; }
    /// <summary>Record id (transaction id or queue id/recipient) of the entry named by <see cref="FirstBadSeq"/>, when it exists.</summary>
    public string? FirstBadRecord { get; set; }
    public string Message { get; set; } = "";
    /// <summary>The node whose chain is broken (a shared PostgreSQL store holds one chain per node).</summary>
    public string? Node { get; set; }
    /// <summary>Nodes whose chains were checked (a shared store); empty for a single node's log.</summary>
    public List<string> Nodes { get; set; } = [];
    /// <summary>Each node's recorded head as "seq hash" (a shared store): note them elsewhere, as <see cref="HeadHash"/> for one node.</summary>
    public SortedDictionary<string, string> NodeHeads { get; set; } = new(StringComparer.Ordinal);
}
