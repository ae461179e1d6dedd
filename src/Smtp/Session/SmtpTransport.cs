using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace GovGateway.Smtp.Session;

/// <summary>
/// The byte pipes of one connection: a <see cref="PipeReader"/>/<see cref="PipeWriter"/> pair over the
/// socket, replaced by a pair over an <see cref="SslStream"/> when TLS starts.
/// </summary>
internal sealed class SmtpTransport : IAsyncDisposable
{
    // Large enough that a 10 KB message usually arrives in one or two reads.
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 32 * 1024, minimumReadSize: 8 * 1024, leaveOpen: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 4096, leaveOpen: true);

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private SslStream? _tls;

    public SmtpTransport(Socket socket)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: false);
        Input = PipeReader.Create(_network, ReaderOptions);
        Output = PipeWriter.Create(_network, WriterOptions);
    }

    public PipeReader Input { get; private set; }
    public PipeWriter Output { get; private set; }
    public SslStream? Tls => _tls;
    /// <summary>The connection itself, for what must be read before the pipes (a PROXY header).</summary>
    public Socket Socket => _socket;

    /// <summary>
    /// Runs the TLS handshake as server and switches the pipes to the encrypted stream. Whatever
    /// plaintext the reader already holds is dropped (CVE-2011-0411: commands pipelined after
    /// STARTTLS must not be executed inside the TLS session); the count is returned for logging.
    /// </summary>
    public async Task<long> StartTlsAsync(SslStreamCertificateContext certificate, CancellationToken ct)
    {
        long discarded = 0;
        if (Input.TryRead(out var pending))
        {
            discarded = pending.Buffer.Length;
            Input.AdvanceTo(pending.Buffer.End);
        }
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);

        _tls = new SslStream(_network, leaveInnerStreamOpen: true);
        await _tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate,
            ClientCertificateRequired = false,
            // Set here rather than left to the operating system's policy, which differs between
            // distributions and images: TLS 1.0/1.1 are broken (RFC 8996) and refused.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CipherSuitesPolicy = TlsCipherSuites.Policy,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        }, ct).ConfigureAwait(false);

        Input = PipeReader.Create(_tls, ReaderOptions);
        Output = PipeWriter.Create(_tls, WriterOptions);
        return discarded;
    }

    public async ValueTask DisposeAsync()
    {
        try { await Input.CompleteAsync().ConfigureAwait(false); } catch (Exception) { /* closing anyway */ }
        try { await Output.CompleteAsync().ConfigureAwait(false); } catch (Exception) { /* closing anyway */ }
        if (_tls is not null)
        {
            try { await _tls.DisposeAsync().ConfigureAwait(false); } catch (Exception) { /* peer gone */ }
        }
        await _network.DisposeAsync().ConfigureAwait(false);
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { /* already reset */ } catch (ObjectDisposedException) { }
        _socket.Dispose();
    }
}
