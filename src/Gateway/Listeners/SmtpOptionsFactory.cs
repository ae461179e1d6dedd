using System.Net;
using System.Security.Cryptography.X509Certificates;
using GovGateway.Replies;
using GovGateway.Smtp;

namespace GovGateway.Listeners;

/// <summary>Maps the "Smtp" configuration section onto the engine's options.</summary>
internal static class SmtpOptionsFactory
{
    public static SmtpServerOptions Create(SmtpSettings s, string hostName, X509Certificate2 certificate)
    {
        var options = s.EngineOptions();
        options.HostName = hostName;
        options.Replies = GatewayReplies.EngineReplies();
        Add(options, "relay", s.Listeners.Relay, ListenerRole.Relay, certificate);
        Add(options, "submission", s.Listeners.Submission, ListenerRole.Submission, certificate);
        Add(options, "smtps", s.Listeners.Smtps, ListenerRole.Smtps, certificate);
        if (options.Listeners.Count == 0)
            throw new InvalidOperationException("Every SMTP listener is switched off (Smtp:Listeners:*:Enabled): nothing to serve.");
        return options;
    }

    private static void Add(SmtpServerOptions options, string name, ListenerSettings listener, ListenerRole role, X509Certificate2 certificate)
    {
        if (!listener.Enabled) return;
        if (!IPAddress.TryParse(listener.Address, out var address))
            throw new InvalidOperationException($"Smtp:Listeners:{name}:Address is not an IP address: '{listener.Address}'");
        if (listener.Port is < 0 or > 65535)
            throw new InvalidOperationException($"Smtp:Listeners:{name}:Port is out of range: {listener.Port}");
        options.Listeners.Add(new SmtpListenerOptions
        {
            Name = name,
            EndPoint = new IPEndPoint(address, listener.Port),
            Role = role,
            Certificate = certificate,
            MaxConnections = listener.MaxConnections,
            MaxConnectionsPerIp = listener.MaxConnectionsPerIp,
            ProxyProtocol = listener.ProxyProtocol,
            TrustedProxies = TrustedProxies(name, listener),
        });
    }

    private static List<IPNetwork> TrustedProxies(string name, ListenerSettings listener)
    {
        var key = $"Smtp:Listeners:{char.ToUpperInvariant(name[0])}{name[1..]}";
        var networks = new List<IPNetwork>();
        foreach (var entry in listener.TrustedProxies)
        {
            var text = entry.Trim();
            // "10.0.0.1/8" is refused rather than read as 10.0.0.0/8: more likely a typo for something narrower.
            if (text.Contains('/') && IPNetwork.TryParse(text, out var network)
                && IPAddress.TryParse(text.Split('/')[0], out var written) && written.Equals(network.BaseAddress))
                networks.Add(network);
            // IPAddress.TryParse reads "10" as 0.0.0.10: an IPv4 address must be written whole.
            else if (!text.Contains('/') && IPAddress.TryParse(text, out var address)
                     && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? text.Count(c => c == '.') == 3 : text.Contains(':')))
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else
                throw new InvalidOperationException($"{key}:TrustedProxies: '{entry}' is neither an address nor a network (10.0.0.5, 10.0.0.0/29, fd00::/64)");
        }
        if (listener.ProxyProtocol && networks.Count == 0)
            throw new InvalidOperationException($"{key}:ProxyProtocol is true but {key}:TrustedProxies is empty: give the load balancers' addresses (no one else may connect).");
        if (!listener.ProxyProtocol && networks.Count > 0)
            throw new InvalidOperationException($"{key}:TrustedProxies is set but {key}:ProxyProtocol is not true: set it, or remove TrustedProxies.");
        return networks;
    }
}
