namespace GovGateway.Access.Identity;

/// <summary>Something that knows extra sender addresses for a login (the local users file does).</summary>
internal interface IAliasSource
{
    /// <summary>The aliases stored for the login, or an empty list when it has none or is unknown.</summary>
    IReadOnlyList<string> AliasesOf(string user);
}
