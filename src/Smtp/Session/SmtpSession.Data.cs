using System.Diagnostics;
using System.Net.Sockets;
using GovGateway.Smtp.Protocol;
using GovGateway.Smtp.Server;

namespace GovGateway.Smtp.Session;

/// <summary>DATA (RFC 5321) and BDAT (RFC 3030): content streamed to the handler's sink as it arrives.</summary>
internal sealed partial class SmtpSession
{
    private enum ContentOutcome { Ok, BareLineBreak, LineTooLong, TooBig, SinkFailed }

    private Exception? _sinkError;
    /// <summary>Set by the watcher when the client hung up while the handler decided about a message.</summary>
    private volatile bool _hungUp;

    private async ValueTask DataAsync(string args)
    {
        if (args.Length > 0) { Reply(Refuse(501, "5.5.4", "Syntax: DATA")); return; }
        var transaction = _transaction;
        if (transaction is null) { Reply(Replies.NeedMail); return; }
        if (transaction.ChunkingStarted) { Reply(Refuse(503, "5.5.1", "DATA not allowed after BDAT")); return; }
        if (transaction.Envelope.Body == BodyType.BinaryMime) { Reply(Refuse(503, "5.5.1", "BODY=BINARYMIME requires BDAT")); return; }
        if (transaction.Envelope.Recipients.Count == 0) { Reply(Replies.NoValidRecipients); return; }

        var sink = await OpenSinkAsync(transaction).ConfigureAwait(false);
        if (sink is null)
        {
            await ReportRefusedAsync(transaction, Replies.LocalError, RefusalReason.WriteFailed).ConfigureAwait(false);
            await EndTransactionAsync().ConfigureAwait(false);
            Reply(Replies.LocalError);
            return;
        }
        Reply(new SmtpReply(354, "", "End data with <CR><LF>.<CR><LF>"));

        var outcome = await ReadDotStuffedAsync(sink).ConfigureAwait(false);
        var reply = await FinishMessageAsync(transaction, outcome).ConfigureAwait(false);
        bool answeredByHandler = outcome == ContentOutcome.Ok && !_hookFailed;
        if (RefusalFor(outcome) is { } reason)
            await ReportRefusedAsync(transaction, reply, reason).ConfigureAwait(false);
        await EndTransactionAsync().ConfigureAwait(false);
        if (outcome == ContentOutcome.BareLineBreak)
        {
            // The content was read to the true terminator so this reply is in step, but whatever
            // follows may be a smuggled transaction (e.g. after <CR><CR><LF>.<CR><LF>): never read it.
            throw new CloseSessionException(reply, "bare CR/LF in message content");
        }
        if (answeredByHandler) await SendMessageReplyAsync(transaction.Envelope, reply).ConfigureAwait(false);
        else Reply(reply);
    }

    private async ValueTask BdatAsync(string args)
    {
        var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2 || parts[0].Length > 18 || !parts[0].All(char.IsAsciiDigit)
            || parts.Length == 2 && !parts[1].Equals("LAST", StringComparison.OrdinalIgnoreCase))
        {
            // Without a trustworthy length the chunk cannot be skipped, and its bytes must never be
            // read as commands: answer and close.
            throw new CloseSessionException(Refuse(501, "5.5.4", "Syntax: BDAT size [LAST], closing connection"), "bad BDAT syntax");
        }
        long size = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        bool last = parts.Length == 2;

        var transaction = _transaction;
        SmtpReply? refusal = Info.HeloName is null ? Replies.NeedHelo
            : transaction is null ? Replies.NeedMail
            : transaction.Envelope.Recipients.Count == 0 ? Replies.NoValidRecipients
            : null;
        if (refusal is not null || transaction is null)
        {
            await ReadChunkAsync(size, null).ConfigureAwait(false);
            Reply(refusal ?? Replies.NeedMail);
            return;
        }

        transaction.ChunkingStarted = true;
        if (transaction.Failure is null && transaction.ChunkedBytes + size > _options.MaxMessageSize)
            await FailAsync(transaction, Replies.MessageTooBig(_options.MaxMessageSize), RefusalReason.MessageTooBig).ConfigureAwait(false);
        if (transaction.Failure is null && transaction.Sink is null && await OpenSinkAsync(transaction).ConfigureAwait(false) is null)
            await FailAsync(transaction, Replies.LocalError, RefusalReason.WriteFailed).ConfigureAwait(false);

        _sinkError = null;
        await ReadChunkAsync(size, transaction.Failure is null ? transaction.Sink : null).ConfigureAwait(false);
        transaction.ChunkedBytes += size;
        if (transaction.Failure is null && _sinkError is not null)
            await FailAsync(transaction, SinkFailureReply(_sinkError), RefusalReason.WriteFailed).ConfigureAwait(false);

        if (transaction.Failure is { } failure)
        {
            // Every chunk of a failed transaction is answered with the failure, never 250, up to LAST.
            if (last) await EndTransactionAsync().ConfigureAwait(false);
            Reply(failure);
            return;
        }
        if (!last)
        {
            Reply(new SmtpReply(250, "2.0.0", $"{size} octets received"));
            return;
        }
        var reply = await FinishMessageAsync(transaction, ContentOutcome.Ok).ConfigureAwait(false);
        bool answeredByHandler = !_hookFailed;
        await EndTransactionAsync().ConfigureAwait(false);
        if (answeredByHandler) await SendMessageReplyAsync(transaction.Envelope, reply).ConfigureAwait(false);
        else Reply(reply);
    }

    /// <summary>
    /// Writes the handler's answer to a message and flushes it at once, rather than with the next group of pipelined
    /// replies, so the handler learns whether it reached the connection: <see cref="ISmtpHandler.OnReplySent"/>, or
    /// <see cref="ISmtpHandler.OnReplyFailedAsync"/> when the client had hung up before it (seen by the watcher while the
    /// handler decided, or as the end of the input after the flush) or the write failed. A client that waits for the
    /// reply before its next command (the usual case) costs no extra system call: the flush is the one the next read did.
    /// </summary>
    private async ValueTask SendMessageReplyAsync(Envelope envelope, SmtpReply reply)
    {
        if (!_hungUp)
        {
            try
            {
                Reply(reply);
                await FlushAsync(_options.CommandTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                await ReplyFailedAsync(envelope, reply).ConfigureAwait(false);
                throw;
            }
            if (!InputEnded())
            {
                try { _ctx.Handler.OnReplySent(Info, envelope, reply); }
                catch (Exception e) { Log.HookFailed(_ctx.Logger, Info.SessionId, "OnReplySent", e); }
                return;
            }
            // The client closed its side before the reply could reach it: it will not read it.
            Abort(ClientHungUp);
        }
        await ReplyFailedAsync(envelope, reply).ConfigureAwait(false);
        // The session's lifetime is cancelled (Abort): the next read ends it.
    }

    /// <summary>True when the client's end of the input is already buffered with nothing before it (looked at, not consumed; no system call).</summary>
    private bool InputEnded()
    {
        if (!Input.TryRead(out var result)) return false;
        Input.AdvanceTo(result.Buffer.Start);
        return result.IsCompleted && result.Buffer.IsEmpty;
    }

    private async ValueTask ReplyFailedAsync(Envelope envelope, SmtpReply reply)
    {
        await LeaveEventThread(); // the host may remove files
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _ctx.Handler.OnReplyFailedAsync(Info, envelope, reply, budget.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.HookFailed(_ctx.Logger, Info.SessionId, "OnReplyFailed", e);
        }
    }

    /// <summary>BDAT: the transaction failed; its later chunks are drained and answered with the failure.</summary>
    private ValueTask FailAsync(Transaction transaction, SmtpReply failure, RefusalReason reason)
    {
        transaction.Failure = failure;
        return ReportRefusedAsync(transaction, failure, reason);
    }

    private static RefusalReason? RefusalFor(ContentOutcome outcome) => outcome switch
    {
        ContentOutcome.BareLineBreak => RefusalReason.BareLineBreak,
        ContentOutcome.TooBig => RefusalReason.MessageTooBig,
        ContentOutcome.LineTooLong => RefusalReason.LineTooLong,
        ContentOutcome.SinkFailed => RefusalReason.WriteFailed,
        _ => null, // the handler answered the message itself
    };

    private async ValueTask<Stream?> OpenSinkAsync(Transaction transaction)
    {
        var sink = await CallHookAsync("OpenMessage", async () => (Stream?)await _ctx.Handler.OpenMessageAsync(Info, transaction.Envelope, Lifetime).ConfigureAwait(false), null, mayBlock: true).ConfigureAwait(false);
        transaction.Sink = sink;
        return sink;
    }

    private async ValueTask<SmtpReply> FinishMessageAsync(Transaction transaction, ContentOutcome outcome)
    {
        switch (outcome)
        {
            case ContentOutcome.BareLineBreak:
                Log.BareLineBreak(_ctx.Logger, Info.SessionId, Info.RemoteEndPoint);
                return Replies.BareLineBreakInContent;
            case ContentOutcome.TooBig:
                return Replies.MessageTooBig(_options.MaxMessageSize);
            case ContentOutcome.LineTooLong:
                return Replies.ContentLineTooLong(_options.MaxTextLineLength);
            case ContentOutcome.SinkFailed:
                return SinkFailureReply(_sinkError!);
        }
        var sink = transaction.Sink!;
        var watch = WatchForHangUpAsync();
        SmtpReply reply;
        try
        {
            _hookFailed = false;
            reply = await CallHookAsync("OnMessageComplete", () => _ctx.Handler.OnMessageCompleteAsync(Info, transaction.Envelope, sink, Lifetime), Replies.LocalError, mayBlock: true).ConfigureAwait(false);
        }
        finally
        {
            // The watcher owns the reader only while the hook runs; hand it back before the next command is read.
            Input.CancelPendingRead();
            await watch.ConfigureAwait(false);
        }
        // The handler failed before it could answer (or record) the message: it still hears of the refusal.
        if (_hookFailed) await ReportRefusedAsync(transaction, reply, RefusalReason.LocalError).ConfigureAwait(false);
        return reply;
    }

    private static readonly SmtpReply ClientHungUp = new(421, "4.4.2", "Connection closed by the client before the reply, message not accepted");

    /// <summary>
    /// While the handler decides about a message (policy, spool), watches the connection: a client that hangs up
    /// before the reply never learns the outcome and will send again, so accepting would make a duplicate. The end of
    /// its stream cancels the session's lifetime, the token the handler holds, so the handler stops work and commits
    /// nothing. Bytes the client pipelined are only looked at, never consumed.
    /// </summary>
    private async Task WatchForHangUpAsync()
    {
        try
        {
            while (true)
            {
                var result = await Input.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    Input.AdvanceTo(result.Buffer.Start);
                    return;
                }
                Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                if (result.IsCompleted)
                {
                    _hungUp = true;
                    Abort(ClientHungUp);
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // A reset connection is gone too.
            _hungUp = true;
            Abort(ClientHungUp);
        }
    }

    private SmtpReply SinkFailureReply(Exception error)
    {
        Log.SinkFailed(_ctx.Logger, Info.SessionId, error);
        return error is IOException ? Replies.InsufficientStorage : Replies.LocalError;
    }

    /// <summary>
    /// Reads DATA content up to the one true &lt;CRLF&gt;.&lt;CRLF&gt;, writing contiguous unstuffed runs of the
    /// network buffers to the sink. Any fault (bare CR/LF, over-long line, size, sink failure) stops
    /// writing but reading continues to the terminator, so nothing of the content is ever taken as a command.
    /// </summary>
    private async ValueTask<ContentOutcome> ReadDotStuffedAsync(Stream sink)
    {
        var scanner = new ContentScanner(_options.MaxTextLineLength);
        long stored = 0, received = 0;
        bool tooBig = false;
        _sinkError = null;
        long started = Stopwatch.GetTimestamp();

        while (true)
        {
            var result = await ReadAsync(_options.DataTimeout, Replies.DataTimeout).ConfigureAwait(false);
            var buffer = result.Buffer;
            long taken = 0;
            bool completed = false;

            foreach (var segment in buffer)
            {
                int offset = 0;
                while (offset < segment.Length)
                {
                    var scan = scanner.Scan(segment.Span[offset..]);
                    if (scan.WriteLength > 0)
                    {
                        stored += scan.WriteLength;
                        if (stored > _options.MaxMessageSize) tooBig = true;
                        if (!tooBig && _sinkError is null && !scanner.BareLineBreak && !scanner.LineTooLong)
                            await WriteSinkAsync(sink, segment.Slice(offset + scan.WriteStart, scan.WriteLength)).ConfigureAwait(false);
                    }
                    offset += scan.Consumed;
                    taken += scan.Consumed;
                    if (scan.Completed) { completed = true; break; }
                }
                if (completed) break;
            }

            received += taken;
            Input.AdvanceTo(buffer.GetPosition(taken));
            if (completed)
            {
                if (scanner.BareLineBreak) return ContentOutcome.BareLineBreak;
                if (tooBig) return ContentOutcome.TooBig;
                if (scanner.LineTooLong) return ContentOutcome.LineTooLong;
                return _sinkError is null ? ContentOutcome.Ok : ContentOutcome.SinkFailed;
            }
            if (result.IsCompleted) throw new IOException("Connection closed during DATA");
            CheckDataRate(started, received);
        }
    }

    /// <summary>Reads exactly <paramref name="size"/> octets of a BDAT chunk; writes them to <paramref name="sink"/> when given.</summary>
    private async ValueTask ReadChunkAsync(long size, Stream? sink)
    {
        long remaining = size;
        long started = Stopwatch.GetTimestamp();
        while (remaining > 0)
        {
            var result = await ReadAsync(_options.DataTimeout, Replies.DataTimeout).ConfigureAwait(false);
            var buffer = result.Buffer;
            var chunk = buffer.Length > remaining ? buffer.Slice(0, remaining) : buffer;
            if (sink is not null)
            {
                foreach (var segment in chunk)
                {
                    if (_sinkError is not null) break;
                    await WriteSinkAsync(sink, segment).ConfigureAwait(false);
                }
            }
            remaining -= chunk.Length;
            Input.AdvanceTo(chunk.End);
            if (remaining > 0 && result.IsCompleted) throw new IOException("Connection closed during BDAT");
            CheckDataRate(started, size - remaining);
        }
    }

    private async ValueTask WriteSinkAsync(Stream sink, ReadOnlyMemory<byte> bytes)
    {
        await LeaveEventThread();
        try
        {
            await sink.WriteAsync(bytes, Lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Disk full and the like: stop storing, keep draining, refuse at the end.
            _sinkError = e;
        }
    }

    private void CheckDataRate(long started, long bytes)
    {
        if (_options.MinDataRateBytesPerSecond <= 0) return;
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed <= _options.DataRateGracePeriod) return;
        if (bytes / elapsed.TotalSeconds < _options.MinDataRateBytesPerSecond)
            throw new CloseSessionException(Replies.DataRateTooSlow, "data too slow", RefusalReason.DataRateTooSlow);
    }
}
