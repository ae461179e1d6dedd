using System.Net;
using System.Reflection;
using GovGateway.Configuration;
using GovGateway.Smtp;
using GovGateway.Tls;
using Microsoft.Extensions.Configuration;

namespace GovGateway.Listeners;

/// <summary>
/// The "Smtp" configuration section. Its engine keys (MaxMessageSize, the timeouts, the abuse limits, ...) are bound
/// straight onto the engine's <see cref="SmtpServerOptions"/>, which alone holds their defaults; this type adds what only
/// the host knows: its name, the three listeners, TLS files and the stop grace.
/// </summary>
internal sealed class SmtpSettings
{
    public const string SectionName = "Smtp";

    /// <summary>
    /// The keys of this section that are the engine's: every settable single-value property of <see cref="SmtpServerOptions"/>
    /// but its host name (which the host resolves, <see cref="HostName"/>).
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, PropertyInfo> EngineKeys = typeof(SmtpServerOptions).GetProperties()
        .Where(p => p.CanWrite && p.Name != nameof(SmtpServerOptions.HostName)
                    && (p.PropertyType.IsPrimitive || p.PropertyType == typeof(TimeSpan) || p.PropertyType == typeof(string)))
        .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private IConfiguration _engineKeys = new ConfigurationBuilder().Build();

    /// <summary>Name used in the greeting, EHLO reply, Received lines and bounces. Empty: the machine's fully qualified name (see <see cref="HostNames"/>).</summary>
    public string HostName { get; set; } = "";
    /// <summary>How long a stop waits for transactions in flight before answering 421.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(30);
    public ListenersSettings Listeners { get; set; } = new();
    public TlsSettings Tls { get; set; } = new();

    /// <summary>Binds the section; an unknown key or a value that does not parse is an error, and so is what <see cref="Validate"/> finds.</summary>
    public static SmtpSettings FromConfiguration(IConfiguration configuration, bool validate = true)
    {
        var section = OptionsBinding.Section(configuration, SectionName);
        var settings = new SmtpSettings { _engineKeys = Only(section, EngineKeys.ContainsKey) };
        OptionsBinding.BindKeys(Only(section, key => !EngineKeys.ContainsKey(key)), SectionName, settings);
        settings.EngineOptions(); // a value that does not parse is an error now, not at the first use
        return validate ? OptionsBinding.Checked(settings, settings.Validate()) : settings;
    }

    /// <summary>A new engine options object with this section's engine keys applied over the engine's defaults.</summary>
    public SmtpServerOptions EngineOptions() => OptionsBinding.BindKeys(_engineKeys, SectionName, new SmtpServerOptions());

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
        // The engine's limits by the engine's own rules (it names the first one wrong), with a stand-in name and listener.
        var engine = EngineOptions();
        engine.HostName = "check.invalid";
        engine.Listeners = [new SmtpListenerOptions { Name = "check", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }];
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

    // The keys of the section whose first segment passes the filter, as a configuration of their own.
    private static IConfiguration Only(IConfigurationSection section, Func<string, bool> keep) => new ConfigurationBuilder()
        .AddInMemoryCollection(section.AsEnumerable(makePathsRelative: true).Where(kv => kv.Key.Length > 0 && keep(kv.Key.Split(ConfigurationPath.KeyDelimiter)[0])))
        .Build();
}

internal sealed class ListenersSettings
{
    public ListenerSettings Relay { get; set; } = new() { Port = 2525 };
    public ListenerSettings Submission { get; set; } = new() { Port = 2587 };
    public ListenerSettings Smtps { get; set; } = new() { Port = 2465 };
}

internal sealed class ListenerSettings
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
