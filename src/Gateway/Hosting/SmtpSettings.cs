namespace GovGateway.Hosting;

/// <summary>The "Smtp" configuration section.</summary>
public sealed class SmtpSettings
{
    /// <summary>Name used in the greeting, EHLO reply, Received lines and bounces. Empty: the machine's fully qualified name (see <see cref="HostNames"/>).</summary>
    public string HostName { get; set; } = "";
    public long MaxMessageSize { get; set; } = 50L * 1024 * 1024;
    public int MaxRecipients { get; set; } = 100;
    /// <summary>RFC 5321 allows 1000 octets per text line; some senders need a larger cap.</summary>
    public int MaxTextLineLength { get; set; } = 1000;
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(10);
    public int MinDataRateBytesPerSecond { get; set; } = 1024;
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>How long a listener with ProxyProtocol waits for the load balancer's header (it comes at once from a real proxy).</summary>
    public TimeSpan ProxyHeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public int MaxConnections { get; set; } = 1000;
    public int MaxConnectionsPerIp { get; set; } = 50;
    public int MaxBadCommands { get; set; } = 10;
    public int MaxAuthFailuresPerIp { get; set; } = 12;
    public TimeSpan AuthFailureDelay { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How long a stop waits for transactions in flight before answering 421.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(30);
    public ListenersSettings Listeners { get; set; } = new();
    public TlsSettings Tls { get; set; } = new();
}

public sealed class ListenersSettings
{
    public ListenerSettings Relay { get; set; } = new() { Port = 2525 };
    public ListenerSettings Submission { get; set; } = new() { Port = 2587 };
    public ListenerSettings Smtps { get; set; } = new() { Port = 2465 };
}

public sealed class ListenerSettings
{
    public bool Enabled { get; set; } = true;
    public string Address { get; set; } = "127.0.0.1";
    public int Port { get; set; }
    /// <summary>This listener's own connection budget; unset: Smtp:MaxConnections (each listener counts separately).</summary>
    public int? MaxConnections { get; set; }
    /// <summary>Unset: Smtp:MaxConnectionsPerIp.</summary>
    public int? MaxConnectionsPerIp { get; set; }
    /// <summary>
    /// Behind a load balancer (HAProxy send-proxy / send-proxy-v2): every connection starts with a PROXY header
    /// naming the real client, which the audit log, rate limits and access rules then see. Needs <see cref="TrustedProxies"/>.
    /// </summary>
    public bool ProxyProtocol { get; set; }
    /// <summary>Addresses or CIDR networks of the load balancers (e.g. 10.0.0.5, 10.0.0.0/29); no one else may connect to a ProxyProtocol listener.</summary>
    public List<string> TrustedProxies { get; set; } = [];
}

public sealed class TlsSettings
{
    /// <summary>A PKCS#12 (.pfx/.p12) file, or a PEM certificate with <see cref="KeyPath"/>. Empty: a self-signed development certificate under the data folder.</summary>
    public string CertificatePath { get; set; } = "";
    /// <summary>Prefer <see cref="CertificatePasswordFile"/>: a password here shows in the configuration or the process list.</summary>
    public string CertificatePassword { get; set; } = "";
    /// <summary>A file holding the PKCS#12 password (first line); a relative name is read from systemd's $CREDENTIALS_DIRECTORY.</summary>
    public string CertificatePasswordFile { get; set; } = "";
    /// <summary>The PEM private key, when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string KeyPath { get; set; } = "";
    /// <summary>Days before the certificate's expiry from which start-up and a daily check log a warning.</summary>
    public int ExpiryWarningDays { get; set; } = 30;
}
