namespace GovGateway.Audit;

/// <summary>Counts over a period, for <c>gateway audit stats</c>.</summary>
public sealed class AuditStats
{
    public DateTime? Since { get; set; }
    public DateTime? Until { get; set; }
    public long Transactions { get; set; }
    /// <summary>Offset from UTC at which the days of <see cref="PerDay"/> begin (the auditor's zone); 0 for UTC days.</summary>
    public int DayOffsetMinutes { get; set; }
    /// <summary>Transactions per day (yyyy-MM-dd), days starting at midnight at <see cref="DayOffsetMinutes"/> from UTC.</summary>
    public SortedDictionary<string, long> PerDay { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Transactions per document class (a transaction counts once for each class it carries; "none" when it has none).</summary>
    public SortedDictionary<string, long> PerClass { get; set; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> PerDecision { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Transactions per signature word (<see cref="SignatureWords.Bucket"/>): smime:STATUS, pdf:STATUS, unsigned or not-checked.</summary>
    public SortedDictionary<string, long> PerSignature { get; set; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> PerSenderDomain { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Accepted transactions carrying an official document (invitation, meeting-document, report, notice, work-document).</summary>
    public long OfficialTransactions { get; set; }
    /// <summary>Of those, the ones that travelled signed: S/MIME valid, or every official attachment PDF-signed valid.</summary>
    public long OfficialSigned { get; set; }
    /// <summary>
    /// Of those, the ones that carried no signature at all (signature word "unsigned"); the same transactions as
    /// <c>gateway audit query --class official --decision accepted --signature unsigned</c>.
    /// </summary>
    public long OfficialUnsigned { get; set; }
    /// <summary>OfficialSigned / OfficialTransactions as a percentage; null when there were none.</summary>
    public double? OfficialSignedPercent { get; set; }
}
