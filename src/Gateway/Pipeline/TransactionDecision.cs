using GovGateway.Audit;
using GovGateway.Smtp;

namespace GovGateway.Pipeline;

/// <summary>How the gateway answered a transaction: the one set of decisions the handler chooses from.</summary>
internal enum TransactionDecision
{
    /// <summary>250: committed to the queue with its audit record.</summary>
    Accepted,
    /// <summary>5xx: refused for good (access, policy, a limit).</summary>
    Rejected,
    /// <summary>Held for an administrator.</summary>
    Quarantined,
    /// <summary>4xx or no answer: the client may try again (storage, time budget, a client that left).</summary>
    Failed,
}

internal static class TransactionDecisions
{
    /// <summary>The stored form: the audit library's <see cref="AuditDecisions"/> strings, which queries and exports read.</summary>
    public static string ToAuditDecision(this TransactionDecision decision) => decision switch
    {
        TransactionDecision.Accepted => AuditDecisions.Accepted,
        TransactionDecision.Rejected => AuditDecisions.Rejected,
        TransactionDecision.Quarantined => AuditDecisions.Quarantined,
        TransactionDecision.Failed => AuditDecisions.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, null),
    };

    /// <summary>A refusal by its reply code: a 5xx is final, anything else (4xx, or no reply sent) lets the client retry.</summary>
    public static TransactionDecision ForRefusal(SmtpReply reply) => reply.Code >= 500 ? TransactionDecision.Rejected : TransactionDecision.Failed;
}
