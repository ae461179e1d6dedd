using GovGateway.Replies;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using GovGateway.Smtp;

namespace GovGateway.Hosting;

/// <summary>Maps the "Smtp" configuration section onto the engine's options.</summary>
public static class SmtpOptionsFactory
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
        });
    }
}
