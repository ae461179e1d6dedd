using System.Net.Sockets;

namespace GovGateway.Smtp.Proxy;

/// <summary>Why a connection's PROXY header was not accepted; the message is for the administrator's log.</summary>
public sealed class ProxyHeaderException(string message) : Exception(message);

/// <summary>
/// Reads a PROXY protocol header off a freshly accepted socket, taking exactly the header's bytes and none of
/// what follows: after it may come the client's TLS handshake (implicit TLS), which the session must see whole.
/// v2 lengths are known in advance; a v1 line is read up to its line feed by peeking first. Bounded in bytes
/// (<see cref="ProxyHeaderParser.MaxV1Length"/>, <see cref="ProxyHeaderParser.MaxV2Length"/>) and in time.
/// </summary>
public static class ProxyHeaderReader
{
    /// <summary>Reads and parses the header; throws <see cref="ProxyHeaderException"/> saying what was wrong.</summary>
    public static async Task<ProxyHeader> ReadAsync(Socket socket, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var buffer = new byte[ProxyHeaderParser.MaxV2Length];
        int have = 0;
        try
        {
            while (true)
            {
                var status = ProxyHeaderParser.TryParse(buffer.AsSpan(0, have), out var header, out int needed, out var error);
                if (status == ProxyParseStatus.Complete) return header!;
                if (status == ProxyParseStatus.Invalid) throw new ProxyHeaderException(error!);

                int take;
                if (needed > 0)
                {
                    take = needed - have;
                }
                else
                {
                    // A v1 line: everything before its line feed is header, so what is there can be taken up to it.
                    int room = ProxyHeaderParser.MaxV1Length - have;
                    int peeked = await socket.ReceiveAsync(buffer.AsMemory(have, room), SocketFlags.Peek, deadline.Token).ConfigureAwait(false);
                    if (peeked == 0) throw Truncated(have);
                    int lf = buffer.AsSpan(have, peeked).IndexOf((byte)'\n');
                    take = lf >= 0 ? lf + 1 : peeked;
                }
                int read = await socket.ReceiveAsync(buffer.AsMemory(have, take), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (read == 0) throw Truncated(have);
                have += read;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProxyHeaderException(have == 0
                ? $"no PROXY header within {timeout.TotalSeconds:0.#} s"
                : $"PROXY header incomplete after {timeout.TotalSeconds:0.#} s ({have} bytes)");
        }
        catch (SocketException e)
        {
            throw new ProxyHeaderException($"connection failed while reading the PROXY header ({e.SocketErrorCode})");
        }
    }

    private static ProxyHeaderException Truncated(int have) =>
        new(have == 0 ? "connection closed before a PROXY header" : $"connection closed inside the PROXY header ({have} bytes)");
}
