using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gateway.Tests.Delivery;

/// <summary>
/// A minimal SMTP sink on 127.0.0.1 for delivery tests: records the exact DATA bytes (dot-unstuffed) of every
/// accepted message and can be told to refuse connections or answer RCPT/DATA with chosen replies.
/// </summary>
internal sealed class TestUpstream : IAsyncDisposable
{
    readonly TcpListener _listener;
    readonly CancellationTokenSource _stop = new();
    readonly Task _acceptLoop;
    int _connections;

    public TestUpstream()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }
    /// <summary>When true, connections are closed right after accept (upstream "down").</summary>
    public bool Down { get => Volatile.Read(ref _down); set => Volatile.Write(ref _down, value); }
    bool _down;
    /// <summary>Reply to RCPT TO for an address; null = "250 2.1.5 ok".</summary>
    public Func<string, string?> RcptReply { get; set; } = _ => null;
    /// <summary>Reply after the DATA terminator; null = "250 2.0.0 queued".</summary>
    public Func<string?> DataReply { get; set; } = () => null;
    public string Capabilities { get; set; } = "PIPELINING\r\n8BITMIME\r\nSMTPUTF8\r\nSIZE 52428800\r\nENHANCEDSTATUSCODES";
    /// <summary>When set, STARTTLS and (after it) AUTH PLAIN are offered.</summary>
    public X509Certificate2? Certificate { get; set; }
    /// <summary>Decoded AUTH PLAIN credentials seen ("user:password"), with or without TLS.</summary>
    public ConcurrentQueue<string> Logins { get; } = new();
    /// <summary>Whether each accepted message came over TLS.</summary>
    public ConcurrentQueue<bool> Encrypted { get; } = new();
    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();
    public int Connections => Volatile.Read(ref _connections);

    public sealed record ReceivedMessage(string MailFromLine, IReadOnlyList<string> Recipients, byte[] Data);

    public async Task<ReceivedMessage[]> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Messages.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        return Messages.ToArray();
    }

    async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _connections);
            if (Down) { client.Dispose(); continue; }
            _ = Task.Run(() => SessionAsync(client));
        }
    }

    async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        Stream stream = client.GetStream();
        var reader = new LineReader(stream);
        var tls = false;
        async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
        try
        {
            await Say("220 test-upstream ESMTP");
            string? mailFrom = null;
            var rcpts = new List<string>();
            while (true)
            {
                var raw = await reader.ReadLineAsync();
                if (raw is null) return;
                var line = Encoding.UTF8.GetString(raw);
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        var caps = Capabilities.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();
                        if (Certificate is not null) caps.Add(tls ? "AUTH PLAIN" : "STARTTLS");
                        var sb = new StringBuilder("250-test-upstream\r\n");
                        for (var i = 0; i < caps.Count; i++) sb.Append(i == caps.Count - 1 ? "250 " : "250-").Append(caps[i]).Append("\r\n");
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()));
                        break;
                    case "HELO": await Say("250 test-upstream"); break;
                    case "STARTTLS" when Certificate is not null && !tls:
                        await Say("220 2.0.0 ready");
                        var ssl = new SslStream(stream);
                        await ssl.AuthenticateAsServerAsync(Certificate);
                        stream = ssl;
                        reader = new LineReader(ssl);
                        tls = true;
                        break;
                    case "AUTH": // also in clear, when Capabilities offer it: tests check that nothing is sent there
                        var plain = Convert.FromBase64String(line.Split(' ')[2]);
                        var parts = Encoding.UTF8.GetString(plain).Split('\0');
                        Logins.Enqueue(parts[1] + ":" + parts[2]);
                        await Say("235 2.7.0 authenticated");
                        break;
                    case "MAIL": mailFrom = line; rcpts.Clear(); await Say("250 2.1.0 ok"); break;
                    case "RCPT":
                        var addr = line[(line.IndexOf('<') + 1)..line.IndexOf('>')];
                        var reply = RcptReply(addr);
                        if (reply is null) rcpts.Add(addr);
                        await Say(reply ?? "250 2.1.5 ok");
                        break;
                    case "DATA":
                        if (rcpts.Count == 0) { await Say("554 5.5.1 no valid recipients"); break; }
                        await Say("354 go ahead");
                        var data = new MemoryStream();
                        while (true)
                        {
                            var dl = await reader.ReadLineAsync(includeCrlf: true) ?? throw new IOException("eof in data");
                            if (dl.Length == 3 && dl[0] == '.' && dl[1] == '\r') break;
                            var start = dl.Length > 0 && dl[0] == '.' ? 1 : 0;
                            data.Write(dl, start, dl.Length - start);
                        }
                        var dataReply = DataReply();
                        if (dataReply is null) Encrypted.Enqueue(tls);
                        if (dataReply is null) Messages.Enqueue(new ReceivedMessage(mailFrom ?? "", rcpts.ToList(), data.ToArray()));
                        await Say(dataReply ?? "250 2.0.0 queued as TEST");
                        mailFrom = null; rcpts.Clear();
                        break;
                    case "RSET": mailFrom = null; rcpts.Clear(); await Say("250 2.0.0 ok"); break;
                    case "NOOP": await Say("250 2.0.0 ok"); break;
                    case "QUIT": await Say("221 2.0.0 bye"); return;
                    default: await Say("502 5.5.2 unknown command"); break;
                }
            }
        }
        catch (IOException) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        catch (System.Security.Authentication.AuthenticationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
    }

    /// <summary>Reads CRLF-terminated lines as bytes (DATA may hold 8-bit bytes).</summary>
    sealed class LineReader(Stream stream)
    {
        readonly byte[] _buffer = new byte[64 * 1024];
        int _start, _end;

        public async Task<byte[]?> ReadLineAsync(bool includeCrlf = false)
        {
            var line = new MemoryStream();
            while (true)
            {
                for (var i = _start; i < _end; i++)
                {
                    if (_buffer[i] != '\n') continue;
                    line.Write(_buffer, _start, i + 1 - _start);
                    _start = i + 1;
                    var bytes = line.ToArray();
                    if (includeCrlf) return bytes;
                    var len = bytes.Length - 1;
                    if (len > 0 && bytes[len - 1] == '\r') len--;
                    return bytes[..len];
                }
                line.Write(_buffer, _start, _end - _start);
                _start = _end = 0;
                var n = await stream.ReadAsync(_buffer);
                if (n == 0) return null;
                _end = n;
            }
        }
    }
}
