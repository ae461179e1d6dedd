using GovGateway.Access.Addresses;

namespace GovGateway.Access.Identity;

/// <summary>One comparison key per login, shared by the users file, lockouts, rate limits and aliases.</summary>
internal static class UserNames
{
    private static readonly AddressValidator Validator = new();

    /// <summary>
    /// Logins that are addresses become "localpart@a-label.domain" in lower case (so Unicode and
    /// punycode domains and any letter case are one login); other logins are trimmed and lower-cased.
    /// </summary>
    public static string Key(string login)
    {
        var check = Validator.Check(login);
        return check.IsValid
            ? $"{check.LocalPart.ToLowerInvariant()}@{check.Domain}"
            : login.Trim().Normalize().ToLowerInvariant();
    }
}
