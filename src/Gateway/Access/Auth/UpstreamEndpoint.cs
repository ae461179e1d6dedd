using System.Net.Security;
using MailKit.Security;
using Microsoft.Extensions.Configuration;

namespace GovGateway.Access;

/// <summary>The upstream mail server whose AUTH the pass-through backend asks (Delivery:Upstream).</summary>
public sealed record UpstreamEndpoint(string Host, int Port, SecureSocketOptions Security)
{
    /// <summary>Certificate check for the upstream TLS; null means the system's normal validation.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>
    /// Reads Host, Port and Security from a section such as "Delivery:Upstream". Security is one of
    /// StartTls, StartTlsWhenAvailable, SslOnConnect, Auto (MailKit's names, any case); None is
    /// refused (passwords would travel in clear), and a connection that ends up without TLS is not
    /// given a password either. Default StartTls, port 25.
    /// </summary>
    public static UpstreamEndpoint FromConfiguration(IConfiguration section)
    {
        var host = section["Host"];
        if (string.IsNullOrWhiteSpace(host))
            throw new ArgumentException($"{SectionPath(section)}:Host is not set; the upstream AUTH backend needs it.");
        var port = 25;
        if (section["Port"] is { Length: > 0 } portText && (!int.TryParse(portText, out port) || port is < 1 or > 65535))
            throw new ArgumentException($"{SectionPath(section)}:Port '{portText}' is not a TCP port.");
        var security = SecureSocketOptions.StartTls;
        if (section["Security"] is { Length: > 0 } securityText && !Enum.TryParse(securityText, ignoreCase: true, out security))
            throw new ArgumentException($"{SectionPath(section)}:Security '{securityText}' is not one of None, StartTls, StartTlsWhenAvailable, SslOnConnect, Auto.");
        if (security == SecureSocketOptions.None)
            throw new ArgumentException($"{SectionPath(section)}:Security is None: pass-through AUTH (Access:Auth:Backend=upstream) would send users' passwords in clear. Use StartTls or SslOnConnect.");
        return new UpstreamEndpoint(host.Trim(), port, security);
    }

    private static string SectionPath(IConfiguration section) => section is IConfigurationSection s ? s.Path : "Upstream";
}
