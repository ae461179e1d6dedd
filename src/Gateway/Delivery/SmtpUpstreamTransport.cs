using System.Net.Sockets;
using GovGateway.Spool;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace GovGateway.Delivery;

/// <summary>
/// One connection to the upstream, kept open across messages (EHLO/STARTTLS/AUTH once, then one
/// MAIL/RCPT/DATA per message) and re-opened after errors. Each delivery worker owns one.
/// </summary>
internal sealed class SmtpUpstreamTransport : IMessageTransport
{
    readonly DeliveryOptions _options;
    readonly ILogger _logger;
    GatewaySmtpClient? _client;

    public SmtpUpstreamTransport(DeliveryOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
    }

    UpstreamOptions Upstream => _options.Upstream;
    public string? RemoteMta => Upstream.Host;

    public async Task<Dictionary<string, RecipientResult>> DeliverAsync(SpoolEntry entry, IReadOnlyList<SpoolRecipient> pending, CancellationToken ct)
    {
        GatewaySmtpClient client;
        try
        {
            client = await ConnectedClientAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            await DropAsync().ConfigureAwait(false);
            var reply = ex is SmtpCommandException command
                ? SmtpReplyText.Format((int)command.StatusCode, command.Message)
                : $"connect to {Upstream.Host}:{Upstream.Port} failed: {ex.Message}";
            // The message's "deferred" line carries this reply; Debug keeps it from being said twice.
            _logger.LogDebug("Upstream {Host}:{Port} unavailable for {QueueId}: {Reply}", Upstream.Host, Upstream.Port, entry.QueueId, reply);
            // Even a 5xx greeting or AUTH refusal is a configuration problem on our side: retry, don't bounce.
            return All(pending, new RecipientResult(ResultKind.Deferred, reply));
        }

        var envelope = entry.Envelope;
        client.BeginTransaction(envelope);
        var sender = new MailboxAddress("", envelope.MailFrom);
        var recipients = pending.Select(r => new MailboxAddress("", r.Address)).ToList();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.International = envelope.SmtpUtf8 && client.Capabilities.HasFlag(SmtpCapabilities.UTF8);

        try
        {
            using var message = RawMessage.Create(entry); // MimeKit entities have finalizers: dispose, do not leave them to the GC
            var response = await client.SendAsync(format, message, sender, recipients, ct).ConfigureAwait(false);
            var accepted = new RecipientResult(ResultKind.Delivered, SmtpReplyText.Format(250, response));
            return pending.ToDictionary(r => r.Address, r => Refused(client, r) ?? accepted, StringComparer.OrdinalIgnoreCase);
        }
        catch (SmtpCommandException ex) when (!ct.IsCancellationRequested)
        {
            var code = (int)ex.StatusCode;
            var result = new RecipientResult(code >= 500 ? ResultKind.Failed : ResultKind.Deferred, SmtpReplyText.Format(code, ex.Message));
            // After a refused transaction start the next one on a fresh session rather than trusting the state.
            await DropAsync().ConfigureAwait(false);
            return pending.ToDictionary(r => r.Address, r => Refused(client, r) ?? result, StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is SmtpProtocolException or IOException or SocketException
            or ServiceNotConnectedException or OperationCanceledException or SslHandshakeException or InvalidOperationException)
        {
            await DropAsync().ConfigureAwait(false);
            var reply = $"conversation with {Upstream.Host}:{Upstream.Port} failed: {ex.Message}";
            _logger.LogDebug("Delivery of {QueueId} interrupted: {Reply}", entry.QueueId, reply);
            return All(pending, new RecipientResult(ResultKind.Deferred, reply));
        }
    }

    static RecipientResult? Refused(GatewaySmtpClient client, SpoolRecipient recipient)
    {
        if (!client.Refused.TryGetValue(recipient.Address, out var response)) return null;
        var code = (int)response.StatusCode;
        return new RecipientResult(code >= 500 ? ResultKind.Failed : ResultKind.Deferred, SmtpReplyText.Format(code, response.Response));
    }

    static Dictionary<string, RecipientResult> All(IReadOnlyList<SpoolRecipient> pending, RecipientResult result) =>
        pending.ToDictionary(r => r.Address, _ => result, StringComparer.OrdinalIgnoreCase);

    async Task<GatewaySmtpClient> ConnectedClientAsync(CancellationToken ct)
    {
        if (_client is { IsConnected: true }) return _client;
        await DropAsync().ConfigureAwait(false);
        var client = Upstream.Prepare(new GatewaySmtpClient(new NullProtocolLogger()), _options.HostName, _options.CommandTimeout);
        try
        {
            var security = UpstreamOptions.ToMailKit(Upstream.EffectiveSecurity);
            // Our own socket, for TCP_NODELAY: with Nagle on, each pipelined command group waits for the
            // peer's delayed ACK (tens of milliseconds), which caps a connection at a few dozen messages/s.
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(Upstream.Host!, Upstream.Port, ct).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            await client.ConnectAsync(socket, Upstream.Host!, Upstream.Port, security, ct).ConfigureAwait(false);
            if (Upstream.HasCredentials)
            {
                // StartTlsWhenAvailable falls back to plain text when the upstream offers no STARTTLS
                // (or a man in the middle strips it): then the password is not sent at all.
                if (!client.IsSecure)
                {
                    _logger.LogError("Upstream {Host}:{Port} did not give TLS (Delivery:Upstream:Security {Security}): the gateway's login was NOT sent and delivery waits",
                        Upstream.Host, Upstream.Port, Upstream.EffectiveSecurity);
                    throw new UpstreamNotEncryptedException($"{Upstream.Host}:{Upstream.Port} offered no TLS; the upstream login is not sent in clear");
                }
                await client.AuthenticateAsync(Upstream.UserName!, Upstream.Password ?? "", ct).ConfigureAwait(false);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
        _client = client;
        return client;
    }

    async Task DropAsync()
    {
        var client = _client;
        _client = null;
        if (client is null) return;
        try
        {
            if (client.IsConnected)
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(quit: true, quit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException or ServiceNotConnectedException)
        {
            // The connection is being thrown away; a failed QUIT changes nothing.
        }
        finally
        {
            client.Dispose();
        }
    }

    public Task CloseIdleAsync() => DropAsync();

    public async ValueTask DisposeAsync() => await DropAsync().ConfigureAwait(false);
}

/// <summary>The upstream connection is not encrypted and credentials would have to be sent on it.</summary>
internal sealed class UpstreamNotEncryptedException(string message) : Exception(message);
