using System.Net;
using System.Net.Sockets;

namespace GovGateway.TestKit;

public static class Ports
{
    /// <summary>A port on 127.0.0.1 that was free a moment ago, for peers that cannot take port 0.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                // Polling a port in the ephemeral range that nobody listens on can connect the socket to itself (TCP
                // simultaneous open when the kernel picks the same port as source): that is not the server.
                if (((IPEndPoint)client.Client.LocalEndPoint!).Port != port) return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"nothing listens on 127.0.0.1:{port} after {timeout}");
            await Task.Delay(50);
        }
    }
}
