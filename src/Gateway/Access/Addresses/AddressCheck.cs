namespace GovGateway.Access.Addresses;

/// <summary>The outcome of <see cref="AddressValidator.Check"/>: a normalised mailbox, or why it was refused.</summary>
internal sealed record AddressCheck
{
    public required AddressProblem Problem { get; init; }

    /// <summary>Local part, NFC-normalised, unquoted when quoting is not needed; empty when refused.</summary>
    public string LocalPart { get; init; } = "";

    /// <summary>Domain as a lower-case A-label name without trailing dot; empty when refused.</summary>
    public string Domain { get; init; } = "";

    /// <summary>Domain in Unicode form, for people.</summary>
    public string UnicodeDomain { get; init; } = "";

    /// <summary>English description of the refusal, or empty.</summary>
    public string Reason { get; init; } = "";

    public bool IsValid => Problem == AddressProblem.None;

    /// <summary>True when the address was refused as a relay trick rather than as plain bad syntax.</summary>
    public bool IsRoutingTrick => Problem > AddressProblem.Malformed;

    /// <summary>local@domain with the A-label domain (comparison and routing form).</summary>
    public string Address => IsValid ? $"{LocalPart}@{Domain}" : "";

    internal static AddressCheck Refused(AddressProblem problem, string reason) => new() { Problem = problem, Reason = reason };
}
