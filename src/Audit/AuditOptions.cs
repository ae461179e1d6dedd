namespace GovGateway.Audit;

/// <summary>Settings of the audit log, bound from the configuration section "Audit".</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// The zone the audit verbs show times in and read bare dates in (an offset such as +07:00, UTC, or an IANA name);
    /// `--tz` overrides it. The log itself always stores UTC.
    /// </summary>
    public string TimeZone { get; set; } = "+07:00";

    /// <summary>
    /// Where journaled records are stored: LiteDB (embedded, DATA/audit/audit.db, one node) or PostgreSQL (shared by
    /// several nodes, each with its own chain; <see cref="ConnectionString"/>). Records are journaled locally either way.
    /// </summary>
    public AuditStoreKind Store { get; set; } = AuditStoreKind.LiteDB;

    /// <summary>Npgsql connection string of the shared store (Store=PostgreSQL), e.g. "Host=db;Database=audit;Username=gateway;Password=...".</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Longest a starting node waits for the shared store to take its journal's backlog before it checks carried records
    /// against the local journal instead and starts anyway.
    /// </summary>
    public TimeSpan StoreWaitAtStart { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Days a record is kept; 0 keeps records forever.</summary>
    public int RetentionDays { get; set; }

    /// <summary>
    /// Off only for measuring what the log costs (bench/pipeline): an agency's gateway must keep it on,
    /// because auditors rely on every exchange being recorded.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most journal entries the background writer moves into LiteDB in one transaction.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// Longest time the background writer waits to fill a batch before writing it to LiteDB. Records are durable in the
    /// journal before this; the interval only delays when queries see them (docs/storage.md; figures in bench/RESULTS.md).
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Longest time the journal holds an entry nobody waits for (an accepted message's record, which the spool keeps
    /// durable meanwhile; a delivery outcome) so that it shares an fsync with others; 0 writes every entry at once.
    /// A crash within it after a delivery sends that message again, never a message without its record (docs/storage.md).
    /// </summary>
    public TimeSpan CommitDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Size after which the journal starts a new segment file, so applied segments can be deleted.</summary>
    public long JournalSegmentBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>LiteDB CheckpointSize pragma (pages of 8 KiB): the -log file is folded into the data file past this.</summary>
    public int CheckpointPages { get; set; } = 1000;

    /// <summary>How often retention runs while the log is open (when <see cref="RetentionDays"/> &gt; 0).</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Free space (bytes) the data folder's file system keeps in reserve: below it MAIL FROM gets 452 4.3.1, so the
    /// spool stops taking messages while the audit journal still has room to record what is in flight and what is
    /// delivered. 0 turns the check off.
    /// </summary>
    public long MinFreeBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Every problem of these settings, each naming its key; empty when they are usable. The host binds the section and refuses what this finds.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Store)) problems.Add("Audit:Store must be LiteDB or PostgreSQL.");
        if (Store == AuditStoreKind.PostgreSQL && string.IsNullOrWhiteSpace(ConnectionString))
            problems.Add("Audit:Store is PostgreSQL but Audit:ConnectionString is empty.");
        if (Store == AuditStoreKind.LiteDB && !string.IsNullOrWhiteSpace(ConnectionString))
            problems.Add("Audit:ConnectionString is set but Audit:Store is LiteDB (set Audit:Store=PostgreSQL to use it).");
        if (MinFreeBytes < 0) problems.Add("Audit:MinFreeBytes must be 0 (no reserve) or a number of bytes.");
        if (RetentionDays < 0) problems.Add("Audit:RetentionDays must be 0 (keep forever) or a positive number of days.");
        if (BatchSize <= 0) problems.Add("Audit:BatchSize must be positive.");
        if (FlushInterval < TimeSpan.Zero) problems.Add("Audit:FlushInterval must not be negative.");
        if (CommitDelay < TimeSpan.Zero || CommitDelay > TimeSpan.FromSeconds(10)) problems.Add($"Audit:CommitDelay must be between 0 and 10 seconds (is {CommitDelay}).");
        if (JournalSegmentBytes < 4096) problems.Add("Audit:JournalSegmentBytes must be at least 4096.");
        if (CheckpointPages <= 0) problems.Add("Audit:CheckpointPages must be positive.");
        if (PurgeInterval <= TimeSpan.Zero) problems.Add("Audit:PurgeInterval must be positive.");
        if (StoreWaitAtStart < TimeSpan.Zero) problems.Add("Audit:StoreWaitAtStart must not be negative.");
        return problems;
    }
}

/// <summary>The audit store (Audit:Store).</summary>
public enum AuditStoreKind
{
    LiteDB,
    PostgreSQL,
}
