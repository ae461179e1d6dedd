using GovGateway.Replies;
using System.Collections.Concurrent;
using System.Net.Sockets;
using GovGateway.Delivery;
using GovGateway.Smtp;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovGateway.Access.Relay;

/// <summary>
/// Recipient verification at RCPT time, as Postfix's reject_unverified_recipient: asks the upstream
/// mail server "MAIL FROM:&lt;&gt; / RCPT TO:&lt;address&gt;" (then RSET, no message) and refuses at once
/// what it refuses, so mail for a mailbox that does not exist is never accepted and never bounced.
/// Answers are cached (<see cref="RecipientVerificationOptions.PositiveTtl"/>, <see cref="RecipientVerificationOptions.NegativeTtl"/>).
/// When the upstream cannot answer (down, 4xx) the recipient is accepted and delivery decides, as
/// before: verification must not turn an upstream outage into lost mail.
/// </summary>
internal sealed class RecipientVerifier : IDisposable
{
    private readonly UpstreamOptions _upstream;
    private readonly RecipientVerificationOptions _options;
    private readonly string _heloName;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.Ordinal);
    // The upstream is somebody else's server: a few probes at a time.
    private readonly SemaphoreSlim _slots = new(4);
    private int _probes;

    public RecipientVerifier(UpstreamOptions upstream, RecipientVerificationOptions options, string heloName,
        ILogger<RecipientVerifier>? logger = null, TimeProvider? time = null)
    {
        _upstream = upstream ?? throw new ArgumentNullException(nameof(upstream));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (!upstream.IsConfigured)
            throw new ArgumentException("Access:RecipientVerification:Enabled needs Delivery:Upstream:Host: there is nobody to ask.");
        if (options.PositiveTtl <= TimeSpan.Zero || options.NegativeTtl <= TimeSpan.Zero || options.Timeout <= TimeSpan.Zero)
            throw new ArgumentException("Access:RecipientVerification PositiveTtl, NegativeTtl and Timeout must be positive.");
        _heloName = heloName;
        _logger = logger ?? NullLogger<RecipientVerifier>.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How many times the upstream was asked (cache misses).</summary>
    public int Probes => Volatile.Read(ref _probes);

    /// <summary>Null when the recipient may be accepted; otherwise the refusal to give at RCPT.</summary>
    public async ValueTask<SmtpReply?> CheckAsync(string address, CancellationToken ct)
    {
        // An SMTPUTF8 address would need SMTPUTF8 on the probe's MAIL too; leave those to delivery.
        if (address.Any(c => c > 127))
            return null;
        var key = address.ToLowerInvariant();
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > now)
            return cached.Refusal;

        // RCPT hooks may run on the socket event thread; a probe (TLS handshake included) must not.
        await Task.Yield();
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Interlocked.Increment(ref _probes);
            var (known, refusal) = await ProbeAsync(address, ct).ConfigureAwait(false);
            if (known)
            {
                _cache[key] = new CacheEntry(refusal, _time.GetUtcNow() + (refusal is null ? _options.PositiveTtl : _options.NegativeTtl));
                ForgetExpiredNowAndThen();
            }
            return refusal;
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>(whether the upstream gave a definite answer, the refusal if it said no).</summary>
    private async Task<(bool Known, SmtpReply? Refusal)> ProbeAsync(string address, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        using var client = _upstream.Prepare(new ProbeClient(), _heloName, _options.Timeout);
        try
        {
            var security = UpstreamOptions.ToMailKit(_upstream.EffectiveSecurity);
            await client.ConnectAsync(_upstream.Host!, _upstream.Port, security, timeout.Token).ConfigureAwait(false);
            if (_upstream.HasCredentials)
            {
                if (!client.IsSecure)
                {
                    _logger.LogError("Recipient verification: upstream {Host}:{Port} gave no TLS; the login is not sent, {Address} not verified", _upstream.Host, _upstream.Port, address);
                    return (false, null);
                }
                await client.AuthenticateAsync(_upstream.UserName!, _upstream.Password ?? "", timeout.Token).ConfigureAwait(false);
            }
            var mail = await client.CommandAsync("MAIL FROM:<>", timeout.Token).ConfigureAwait(false);
            if ((int)mail.StatusCode is < 200 or >= 300)
                return (false, null);
            var rcpt = await client.CommandAsync($"RCPT TO:<{address}>", timeout.Token).ConfigureAwait(false);
            await QuietlyAsync(() => client.CommandAsync("RSET", CancellationToken.None)).ConfigureAwait(false);
            await QuietlyAsync(() => client.DisconnectAsync(true, CancellationToken.None)).ConfigureAwait(false);
            var code = (int)rcpt.StatusCode;
            if (code is >= 200 and < 300)
                return (true, null);
            if (code is >= 500 and < 600)
            {
                _logger.LogInformation("Recipient {Address} refused by upstream: {Code} {Text}", address, code, rcpt.Response);
                return (true, GatewayReplies.RecipientUnknown(address));
            }
            return (false, null);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SslHandshakeException or SmtpProtocolException or SmtpCommandException
                                       or ServiceNotConnectedException or ProtocolException or AuthenticationException or NotSupportedException
                                       or OperationCanceledException && !ct.IsCancellationRequested)
        {
            _logger.LogWarning("Recipient verification of {Address} at {Host}:{Port} failed, accepting it unverified: {Error}", address, _upstream.Host, _upstream.Port, ex.Message);
            return (false, null);
        }
    }

    private static async Task QuietlyAsync(Func<Task> action)
    {
        try { await action().ConfigureAwait(false); }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException or ServiceNotConnectedException or OperationCanceledException)
        {
            // The answer is known; a failed RSET or QUIT does not change it.
        }
    }

    private void ForgetExpiredNowAndThen()
    {
        if (_cache.Count < 10_000)
            return;
        var now = _time.GetUtcNow();
        foreach (var (key, entry) in _cache)
            if (entry.Expires <= now)
                _cache.TryRemove(key, out _);
    }

    public void Dispose() => _slots.Dispose();

    private sealed record CacheEntry(SmtpReply? Refusal, DateTimeOffset Expires);

    /// <summary>MailKit's client with its raw command call opened up for MAIL/RCPT without a message.</summary>
    private sealed class ProbeClient : SmtpClient
    {
        public Task<SmtpResponse> CommandAsync(string command, CancellationToken ct) => SendCommandAsync(command, ct);
    }
}

/// <summary>Configuration section "Access:RecipientVerification".</summary>
internal sealed class RecipientVerificationOptions
{
    /// <summary>Ask the upstream at RCPT time whether a recipient exists (relay listener only). Off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long "exists" is remembered.</summary>
    public TimeSpan PositiveTtl { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long "does not exist" is remembered (shorter: a new mailbox should work soon).</summary>
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Connect and conversation limit of one probe.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
