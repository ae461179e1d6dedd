using Microsoft.Extensions.Configuration;
using GovGateway.Configuration;

namespace GovGateway.Pipeline;

/// <summary>What the gateway does with a message whose evaluation ran past <see cref="EvaluationOptions.Timeout"/>.</summary>
internal enum EvaluationTimeoutAction
{
    /// <summary>Temporary refusal (451 4.7.0, bilingual): the sender's server tries again later.</summary>
    Refuse,
    /// <summary>Accept it into quarantine for an administrator to look at.</summary>
    Quarantine,
}

/// <summary>Limits on policy evaluation, bound from the configuration section "Evaluation".</summary>
internal sealed class EvaluationOptions
{
    public const string SectionName = "Evaluation";

    /// <summary>Longest time one message's evaluation may take; its cancellation reaches the MIME parser and the analysers.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What happens to a message whose evaluation ran out of time.</summary>
    public EvaluationTimeoutAction OnTimeout { get; set; } = EvaluationTimeoutAction.Refuse;

    /// <summary>
    /// Evaluations that run at once; the rest wait (without a time limit of their own: the client's DATA timeout
    /// bounds them), so a flood of heavy messages cannot take every core and starve the process.
    /// </summary>
    public int MaxConcurrent { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>Binds the section; an unknown key or a value that does not parse is an error, never ignored.</summary>
    public static EvaluationOptions FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        var options = OptionsBinding.Bind(configuration, SectionName, new EvaluationOptions());
        return validate ? OptionsBinding.Checked(options, options.Validate()) : options;
    }

    /// <summary>Every problem of these settings, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromHours(1))
            problems.Add($"Evaluation:Timeout must be more than 0 and at most 01:00:00 (is {Timeout}).");
        if (!Enum.IsDefined(OnTimeout))
            problems.Add($"Evaluation:OnTimeout must be Refuse or Quarantine (is {OnTimeout}).");
        if (MaxConcurrent <= 0)
            problems.Add($"Evaluation:MaxConcurrent must be positive (is {MaxConcurrent}).");
        return problems;
    }
}
