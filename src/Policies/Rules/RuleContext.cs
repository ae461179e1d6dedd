using GovGateway.Policies.Configuration;
using GovGateway.Policies.Evaluation;

namespace GovGateway.Policies.Rules;

/// <summary>What conditions look at. <see cref="Message"/> is null when only the envelope is known (MAIL FROM time).</summary>
internal sealed record RuleContext(PolicyEnvelope Envelope, PolicySettings Settings, MessageAnalysis? Message);
