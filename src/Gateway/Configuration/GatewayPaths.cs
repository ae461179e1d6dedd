namespace GovGateway.Configuration;

/// <summary>Where the gateway reads its configuration and keeps its state.</summary>
internal sealed record GatewayPaths(string ConfigDir, string DataDir)
{
    public string Resolve(string relative) => Path.Combine(DataDir, relative);
}
