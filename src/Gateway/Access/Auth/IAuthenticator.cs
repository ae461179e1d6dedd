using System.Net;

namespace GovGateway.Access.Auth;

/// <summary>Checks an AUTH PLAIN/LOGIN user name and password.</summary>
internal interface IAuthenticator
{
    ValueTask<AuthOutcome> AuthenticateAsync(string user, string password, IPAddress client, CancellationToken ct);
}
