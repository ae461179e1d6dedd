using GovGateway.Smtp;

namespace GovGateway.Access.RateLimiting;

/// <summary>Whether a message may go now; if not, when to retry and the bilingual 450/452 reply to send.</summary>
internal readonly record struct RateDecision(bool Allowed, TimeSpan RetryAfter, SmtpReply Reply, string? Limit = null)
{
    public static RateDecision Allow => new(true, TimeSpan.Zero, SmtpReply.Ok());
}
