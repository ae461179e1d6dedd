using System.Net;
using GovGateway.Smtp;
using Microsoft.Extensions.Configuration;

namespace GovGateway.Hosting;

/// <summary>
/// The "Smtp" configuration section. The engine's limits keep the engine's own defaults (<see cref="SmtpServerOptions"/>
/// holds them, and only there); this type adds what only the host knows: its name, the three listeners, TLS files and
/// the stop grace.
/// </summary>
public sealed class SmtpSettings
{
    public const string SectionName = "Smtp";

    private static readonly SmtpServerOptions Engine = new();

    /// <summary>Name used in the greeting, EHLO reply, Received lines and bounces. Empty: the machine's fully qualified name (see <see cref="HostNames"/>).</summary>
    public string HostName { get; set; } = "";
    public long MaxMessageSize { get; set; } = Engine.MaxMessageSize;
    public int MaxRecipients { get; set; } = Engine.MaxRecipients;
    /// <summary>RFC 5321 allows 1000 octets per text line; some senders need a larger cap.</summary>
    public int MaxTextLineLength { get; set; } = Engine.MaxTextLineLength;
    public TimeSpan CommandTimeout { get; set; } = Engine.CommandTimeout;
    public TimeSpan DataTimeout { get; set; } = Engine.DataTimeout;
    public int MinDataRateBytesPerSecond { get; set; } = Engine.MinDataRateBytesPerSecond;
    public TimeSpan SessionTimeout { get; set; } = Engine.SessionTimeout;
    public int MaxConnections { get; set; } = Engine.MaxConnections;
    public int MaxConnectionsPerIp { get; set; } = Engine.MaxConnectionsPerIp;
    public int MaxBadCommands { get; set; } = Engine.MaxBadCommands;
    public int MaxAuthFailuresPerIp { get; set; } = Engine.MaxAuthFailuresPerIp;
    public TimeSpan AuthFailureDelay { get; set; } = Engine.AuthFailureDelay;
    /// <summary>How long a stop waits for transactions in flight before answering 421.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(30);
    public ListenersSettings Listeners { get; set; } = new();
    public TlsSettings Tls { get; set; } = new();

    /// <summary>Binds the section; an unknown key or a value that does not parse is an error, and so is what <see cref="Validate"/> finds.</summary>
    public static SmtpSettings FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        var settings = OptionsBinding.Bind(configuration, SectionName, new SmtpSettings());
        return validate ? OptionsBinding.Checked(settings, settings.Validate()) : settings;
    }

    /// <summary>Every problem of these settings, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var enabled = 0;
        foreach (var (name, listener) in new[] { ("Relay", Listeners.Relay), ("Submission", Listeners.Submission), ("Smtps", Listeners.Smtps) })
        {
            if (!listener.Enabled) continue;
            enabled++;
            if (!IPAddress.TryParse(listener.Address, out _))
                problems.Add($"Smtp:Listeners:{name}:Address is not an IP address: '{listener.Address}'.");
            if (listener.Port is < 0 or > 65535)
                problems.Add($"Smtp:Listeners:{name}:Port is out of range: {listener.Port}.");
            if (listener.MaxConnections is < 1 || listener.MaxConnectionsPerIp is < 1)
                problems.Add($"Smtp:Listeners:{name}: MaxConnections and MaxConnectionsPerIp must be positive.");
        }
        if (enabled == 0)
            problems.Add("Every SMTP listener is switched off (Smtp:Listeners:*:Enabled): nothing to serve.");
        if (ShutdownGrace < TimeSpan.Zero)
            problems.Add($"Smtp:ShutdownGrace must not be negative (is {ShutdownGrace}).");
        if (Tls.ExpiryWarningDays < 0)
            problems.Add($"Smtp:Tls:ExpiryWarningDays must not be negative (is {Tls.ExpiryWarningDays}).");
        // The engine's own limits are checked by the engine's own rules.
        var engine = ApplyLimits(new SmtpServerOptions { HostName = "check.invalid", Listeners = [new SmtpListenerOptions { Name = "check", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }] });
        try
        {
            engine.Validate();
        }
        catch (ArgumentException ex)
        {
            problems.Add($"Smtp:{ex.ParamName}: {ex.Message.Split(" (Parameter")[0]}");
        }
        return problems;
    }

    /// <summary>Copies the engine's limits from these settings onto <paramref name="options"/>.</summary>
    internal SmtpServerOptions ApplyLimits(SmtpServerOptions options)
    {
        options.MaxMessageSize = MaxMessageSize;
        options.MaxRecipients = MaxRecipients;
        options.MaxTextLineLength = MaxTextLineLength;
        options.CommandTimeout = CommandTimeout;
        options.DataTimeout = DataTimeout;
        options.MinDataRateBytesPerSecond = MinDataRateBytesPerSecond;
        options.SessionTimeout = SessionTimeout;
        options.MaxConnections = MaxConnections;
        options.MaxConnectionsPerIp = MaxConnectionsPerIp;
        options.MaxBadCommands = MaxBadCommands;
        options.MaxAuthFailuresPerIp = MaxAuthFailuresPerIp;
        options.AuthFailureDelay = AuthFailureDelay;
        return options;
    }
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
