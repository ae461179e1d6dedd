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
    /// Longest time the background writer waits to fill a batch before writing it to LiteDB.
    /// Records are durable in the journal before this; the interval only delays when queries see them. Longer batches
    /// mean fewer LiteDB commits and more delivery outcomes stored in their transaction's chunk: under 50-session load
    /// 250 ms cost 2-3% less gateway CPU than 50 ms, and 500 ms no less than 250.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Longest time the journal holds an entry nobody waits for (an accepted message's record, which the spool keeps
    /// durable meanwhile; a delivery outcome) so that it shares an fsync with others. Rejections and everything a
    /// reply waits for are written at once. 0 writes every entry at once. A delivered message's queue file waits for
    /// this commit, so a crash within the delay after a delivery sends that message again (a duplicate, never a message
    /// without its record). Fsyncs are dear on virtual disks: two gateways under the same load (bench/pipeline,
    /// pairperf), 100 ms used 1.6% less CPU per message than 20 ms (four pairs, sides swapped, 0.3-2.3%).
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

    internal void Validate()
    {
        if (!Enum.IsDefined(Store)) throw new ArgumentOutOfRangeException(nameof(Store), Store, "Audit:Store must be LiteDB or PostgreSQL.");
        if (Store == AuditStoreKind.PostgreSQL && string.IsNullOrWhiteSpace(ConnectionString))
            throw new ArgumentException("Audit:Store is PostgreSQL but Audit:ConnectionString is empty.", nameof(ConnectionString));
        if (Store == AuditStoreKind.LiteDB && !string.IsNullOrWhiteSpace(ConnectionString))
            throw new ArgumentException("Audit:ConnectionString is set but Audit:Store is LiteDB (set Audit:Store=PostgreSQL to use it).", nameof(ConnectionString));
        if (MinFreeBytes < 0) throw new ArgumentOutOfRangeException(nameof(MinFreeBytes), MinFreeBytes, "Audit:MinFreeBytes must be 0 (no reserve) or a number of bytes.");
        if (RetentionDays < 0) throw new ArgumentOutOfRangeException(nameof(RetentionDays), RetentionDays, "Audit:RetentionDays must be 0 (keep forever) or a positive number of days.");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Audit:BatchSize must be positive.");
        if (FlushInterval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(FlushInterval), FlushInterval, "Audit:FlushInterval must not be negative.");
        if (CommitDelay < TimeSpan.Zero || CommitDelay > TimeSpan.FromSeconds(10)) throw new ArgumentOutOfRangeException(nameof(CommitDelay), CommitDelay, "Audit:CommitDelay must be between 0 and 10 seconds.");
        if (JournalSegmentBytes < 4096) throw new ArgumentOutOfRangeException(nameof(JournalSegmentBytes), JournalSegmentBytes, "Audit:JournalSegmentBytes must be at least 4096.");
        if (CheckpointPages <= 0) throw new ArgumentOutOfRangeException(nameof(CheckpointPages), CheckpointPages, "Audit:CheckpointPages must be positive.");
        if (PurgeInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PurgeInterval), PurgeInterval, "Audit:PurgeInterval must be positive.");
    }
}

/// <summary>The audit store (Audit:Store).</summary>
public enum AuditStoreKind
{
    LiteDB,
    PostgreSQL,
}
