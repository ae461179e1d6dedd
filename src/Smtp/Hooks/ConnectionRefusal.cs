namespace GovGateway.Smtp;

/// <summary>Why the engine closed a connection before it had a session (see <see cref="ISmtpHandler.OnConnectionRefused"/>).</summary>
public enum ConnectionRefusal
{
    /// <summary>Over the listener's MaxConnections or MaxConnectionsPerIp.</summary>
    TooManyConnections,
    /// <summary>The server is stopping.</summary>
    ShuttingDown,
    /// <summary>The listener takes connections only through its trusted proxies, and this one came from elsewhere.</summary>
    UntrustedProxy,
}
