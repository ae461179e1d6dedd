using System.Collections.Concurrent;

namespace GovGateway.Smtp.Tests.Support;

/// <summary>A handler that stores every accepted message's exact bytes and envelope.</summary>
public sealed class RecordingHandler : ISmtpHandler
{
    public sealed record StoredMessage(Envelope Envelope, byte[] Content, SessionInfo Session);

    public ConcurrentQueue<StoredMessage> Messages { get; } = new();
    public ConcurrentQueue<SessionInfo> Disconnected { get; } = new();
    public ConcurrentQueue<string> Events { get; } = new();
    public Dictionary<string, string> Users { get; } = new() { ["alice"] = "s3cret" };

    /// <summary>Set to refuse every connection with this reply.</summary>
    public SmtpReply? ConnectRefusal { get; set; }
    /// <summary>Set to make the content stream throw after this many bytes.</summary>
    public long? FailSinkAfterBytes { get; set; }
    public Func<Exception> SinkFailure { get; set; } = () => new IOException("No space left on device");
    /// <summary>Delay in OnMessageComplete, to keep a transaction in flight.</summary>
    public TimeSpan CompleteDelay { get; set; }
    /// <summary>Signalled when a message's content stream is opened.</summary>
    public TaskCompletionSource MessageOpened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask<SmtpReply?> OnConnectedAsync(SessionInfo session, CancellationToken ct)
    {
        Events.Enqueue("connect");
        return ValueTask.FromResult(ConnectRefusal);
    }

    public ValueTask<AuthResult> AuthenticateAsync(SessionInfo session, string user, string password, CancellationToken ct)
    {
        Events.Enqueue($"auth {user}");
        if (user == "backend-down")
            return ValueTask.FromResult(AuthResult.Fail(new SmtpReply(454, "4.7.0", "Temporary authentication failure")));
        return ValueTask.FromResult<AuthResult>(Users.TryGetValue(user, out var p) && p == password);
    }

    public ValueTask<SmtpReply> OnMailFromAsync(SessionInfo session, Envelope envelope, CancellationToken ct)
    {
        Events.Enqueue($"mail {envelope.MailFrom}");
        return ValueTask.FromResult(envelope.MailFrom == "refused@example.com"
            ? new SmtpReply(550, "5.7.1", "Sender refused")
            : SmtpReply.SenderOk);
    }

    public ValueTask<SmtpReply> OnRcptToAsync(SessionInfo session, Envelope envelope, Recipient recipient, CancellationToken ct)
    {
        Events.Enqueue($"rcpt {recipient.Address}");
        return ValueTask.FromResult(recipient.Address.StartsWith("nobody@", StringComparison.Ordinal)
            ? new SmtpReply(550, "5.1.1", "No such user")
            : SmtpReply.RecipientOk);
    }

    public ValueTask<Stream> OpenMessageAsync(SessionInfo session, Envelope envelope, CancellationToken ct)
    {
        Events.Enqueue("open");
        MessageOpened.TrySetResult();
        Stream stream = FailSinkAfterBytes is { } limit ? new FailingStream(limit, SinkFailure) : new MemoryStream();
        return ValueTask.FromResult(stream);
    }

    /// <summary>Set to make OnMessageComplete throw, as a handler with a bug would.</summary>
    public bool ThrowOnComplete { get; set; }

    public async ValueTask<SmtpReply> OnMessageCompleteAsync(SessionInfo session, Envelope envelope, Stream content, CancellationToken ct)
    {
        if (ThrowOnComplete) throw new InvalidOperationException("handler bug");
        if (AnswerAfterHangUp)
        {
            // A handler that had committed already when the client left: it answers 250 all the same.
            try { await Task.Delay(TimeSpan.FromSeconds(10), ct); } catch (OperationCanceledException) { }
        }
        if (CompleteDelay > TimeSpan.Zero) await Task.Delay(CompleteDelay, ct);
        Messages.Enqueue(new StoredMessage(envelope, ((MemoryStream)content).ToArray(), session));
        Events.Enqueue("complete");
        return SmtpReply.Ok("Queued as test");
    }

    /// <summary>Set to make OnMessageComplete wait for the client to hang up (the session's token), then answer 250.</summary>
    public bool AnswerAfterHangUp { get; set; }

    /// <summary>What OnReplySent / OnReplyFailedAsync were told: ("sent" or "failed", the reply's code).</summary>
    public ConcurrentQueue<(string What, int Code)> ReplyOutcomes { get; } = new();

    public void OnReplySent(SessionInfo session, Envelope envelope, SmtpReply reply) => ReplyOutcomes.Enqueue(("sent", reply.Code));

    public ValueTask OnReplyFailedAsync(SessionInfo session, Envelope envelope, SmtpReply reply, CancellationToken ct)
    {
        ReplyOutcomes.Enqueue(("failed", reply.Code));
        return ValueTask.CompletedTask;
    }

    public sealed record Refusal(string MailFrom, long? DeclaredSize, int Recipients, SmtpReply Reply, RefusalReason Reason);

    /// <summary>What the engine reported through OnTransactionRefusedAsync.</summary>
    public ConcurrentQueue<Refusal> Refusals { get; } = new();

    public ValueTask OnTransactionRefusedAsync(SessionInfo session, Envelope envelope, SmtpReply reply, RefusalReason reason, CancellationToken ct)
    {
        Events.Enqueue($"refused {reason}");
        Refusals.Enqueue(new Refusal(envelope.MailFrom, envelope.DeclaredSize, envelope.Recipients.Count, reply, reason));
        return ValueTask.CompletedTask;
    }

    public void OnDisconnected(SessionInfo session)
    {
        Events.Enqueue("disconnect");
        Disconnected.Enqueue(session);
    }

    /// <summary>A MemoryStream that fails like a full disk once it holds <c>limit</c> bytes.</summary>
    private sealed class FailingStream(long limit, Func<Exception> failure) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Length + buffer.Length > limit) throw failure();
            base.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }
}
