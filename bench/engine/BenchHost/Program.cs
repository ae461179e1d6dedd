using System.Net;
using GovGateway.Smtp;

// Usage: BenchHost <port>
// Serves SMTP on 127.0.0.1:<port> with a handler that accepts everything and discards the content,
// so the engine alone is measured. Prints "ready <port>" once listening; stops on SIGINT or SIGTERM.
// As the gateway does: see SocketCompletions.
SocketCompletions.PreferInline();
int port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
var options = new SmtpServerOptions
{
    HostName = "bench.local",
    MaxConnections = 10_000,
    MaxConnectionsPerIp = 10_000, // every benchmark client comes from 127.0.0.1
    MaxRecipients = 1000,
    Listeners = { new SmtpListenerOptions { Name = "bench", EndPoint = new IPEndPoint(IPAddress.Loopback, port), Role = ListenerRole.Relay } },
};
await using var server = new SmtpServer(options, new DiscardHandler());
await server.StartAsync(CancellationToken.None);
Console.WriteLine($"ready {server.BoundEndPoints["bench"].Port}");

var stop = new TaskCompletionSource();
using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
await server.StopAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
Console.WriteLine($"messages {DiscardHandler.Messages} bytes {DiscardHandler.Bytes}");

/// <summary>Accepts every sender and recipient; content goes to a counting null stream.</summary>
internal sealed class DiscardHandler : ISmtpHandler
{
    public static long Messages;
    public static long Bytes;

    public ValueTask<SmtpReply?> OnConnectedAsync(SessionInfo session, CancellationToken ct) => ValueTask.FromResult<SmtpReply?>(null);
    public ValueTask<AuthResult> AuthenticateAsync(SessionInfo session, string user, string password, CancellationToken ct) => ValueTask.FromResult(AuthResult.Failed);
    public ValueTask<SmtpReply> OnMailFromAsync(SessionInfo session, Envelope envelope, CancellationToken ct) => ValueTask.FromResult(SmtpReply.SenderOk);
    public ValueTask<SmtpReply> OnRcptToAsync(SessionInfo session, Envelope envelope, Recipient recipient, CancellationToken ct) => ValueTask.FromResult(SmtpReply.RecipientOk);
    public ValueTask<Stream> OpenMessageAsync(SessionInfo session, Envelope envelope, CancellationToken ct) => ValueTask.FromResult<Stream>(new CountingNullStream());

    public ValueTask<SmtpReply> OnMessageCompleteAsync(SessionInfo session, Envelope envelope, Stream content, CancellationToken ct)
    {
        Interlocked.Increment(ref Messages);
        Interlocked.Add(ref Bytes, content.Length);
        return ValueTask.FromResult(SmtpReply.Ok("Discarded"));
    }

    private sealed class CountingNullStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
