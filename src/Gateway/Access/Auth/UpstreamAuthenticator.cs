using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using GovGateway.Access.Identity;

namespace GovGateway.Access.Auth;

/// <summary>
/// Pass-through AUTH: logs in to the upstream mail server with the user's own credentials, so staff
/// keep the password they already have. A success is remembered for a short time as an HMAC of
/// user and password under a per-process random key (never the password itself), so a mail client
/// that reconnects for every message does not hit the upstream server each time.
/// </summary>
internal sealed class UpstreamAuthenticator : IAuthenticator, IDisposable
{
    private readonly UpstreamEndpoint _endpoint;
    private readonly AuthOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.Ordinal);
    // The upstream server is somebody else's; do not open more than a few AUTH sessions at once.
    private readonly SemaphoreSlim _slots = new(4);

    public UpstreamAuthenticator(UpstreamEndpoint endpoint, AuthOptions options, ILogger<UpstreamAuthenticator>? logger = null, TimeProvider? time = null)
    {
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? NullLogger<UpstreamAuthenticator>.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How many times the upstream server was actually asked (cache misses).</summary>
    public int UpstreamAttempts => Volatile.Read(ref _upstreamAttempts);
    private int _upstreamAttempts;

    public async ValueTask<AuthOutcome> AuthenticateAsync(string user, string password, IPAddress client, CancellationToken ct)
    {
        var key = UserNames.Key(user);
        var mac = Mac(key, password);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > now && CryptographicOperations.FixedTimeEquals(cached.Mac, mac))
            return AuthOutcome.Success;

        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Interlocked.Increment(ref _upstreamAttempts);
            var outcome = await AskUpstreamAsync(user, password, ct).ConfigureAwait(false);
            if (outcome.IsSuccess && _options.UpstreamCacheTtl > TimeSpan.Zero)
            {
                _cache[key] = new CacheEntry(mac, _time.GetUtcNow() + _options.UpstreamCacheTtl);
                ForgetExpiredNowAndThen();
            }
            else if (outcome.Status == AuthStatus.Failed)
                _cache.TryRemove(key, out _); // the password changed upstream: forget the old one now
            return outcome;
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<AuthOutcome> AskUpstreamAsync(string user, string password, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.UpstreamTimeout);
        using var smtp = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, _options.UpstreamTimeout.TotalMilliseconds) };
        if (_endpoint.CertificateValidation is not null)
            smtp.ServerCertificateValidationCallback = _endpoint.CertificateValidation;
        try
        {
            await smtp.ConnectAsync(_endpoint.Host, _endpoint.Port, _endpoint.Security, timeout.Token).ConfigureAwait(false);
            if (!smtp.IsSecure)
            {
                // Whatever the mechanism, a user's password is not handed to a connection anyone on the path can read or tamper with.
                _logger.LogError("Upstream {Host}:{Port} did not give TLS (security {Security}): the user's password was NOT sent; pass-through AUTH unavailable",
                    _endpoint.Host, _endpoint.Port, _endpoint.Security);
                await QuitQuietlyAsync(smtp).ConfigureAwait(false);
                return AuthOutcome.Unavailable("upstream connection not encrypted");
            }
            var mechanism = smtp.Capabilities.HasFlag(SmtpCapabilities.Authentication)
                ? ChooseMechanism(smtp.AuthenticationMechanisms, new NetworkCredential(user, password))
                : null;
            if (mechanism is null)
            {
                _logger.LogError("Upstream {Host}:{Port} offers no usable AUTH mechanism (security {Security}, offered {Mechanisms}); cannot check passwords there",
                    _endpoint.Host, _endpoint.Port, _endpoint.Security, string.Join(" ", smtp.AuthenticationMechanisms));
                return AuthOutcome.Unavailable("upstream server offers no usable AUTH");
            }
            await smtp.AuthenticateAsync(mechanism, timeout.Token).ConfigureAwait(false);
            await QuitQuietlyAsync(smtp).ConfigureAwait(false);
            return AuthOutcome.Success;
        }
        catch (AuthenticationException)
        {
            await QuitQuietlyAsync(smtp).ConfigureAwait(false);
            return AuthOutcome.Failed;
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode is >= 500 and < 600 && smtp.IsConnected)
        {
            // 5xx to AUTH other than 535 (e.g. 534 mechanism too weak, 550 account disabled): a refusal.
            await QuitQuietlyAsync(smtp).ConfigureAwait(false);
            return AuthOutcome.Failed;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _logger.LogWarning("Upstream AUTH at {Host}:{Port} timed out after {Timeout}", _endpoint.Host, _endpoint.Port, _options.UpstreamTimeout);
            return AuthOutcome.Unavailable("upstream server timed out");
        }
        catch (Exception ex) when (ex is SocketException or IOException or SslHandshakeException or SmtpProtocolException
                                       or SmtpCommandException or ServiceNotConnectedException or ProtocolException)
        {
            _logger.LogWarning(ex, "Upstream AUTH at {Host}:{Port} unavailable", _endpoint.Host, _endpoint.Port);
            return AuthOutcome.Unavailable($"upstream server unavailable: {ex.Message}");
        }
    }

    /// <summary>
    /// Exactly one mechanism per login: left to itself MailKit tries every offered mechanism in turn
    /// after a 535, so one wrong password would count as two or three failures on the upstream
    /// server and lock the user there early. SCRAM first (the password never crosses the wire), then
    /// PLAIN, then LOGIN, with UTF-8 for Vietnamese passwords.
    /// </summary>
    private static SaslMechanism? ChooseMechanism(HashSet<string> offered, NetworkCredential credential)
    {
        if (offered.Contains("SCRAM-SHA-256"))
            return new SaslMechanismScramSha256(credential);
        if (offered.Contains("SCRAM-SHA-1"))
            return new SaslMechanismScramSha1(credential);
        if (offered.Contains("PLAIN"))
            return new SaslMechanismPlain(Encoding.UTF8, credential);
        if (offered.Contains("LOGIN"))
            return new SaslMechanismLogin(Encoding.UTF8, credential);
        return null;
    }

    private static async Task QuitQuietlyAsync(SmtpClient smtp)
    {
        if (!smtp.IsConnected)
            return;
        try
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await smtp.DisconnectAsync(true, quick.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ProtocolException or SmtpCommandException)
        {
            // The answer is already known; a rude QUIT does not change it.
        }
    }

    private void ForgetExpiredNowAndThen()
    {
        if (Interlocked.Increment(ref _insertsSinceSweep) % 256 != 0)
            return;
        var now = _time.GetUtcNow();
        foreach (var (key, entry) in _cache)
        {
            if (entry.Expires <= now)
                _cache.TryRemove(key, out _);
        }
    }

    private int _insertsSinceSweep;

    private byte[] Mac(string key, string password) =>
        HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(key + "\0" + password.Normalize(NormalizationForm.FormC)));

    public void Dispose() => _slots.Dispose();

    private sealed record CacheEntry(byte[] Mac, DateTimeOffset Expires);
}
