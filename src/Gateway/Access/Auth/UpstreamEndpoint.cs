using System.Net.Security;
using GovGateway.Delivery;
using MailKit.Security;

namespace GovGateway.Access.Auth;

/// <summary>The upstream mail server whose AUTH the pass-through backend asks: how to reach it, read from Delivery:Upstream.</summary>
internal sealed record UpstreamEndpoint(string Host, int Port, SecureSocketOptions Security)
{
    /// <summary>Certificate check for the upstream TLS; null means the system's normal validation.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>
    /// The endpoint for pass-through AUTH, from the one bound <see cref="UpstreamOptions"/> (Delivery:Upstream) that
    /// delivery uses too. Users' passwords cross this connection, so an unset Security means StartTls
    /// (<see cref="UpstreamOptions.SecurityForPasswords"/>) and None is refused; a connection that still ends up without
    /// TLS is not given a password either (<see cref="UpstreamAuthenticator"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No host, or Security None.</exception>
    public static UpstreamEndpoint ForPassThroughAuth(UpstreamOptions upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        if (!upstream.IsConfigured)
            throw new ArgumentException("Delivery:Upstream:Host is not set; the upstream AUTH backend needs it.");
        var security = upstream.SecurityForPasswords;
        if (security == UpstreamSecurity.None)
            throw new ArgumentException("Delivery:Upstream:Security is None: pass-through AUTH (Access:Auth:Backend=upstream) would send users' passwords in clear. Use StartTls or SslOnConnect.");
        return new UpstreamEndpoint(upstream.Host!.Trim(), upstream.Port, UpstreamOptions.ToMailKit(security))
        {
            CertificateValidation = upstream.AcceptInvalidCertificates ? (_, _, _, _) => true : null,
        };
    }
}
