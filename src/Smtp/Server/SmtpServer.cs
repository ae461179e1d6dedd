using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using GovGateway.Smtp.Protocol;
using GovGateway.Smtp.Server;
using GovGateway.Smtp.Session;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovGateway.Smtp;

/// <summary>
/// An SMTP server: binds the configured listeners, runs one session per connection and hands every
/// decision to the <see cref="ISmtpHandler"/>. Protocol only; no storage, no policy.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private readonly SmtpServerOptions _options;
    // Written to a connection refused before it has a session, so formatted once.
    private readonly byte[] _tooManyConnections;
    private readonly byte[] _shuttingDown;
    private readonly byte[] _proxyRequired;
    private readonly ISmtpHandler _handler;
    private readonly ILogger _logger;
    private readonly AuthFailureTracker _authFailures;
    private readonly ConcurrentDictionary<SmtpSession, Task> _sessions = new();
    private readonly List<(Socket Socket, SessionContext Context, Task Loop)> _listeners = new();
    private readonly Dictionary<string, IPEndPoint> _bound = new(StringComparer.Ordinal);
    private readonly string _idPrefix = DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
    private long _sessionCounter;
    private volatile bool _stopping;
    private bool _started;
    private Task? _stopTask;

    public SmtpServer(SmtpServerOptions options, ISmtpHandler handler, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        _options = options;
        _handler = handler;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("GovGateway.Smtp");
        _authFailures = new AuthFailureTracker(options.MaxAuthFailuresPerIp, options.AuthFailureWindow, TimeProvider.System);
        _tooManyConnections = ReplyWriter.ToBytes(options.Replies.TooManyConnections);
        _shuttingDown = ReplyWriter.ToBytes(options.Replies.ShuttingDown);
        _proxyRequired = ReplyWriter.ToBytes(options.Replies.ProxyRequired);
    }

    /// <summary>The actual end point of each listener, by listener name (useful with port 0). Filled by <see cref="StartAsync"/>.</summary>
    public IReadOnlyDictionary<string, IPEndPoint> BoundEndPoints => _bound;

    /// <summary>Listeners that are not accepting connections now (all of them once a stop has begun); empty when all are.</summary>
    public IReadOnlyList<string> ListenersNotAccepting() =>
        _listeners.Where(l => _stopping || !_started || l.Loop.IsCompleted).Select(l => l.Context.Listener.Name).ToList();

    /// <summary>Sessions currently open.</summary>
    public int ActiveSessions => _sessions.Count;

    /// <summary>Sessions currently open, per listener name (listeners without one are absent).</summary>
    public IReadOnlyDictionary<string, int> ActiveSessionsByListener() =>
        _sessions.Keys.GroupBy(s => s.Info.ListenerName).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Binds every listener and starts accepting. Throws <see cref="SocketException"/> if a port cannot be bound.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_started) throw new InvalidOperationException("The server was already started.");
        _started = true;
        try
        {
            foreach (var listener in _options.Listeners)
            {
                var socket = new Socket(listener.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (listener.EndPoint.AddressFamily == AddressFamily.InterNetworkV6 && listener.EndPoint.Address.Equals(IPAddress.IPv6Any))
                    socket.DualMode = true;
                try
                {
                    socket.Bind(listener.EndPoint);
                    socket.Listen(512);
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    // The administrator needs the address and port, which the socket's own message leaves out.
                    throw new IOException(ex.SocketErrorCode switch
                    {
                        SocketError.AddressAlreadyInUse => $"cannot listen on {listener.EndPoint} for the {listener.Name} listener: the port is already in use by another program (another gateway, Postfix?)",
                        SocketError.AccessDenied => $"cannot listen on {listener.EndPoint} for the {listener.Name} listener: permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)",
                        SocketError.AddressNotAvailable => $"cannot listen on {listener.EndPoint} for the {listener.Name} listener: this machine has no such address",
                        _ => $"cannot listen on {listener.EndPoint} for the {listener.Name} listener: {ex.Message}",
                    }, ex);
                }
                var bound = (IPEndPoint)socket.LocalEndPoint!;
                _bound[listener.Name] = bound;
                var context = new SessionContext
                {
                    Options = _options,
                    Handler = _handler,
                    Logger = _logger,
                    AuthFailures = _authFailures,
                    Listener = listener,
                    Connections = new ConnectionLimiter(listener.MaxConnections ?? _options.MaxConnections, listener.MaxConnectionsPerIp ?? _options.MaxConnectionsPerIp),
                    Certificate = listener.Certificate is null ? null : SslStreamCertificateContext.Create(listener.Certificate, additionalCertificates: null),
                    IsStopping = () => _stopping,
                };
                Log.ListenerBound(_logger, listener.Name, listener.Role, bound);
                _listeners.Add((socket, context, Task.CompletedTask));
            }
        }
        catch
        {
            foreach (var (socket, _, _) in _listeners) socket.Dispose();
            _listeners.Clear();
            throw;
        }
        for (int i = 0; i < _listeners.Count; i++)
        {
            var (socket, context, _) = _listeners[i];
            _listeners[i] = (socket, context, Task.Run(() => AcceptLoopAsync(socket, context)));
        }
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(Socket listenSocket, SessionContext context)
    {
        while (!_stopping)
        {
            Socket client;
            try
            {
                client = await listenSocket.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException || e is SocketException && _stopping)
            {
                return;
            }
            catch (SocketException e)
            {
                // Transient (e.g. the client reset before accept, or file descriptors exhausted): keep serving.
                Log.AcceptFailed(_logger, context.Listener.Name, e);
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }
            Admit(client, context);
        }
    }

    private void Admit(Socket client, SessionContext context)
    {
        client.NoDelay = true;
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        bool plaintext = context.Listener.Role != ListenerRole.Smtps;
        if (_stopping)
        {
            Refuse(client, plaintext ? _shuttingDown : null);
            Refused(context, remote, ConnectionRefusal.ShuttingDown);
            return;
        }
        if (context.Listener.ProxyProtocol && !context.Listener.IsTrustedProxy(remote.Address))
        {
            Log.UntrustedProxy(_logger, remote, context.Listener.Name);
            Refuse(client, plaintext ? _proxyRequired : null);
            Refused(context, remote, ConnectionRefusal.UntrustedProxy);
            return;
        }
        var limiter = context.Connections;
        // Behind a proxy every connection comes from the proxy: the per-address count waits for the client's address in the header.
        var counted = context.Listener.ProxyProtocol ? null : remote.Address;
        if (!limiter.TryAcquire(counted))
        {
            Log.ConnectionLimit(_logger, remote);
            // Implicit-TLS clients would not understand a plaintext reply; they just see the close.
            Refuse(client, plaintext ? _tooManyConnections : null);
            Refused(context, remote, ConnectionRefusal.TooManyConnections);
            return;
        }

        var id = $"{_idPrefix}{Interlocked.Increment(ref _sessionCounter):x6}";
        SmtpSession session;
        try
        {
            session = new SmtpSession(context, client, id);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            limiter.Release(counted);
            client.Dispose();
            return;
        }
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Task.Run(async () =>
        {
            await started.Task.ConfigureAwait(false);
            try { await session.RunAsync().ConfigureAwait(false); }
            finally
            {
                limiter.Release(session.CountedAddress);
                _sessions.TryRemove(session, out _);
            }
        });
        _sessions[session] = run;
        started.SetResult();
    }

    private void Refused(SessionContext context, IPEndPoint remote, ConnectionRefusal reason)
    {
        try { _handler.OnConnectionRefused(context.Listener.Name, remote, reason); }
        catch (Exception e) { Log.HookFailed(_logger, "-", "OnConnectionRefused", e); }
    }

    private static void Refuse(Socket client, byte[]? reply)
    {
        try
        {
            if (reply is not null) client.Send(reply, SocketFlags.None);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException) { /* the client is gone already */ }
        client.Dispose();
    }

    /// <summary>
    /// Serves <paramref name="certificate"/> from the next TLS handshake on, on every listener that
    /// has TLS; sessions already encrypted keep the one they negotiated. For renewals without a restart.
    /// </summary>
    public void ReplaceCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
            throw new ArgumentException("The certificate has no private key.", nameof(certificate));
        var context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null);
        foreach (var (_, listener, _) in _listeners)
        {
            if (listener.Certificate is not null)
                listener.Certificate = context;
        }
    }

    /// <summary>
    /// Graceful shutdown: stop accepting, close idle sessions with 421 4.3.2, let transactions in
    /// flight finish until <paramref name="grace"/> has passed (or <paramref name="cancellationToken"/>
    /// fires), then send 421 4.3.2 to the rest and close them.
    /// </summary>
    public Task StopAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        lock (_sessions)
        {
            _stopTask ??= StopCoreAsync(grace, cancellationToken);
            return _stopTask;
        }
    }

    private async Task StopCoreAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        _stopping = true;
        Log.Stopping(_logger, _sessions.Count);
        foreach (var (socket, _, _) in _listeners) socket.Dispose();
        foreach (var (_, _, loop) in _listeners) await loop.ConfigureAwait(false);

        foreach (var session in _sessions.Keys) session.RequestStop();
        var all = Task.WhenAll(_sessions.Values);
        try
        {
            await all.WaitAsync(grace < TimeSpan.Zero ? TimeSpan.Zero : grace, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            foreach (var session in _sessions.Keys) session.AbortForShutdown();
        }
        // Sessions end promptly once aborted; a handler that ignores cancellation is not waited for forever.
        try { await Task.WhenAll(_sessions.Values).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
        catch (TimeoutException) { /* reported by the sessions' own logs */ }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started) await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
    }
}
