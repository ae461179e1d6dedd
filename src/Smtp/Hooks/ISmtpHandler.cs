namespace GovGateway.Smtp;

/// <summary>
/// What the application decides. The engine speaks the protocol; every decision about who may
/// connect, log in, send and receive, and what happens to the content, is made here.
/// A hook may answer any reply; a positive reply (2xx) lets the command proceed.
/// <para>
/// Threading: <see cref="OnConnectedAsync"/>, <see cref="OnMailFromAsync"/>, <see cref="OnRcptToAsync"/> and
/// <see cref="OnDisconnected"/> are quick hooks. With inline socket completions
/// (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, which saves a thread hand-off per command) they may run on
/// a socket event thread, so they must not block: await asynchronous I/O, never wait on it. AUTH, the content
/// stream and <see cref="OnMessageCompleteAsync"/> always run on the thread pool and may do slow work.
/// </para>
/// </summary>
public interface ISmtpHandler
{
    /// <summary>A client connected. Return null for the normal 220 greeting, or a reply (e.g. 554) to refuse it.</summary>
    ValueTask<SmtpReply?> OnConnectedAsync(SessionInfo session, CancellationToken ct);

    /// <summary>AUTH PLAIN or LOGIN (only ever called under TLS). Succeeded when the credentials are good; see <see cref="AuthResult"/> for failures with their own reply.</summary>
    ValueTask<AuthResult> AuthenticateAsync(SessionInfo session, string user, string password, CancellationToken ct);

    ValueTask<SmtpReply> OnMailFromAsync(SessionInfo session, Envelope envelope, CancellationToken ct);

    ValueTask<SmtpReply> OnRcptToAsync(SessionInfo session, Envelope envelope, Recipient recipient, CancellationToken ct);

    /// <summary>
    /// DATA or the first BDAT chunk is about to be read: give the stream the content goes to,
    /// dot-unstuffed, as it arrives. The engine always disposes it when the transaction ends.
    /// </summary>
    ValueTask<Stream> OpenMessageAsync(SessionInfo session, Envelope envelope, CancellationToken ct);

    /// <summary>The whole message was written to the stream from <see cref="OpenMessageAsync"/>; answer it.</summary>
    ValueTask<SmtpReply> OnMessageCompleteAsync(SessionInfo session, Envelope envelope, Stream content, CancellationToken ct);

    /// <summary>
    /// The reply <see cref="OnMessageCompleteAsync"/> gave was written and flushed to the client (the connection was
    /// still open then). Called at most once per message, and only when <see cref="OnReplyFailedAsync"/> is not. A quick
    /// hook: it must not block.
    /// </summary>
    void OnReplySent(SessionInfo session, Envelope envelope, SmtpReply reply) { }

    /// <summary>
    /// The reply <see cref="OnMessageCompleteAsync"/> gave could not reach the client: it had hung up before the reply
    /// was written, or writing or flushing it failed. The client never learnt the outcome and will send the message again,
    /// so a host that already committed it should withdraw it (a duplicate otherwise). Called at most once per message,
    /// instead of <see cref="OnReplySent"/>; the session ends after it. <paramref name="ct"/> is a short budget of its own.
    /// </summary>
    ValueTask OnReplyFailedAsync(SessionInfo session, Envelope envelope, SmtpReply reply, CancellationToken ct) =>
        ValueTask.CompletedTask;

    /// <summary>
    /// The engine itself refused or ended a transaction that had an accepted MAIL (or refused a MAIL for its
    /// declared SIZE): <paramref name="reply"/> is what the client was told (for
    /// <see cref="RefusalReason.ConnectionLost"/>, what it would have been told). Called once per transaction,
    /// before the reply is sent when the session goes on, so the host can record it as it records its own
    /// refusals. Refusals the handler's own hooks answer are not reported again, except when OnMailFromAsync or
    /// OnMessageCompleteAsync threw (<see cref="RefusalReason.LocalError"/>: the engine answered for it). It may run while the session
    /// ends, with <paramref name="ct"/> already cancelled: do not wait long.
    /// </summary>
    ValueTask OnTransactionRefusedAsync(SessionInfo session, Envelope envelope, SmtpReply reply, RefusalReason reason, CancellationToken ct) =>
        ValueTask.CompletedTask;

    /// <summary>
    /// A connection was closed before it had a session: over its listener's connection budget, or the server is
    /// stopping (the engine answered it itself). A quick hook on the accept loop: it must not block.
    /// </summary>
    void OnConnectionRefused(string listenerName, System.Net.IPEndPoint remote, ConnectionRefusal reason) { }

    /// <summary>The connection closed, for whatever reason.</summary>
    void OnDisconnected(SessionInfo session) { }
}
