namespace GovGateway.Audit;

/// <summary>The audit log cannot record right now (journal write failed or log closed). The pipeline should answer with a temporary failure.</summary>
public sealed class AuditLogUnavailableException : Exception
{
    public AuditLogUnavailableException(string message) : base(message) { }
    public AuditLogUnavailableException(string message, Exception inner) : base(message, inner) { }
}
