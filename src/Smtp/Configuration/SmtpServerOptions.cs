namespace GovGateway.Smtp;

/// <summary>
/// Everything the engine enforces by itself. Defaults follow RFC 5321 section 4.5.3 and common
/// MTA practice (Postfix); they are the only defaults of these settings (the host's "Smtp" section starts from them).
/// </summary>
public sealed class SmtpServerOptions
{
    /// <summary>The name this server gives in the greeting and the EHLO reply.</summary>
    public string HostName { get; set; } = Environment.MachineName;

    public List<SmtpListenerOptions> Listeners { get; set; } = new();

    /// <summary>Largest message accepted, in octets (advertised with SIZE, enforced while reading).</summary>
    public long MaxMessageSize { get; set; } = 50L * 1024 * 1024;

    public int MaxRecipients { get; set; } = 100;

    /// <summary>Longest command line, CRLF included (RFC 5321: 512).</summary>
    public int MaxCommandLineLength { get; set; } = 512;

    /// <summary>Longest text line in DATA, CRLF included (RFC 5321: 1000); may be set larger.</summary>
    public int MaxTextLineLength { get; set; } = 1000;

    /// <summary>
    /// How long the server waits for a whole command line, from the first wait to its CRLF, however the
    /// bytes trickle in (RFC 5321 4.5.3.2.7: 5 minutes). A line once begun must also be finished within
    /// <see cref="DataRateGracePeriod"/> plus <see cref="MaxCommandLineLength"/> at <see cref="MinDataRateBytesPerSecond"/>.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the server waits for any further content bytes during DATA/BDAT. RFC 5321 asks at least 3 minutes;
    /// 10 (Postfix's smtpd_timeout is 5, Exchange's 10) lets a large scanned document cross a slow provincial link.
    /// </summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Slowest content rate tolerated once <see cref="DataRateGracePeriod"/> has passed; 0 disables the
    /// check. Also bounds how long a begun command line may take (see <see cref="CommandTimeout"/>).
    /// </summary>
    public int MinDataRateBytesPerSecond { get; set; } = 1024;

    /// <summary>Time a transfer may take before the minimum data rate is enforced.</summary>
    public TimeSpan DataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a listener with <see cref="SmtpListenerOptions.ProxyProtocol"/> waits for the PROXY header. A load
    /// balancer writes it at once on connecting, so this is short: a peer that sends nothing is not a proxy.
    /// </summary>
    public TimeSpan ProxyHeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest a connection may stay open at all.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Connections each listener serves at once, unless the listener sets its own (a budget per listener, not shared).</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>Connections from one client address on each listener, unless the listener sets its own.</summary>
    public int MaxConnectionsPerIp { get; set; } = 50;

    /// <summary>Rejected commands (500/501/502/503/504/555) tolerated before the server says 421 and closes.</summary>
    public int MaxBadCommands { get; set; } = 10;

    /// <summary>Failed AUTH attempts from one client address, within <see cref="AuthFailureWindow"/>, before it is locked out.</summary>
    public int MaxAuthFailuresPerIp { get; set; } = 12;

    /// <summary>How long failures are remembered, and so how long a lockout lasts.</summary>
    public TimeSpan AuthFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Pause before every failed-AUTH reply, to slow password guessing.</summary>
    public TimeSpan AuthFailureDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The texts of the engine's own refusals; English unless the host gives its own.</summary>
    public SmtpReplies Replies { get; set; } = new();

    /// <summary>Checks the values and throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(HostName) || HostName.Any(c => c is ' ' or '\r' or '\n'))
            throw new ArgumentException("HostName must be a non-empty name without spaces.", nameof(HostName));
        if (Listeners.Count == 0)
            throw new ArgumentException("At least one listener is required.", nameof(Listeners));
        if (Replies is null || Replies.Other is null || Replies.MessageTooBig is null || Replies.ContentLineTooLong is null || Replies.TooManyRecipients is null)
            throw new ArgumentException("Replies and its functions may not be null.", nameof(Replies));
        Positive(MaxMessageSize, nameof(MaxMessageSize));
        Positive(MaxRecipients, nameof(MaxRecipients));
        if (MaxCommandLineLength < 512)
            throw new ArgumentException("MaxCommandLineLength may not be below the RFC 5321 minimum of 512.", nameof(MaxCommandLineLength));
        if (MaxTextLineLength < 1000)
            throw new ArgumentException("MaxTextLineLength may not be below the RFC 5321 minimum of 1000.", nameof(MaxTextLineLength));
        Positive(CommandTimeout.Ticks, nameof(CommandTimeout));
        Positive(DataTimeout.Ticks, nameof(DataTimeout));
        Positive(SessionTimeout.Ticks, nameof(SessionTimeout));
        Positive(ProxyHeaderTimeout.Ticks, nameof(ProxyHeaderTimeout));
        Positive(MaxConnections, nameof(MaxConnections));
        Positive(MaxConnectionsPerIp, nameof(MaxConnectionsPerIp));
        Positive(MaxBadCommands, nameof(MaxBadCommands));
        Positive(MaxAuthFailuresPerIp, nameof(MaxAuthFailuresPerIp));
        if (MinDataRateBytesPerSecond < 0)
            throw new ArgumentException("MinDataRateBytesPerSecond may not be negative.", nameof(MinDataRateBytesPerSecond));
        if (AuthFailureDelay < TimeSpan.Zero)
            throw new ArgumentException("AuthFailureDelay may not be negative.", nameof(AuthFailureDelay));

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listener in Listeners)
        {
            if (string.IsNullOrWhiteSpace(listener.Name))
                throw new ArgumentException("Every listener needs a name.", nameof(Listeners));
            if (!names.Add(listener.Name))
                throw new ArgumentException($"Listener name '{listener.Name}' is used twice.", nameof(Listeners));
            if (listener.EndPoint is null)
                throw new ArgumentException($"Listener '{listener.Name}' has no end point.", nameof(Listeners));
            if (listener.Role == ListenerRole.Smtps && listener.Certificate is null)
                throw new ArgumentException($"Listener '{listener.Name}' is implicit TLS (Smtps) and needs a certificate.", nameof(Listeners));
            if (listener.MaxConnections is < 1 || listener.MaxConnectionsPerIp is < 1)
                throw new ArgumentException($"Listener '{listener.Name}': MaxConnections and MaxConnectionsPerIp must be positive.", nameof(Listeners));
            if (listener.ProxyProtocol && (listener.TrustedProxies is null || listener.TrustedProxies.Count == 0))
                throw new ArgumentException($"Listener '{listener.Name}' takes the PROXY protocol but trusts no proxy: give TrustedProxies.", nameof(Listeners));
            if (listener.Certificate is { HasPrivateKey: false })
                throw new ArgumentException($"The certificate of listener '{listener.Name}' has no private key.", nameof(Listeners));
        }
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive.", name);
    }
}
