namespace GovGateway.Audit;

/// <summary>
/// The audit log on disk is not the one the gateway wrote: audit.db cannot be read, or it ends before (or differs at)
/// the chain head kept beside it in DATA/audit/head. Not an <see cref="IOException"/>: nothing is retried, and nobody
/// should start a new chain over it without deciding to.
/// </summary>
public sealed class AuditLogDamagedException : Exception
{
    public AuditLogDamagedException(string message) : base(message) { }
    public AuditLogDamagedException(string message, Exception inner) : base(message, inner) { }
}
