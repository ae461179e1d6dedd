using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace GovGateway.Smtp.Tests.Support;

/// <summary>A byte-exact SMTP client over a raw socket, for the cases real clients will not produce.</summary>
public sealed class RawClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[65536];
    private int _start, _end;

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public static async Task<RawClient> ConnectAsync(IPEndPoint endPoint)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endPoint);
        return new RawClient(tcp);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads one whole (possibly multi-line) reply; returns its lines joined by '\n'.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException("Connection closed; replies so far: " + string.Join("|", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-') return string.Join("\n", lines);
        }
    }

    /// <summary>Reads replies until the server closes; returns each reply's first line.</summary>
    public async Task<List<string>> ReadUntilClosedAsync()
    {
        var replies = new List<string>();
        while (await ReadLineAsync() is { } line)
            if (line.Length < 4 || line[3] != '-') replies.Add(line);
        return replies;
    }

    public async Task<string> CommandAsync(string command)
    {
        await SendAsync(command + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>True when the server has closed the connection (reads hit end of stream).</summary>
    public async Task<bool> IsClosedAsync()
    {
        try { return await ReadLineAsync() is null; }
        catch (IOException) { return true; }
    }

    public async Task StartTlsAsync()
    {
        var ssl = new SslStream(_stream, false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync("localhost");
        _stream = ssl;
        _start = _end = 0;
    }

    /// <summary>Hands the stream to a TLS client straight away (implicit TLS).</summary>
    public static async Task<RawClient> ConnectTlsAsync(IPEndPoint endPoint)
    {
        var client = await ConnectAsync(endPoint);
        await client.StartTlsAsync();
        return client;
    }

    private async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(ReadTimeout);
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end)
            {
                int n;
                try { n = await _stream.ReadAsync(_buffer, cts.Token); }
                catch (IOException) { n = 0; }
                if (n == 0) return line.Count == 0 ? null : Encoding.UTF8.GetString(line.ToArray());
                _start = 0;
                _end = n;
            }
            byte b = _buffer[_start++];
            if (b == '\n')
            {
                if (line.Count > 0 && line[^1] == '\r') line.RemoveAt(line.Count - 1);
                return Encoding.UTF8.GetString(line.ToArray());
            }
            line.Add(b);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
