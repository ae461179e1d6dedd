using Gateway.Tests.Support;
using GovGateway.Spool;

namespace Gateway.Tests.Cluster;

/// <summary>
/// One `gateway run` node of the cluster tests, on its own configuration and data folders: its relay listener takes
/// PROXY v2 from HAProxy on 127.0.0.1 only, and it delivers to the tests' upstream.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly Dictionary<string, string> _settings;

    /// <param name="settings">What this test's nodes set beyond that (the node's name, the audit store).</param>
    public ClusterNode(string name, string config, string data, Upstream upstream, IReadOnlyDictionary<string, string> settings)
    {
        Name = name;
        Config = config;
        Data = data;
        _settings = new Dictionary<string, string>
        {
            ["Smtp:HostName"] = $"{name}.test.gov.vn",
            ["Smtp:Listeners:Relay:ProxyProtocol"] = "true",
            ["Smtp:Listeners:Relay:TrustedProxies:0"] = "127.0.0.1",
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Delivery:RetryBaseDelay"] = "00:00:01",
            ["Delivery:RetryMaxDelay"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Information",
        };
        foreach (var (key, value) in settings) _settings[key] = value;
        Process = new GatewayProcess(config, data, _settings);
    }

    public string Name { get; }
    public string Config { get; }
    public string Data { get; }
    public string Tag => QueueId.NodeTag(Name);
    public GatewayProcess Process { get; private set; }

    /// <summary>A new process on the same folders and relay port (where HAProxy looks for it), after the last one was killed.</summary>
    public GatewayProcess Replace() => Process = new GatewayProcess(Config, Data, _settings, relayPort: Process.RelayPort);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
