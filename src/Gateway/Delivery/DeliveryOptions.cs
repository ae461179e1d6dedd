using MailKit.Security;
using Microsoft.Extensions.Configuration;
using GovGateway.Configuration;

namespace GovGateway.Delivery;

public enum UpstreamSecurity { None, StartTls, StartTlsWhenAvailable, SslOnConnect }

/// <summary>The mail server messages are relayed to.</summary>
internal sealed class UpstreamOptions
{
    /// <summary>Host name or address; null or empty means "no upstream": messages go to DATA/outbox/.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    /// <summary>
    /// Unset: StartTls whenever a password is to cross (the gateway's own <see cref="UserName"/>, or users' passwords
    /// with Access:Auth:Backend=upstream), otherwise StartTlsWhenAvailable. See <see cref="EffectiveSecurity"/> and
    /// <see cref="SecurityForPasswords"/>.
    /// </summary>
    public UpstreamSecurity? Security { get; set; }
    public string? UserName { get; set; }
    /// <summary>Prefer <see cref="PasswordFile"/>: a password given here shows in the configuration, the environment or the process list.</summary>
    public string? Password { get; set; }
    /// <summary>
    /// A file holding the password (one line). A relative name is looked up in systemd's
    /// $CREDENTIALS_DIRECTORY (LoadCredential=). Unset, with <see cref="UserName"/> set and no
    /// <see cref="Password"/>: the credential "upstream-password" there, if present.
    /// </summary>
    public string? PasswordFile { get; set; }
    /// <summary>Accept any server certificate (self-signed upstreams, tests). Off by default.</summary>
    public bool AcceptInvalidCertificates { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public bool HasCredentials => !string.IsNullOrEmpty(UserName);

    public UpstreamSecurity EffectiveSecurity => HasCredentials ? SecurityForPasswords : Security ?? UpstreamSecurity.StartTlsWhenAvailable;

    /// <summary>The security of a connection that carries a password: <see cref="Security"/>, StartTls when unset.</summary>
    public UpstreamSecurity SecurityForPasswords => Security ?? UpstreamSecurity.StartTls;

    /// <summary>
    /// Sets up a MailKit client for this upstream: the name it gives in EHLO, its time limit, and the certificate check
    /// (without revocation lookups, which would make every delivery depend on the CA's CRL server being reachable).
    /// </summary>
    public T Prepare<T>(T client, string heloName, TimeSpan timeout) where T : MailKit.Net.Smtp.SmtpClient
    {
        client.LocalDomain = heloName;
        client.Timeout = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);
        client.CheckCertificateRevocation = false;
        if (AcceptInvalidCertificates)
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        return client;
    }

    /// <summary>MailKit's name for a security setting.</summary>
    public static SecureSocketOptions ToMailKit(UpstreamSecurity security) => security switch
    {
        UpstreamSecurity.None => SecureSocketOptions.None,
        UpstreamSecurity.StartTls => SecureSocketOptions.StartTls,
        UpstreamSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };
}

/// <summary>Configuration section "Delivery".</summary>
internal sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    public UpstreamOptions Upstream { get; set; } = new();
    /// <summary>Simultaneous upstream connections, each reused across messages (Postfix's default_destination_concurrency_limit).</summary>
    public int MaxConcurrency { get; set; } = 20;
    /// <summary>How long temporary failures are retried before the message is bounced.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(5);
    /// <summary>First retry delay; each further attempt doubles it up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Name used in EHLO and as Reporting-MTA in bounces. Empty: Smtp:HostName, the gateway's own name.</summary>
    public string HostName { get; set; } = "";
    /// <summary>From: of bounces; null means postmaster@<see cref="HostName"/>.</summary>
    public string? BounceFrom { get; set; }
    /// <summary>An idle upstream connection is closed after this long.</summary>
    public TimeSpan ConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Timeout of each network operation with the upstream.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>How often the queue folder is re-read for changes made by other processes (queue retry, quarantine release).</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Bounces quote the whole original up to this size, only its headers above it.</summary>
    public long BounceMaxOriginalBytes { get; set; } = 10 * 1024 * 1024;

    public string EffectiveBounceFrom => string.IsNullOrWhiteSpace(BounceFrom) ? "postmaster@" + HostName : BounceFrom!;

    /// <summary>
    /// Binds the section once for the whole gateway: delivery and the pass-through AUTH backend
    /// (<see cref="Access.UpstreamEndpoint.ForPassThroughAuth"/>) read the same <see cref="Upstream"/>.
    /// </summary>
    public static DeliveryOptions FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        var options = OptionsBinding.Bind(configuration, SectionName, new DeliveryOptions());
        options.Upstream.Password = Secrets.Resolve(options.Upstream.Password, options.Upstream.PasswordFile,
            "Delivery:Upstream:Password", "upstream-password", required: options.Upstream.HasCredentials && options.Upstream.IsConfigured);
        return validate ? OptionsBinding.Checked(options, options.Validate()) : options;
    }

    /// <summary>Every problem of these settings, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxConcurrency < 1) problems.Add("Delivery:MaxConcurrency must be at least 1.");
        if (Upstream.Port is < 1 or > 65535) problems.Add("Delivery:Upstream:Port must be 1-65535.");
        if (Upstream.IsConfigured && Upstream.HasCredentials && Upstream.Security == UpstreamSecurity.None)
            problems.Add("Delivery:Upstream:Security is None but Delivery:Upstream:UserName is set: the password would cross the network in clear. Use StartTls or SslOnConnect.");
        if (RetryBaseDelay <= TimeSpan.Zero) problems.Add("Delivery:RetryBaseDelay must be positive.");
        if (RetryMaxDelay < RetryBaseDelay) problems.Add("Delivery:RetryMaxDelay must not be below RetryBaseDelay.");
        if (MaxAge <= TimeSpan.Zero) problems.Add("Delivery:MaxAge must be positive.");
        return problems;
    }

    /// <summary>Delay before attempt number <paramref name="attemptsSoFar"/> + 1: base × 2^(n−1), capped.</summary>
    public TimeSpan RetryDelay(int attemptsSoFar)
    {
        var exponent = Math.Clamp(attemptsSoFar - 1, 0, 30);
        var ticks = RetryBaseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= RetryMaxDelay.Ticks ? RetryMaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
