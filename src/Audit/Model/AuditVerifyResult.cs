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
    /// <summary>True for a shared store (one chain per node, <see cref="Chains"/>); false for a single node's LiteDB log.</summary>
    public bool Shared { get; set; }
    /// <summary>What was walked in a shared store, per node, in node order.</summary>
    public List<AuditChainVerified> Chains { get; set; } = [];
    /// <summary>
    /// This node's DATA/audit/head (the last entry it saw stored) compared with the shared store, in words; null when
    /// the data folder holds no head file. A store behind it or disagreeing with it makes the result broken.
    /// </summary>
    public string? LocalHead { get; set; }
}

/// <summary>One node's chain in a shared store, as <c>audit verify</c> walked it.</summary>
public sealed class AuditChainVerified
{
    public string Node { get; set; } = "";
    /// <summary>Entries checked (transactions and delivery outcomes); 0 when retention removed every one.</summary>
    public long Entries { get; set; }
    /// <summary>First entry walked: the one after the retention anchor.</summary>
    public long FirstSeq { get; set; }
    /// <summary>Last entry walked: the head recorded for the node.</summary>
    public long LastSeq { get; set; }
    public string HeadHash { get; set; } = "";
}
