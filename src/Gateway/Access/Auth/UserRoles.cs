using GovGateway.Configuration;

namespace GovGateway.Access.Auth;

/// <summary>
/// What an account may do besides sending mail. Staff send mail only; auditors read and export the audit log in the
/// console; administrators manage the queue and quarantine and see policy and runtime state. The roles are separate on
/// purpose: an administrator without the auditor role does not read the audit log.
/// </summary>
internal static class UserRoles
{
    public const string Staff = "staff";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Staff, Auditor, Admin];

    /// <summary>The roles given, checked and without repeats; none given means staff. Throws <see cref="UsersFileException"/> naming the nearest role.</summary>
    public static List<string> Validate(IEnumerable<string>? roles)
    {
        var result = new List<string>();
        foreach (var given in roles ?? [])
        {
            var role = given.Trim().ToLowerInvariant();
            if (!All.Contains(role))
            {
                var near = NearestName.Of(role, All);
                throw new UsersFileException($"'{given}' is not a role; roles are {string.Join(", ", All)}." + (near is null ? "" : $" Did you mean '{near}'?"));
            }
            if (!result.Contains(role)) result.Add(role);
        }
        return result.Count == 0 ? [Staff] : result;
    }
}
