using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using GovGateway.Smtp.Protocol;
using GovGateway.Smtp.Server;

namespace GovGateway.Smtp.Session;

/// <summary>
/// One SMTP connection: reads command lines from the pipe, answers them through the state machine
/// (partial files per concern), and streams message content to the handler.
/// </summary>
internal sealed partial class SmtpSession
{
    private enum LineKind { Command, TooLong, BareLineBreak, Closed }

    private readonly SessionContext _ctx;
    private readonly SmtpServerOptions _options;
    private readonly SmtpTransport _transport;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationTokenSource _io;
    private readonly byte[] _line;

    private int _lineLength;
    private long _lineWaitStarted;   // Stopwatch timestamp of the first wait for the current line; 0 = none yet
    private long _linePartialSince;  // when part of the current line was first seen waiting for the rest; 0 = none
    private bool _skippingLongLine;
    private bool _unflushed;
    private bool _quit;
    private int _badCommands;
    private int _idle;
    private SmtpReply? _abortReply;
    private SmtpReply _timeoutReply;
    private Transaction? _transaction;
    /// <summary>Why the session ended abnormally, for a transaction still open then.</summary>
    private (SmtpReply Reply, RefusalReason Reason)? _ending;
    /// <summary>Set when a hook threw and its fallback reply was used (the handler could not record that refusal itself).</summary>
    private bool _hookFailed;

    public SmtpSession(SessionContext ctx, Socket socket, string sessionId)
    {
        _ctx = ctx;
        _options = ctx.Options;
        _transport = new SmtpTransport(socket);
        _io = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        _line = new byte[_options.MaxCommandLineLength];
        _timeoutReply = _options.Replies.CommandTimeout;
        CountedAddress = ctx.Listener.ProxyProtocol ? null : ((IPEndPoint)socket.RemoteEndPoint!).Address;
        Info = new SessionInfo
        {
            SessionId = sessionId,
            ListenerName = ctx.Listener.Name,
            Role = ctx.Listener.Role,
            RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!,
            LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!,
        };
    }

    /// <summary>Replaced once, before the greeting, when a PROXY header names the real client (SmtpSession.Proxy.cs).</summary>
    public SessionInfo Info { get; private set; }

    private PipeReader Input => _transport.Input;
    private PipeWriter Output => _transport.Output;
    private CancellationToken Lifetime => _lifetime.Token;
    private SmtpReplies Replies => _options.Replies;

    /// <summary>Graceful stop: a session between transactions closes now; one inside a transaction finishes it first.</summary>
    public void RequestStop()
    {
        if (Interlocked.CompareExchange(ref _idle, 0, 0) == 1 && _transaction is null) Abort(Replies.ShuttingDown);
    }

    /// <summary>Ends the session at its next await, sending <paramref name="reply"/> if the connection still works.</summary>
    public void Abort(SmtpReply reply)
    {
        lock (_lifetime)
        {
            _abortReply ??= reply; // the first reason wins
        }
        try { _lifetime.Cancel(); } catch (ObjectDisposedException) { /* already finished */ }
    }

    public void AbortForShutdown() => Abort(Replies.ShuttingDown);

    public async Task RunAsync()
    {
        Log.SessionOpened(_ctx.Logger, Info.SessionId, Info.RemoteEndPoint, Info.ListenerName);
        try
        {
            _lifetime.CancelAfter(_options.SessionTimeout);
            if (_ctx.Listener.ProxyProtocol && !await AcceptProxyHeaderAsync().ConfigureAwait(false)) return;
            if (_ctx.Listener.Role == ListenerRole.Smtps && !await StartTlsAsync().ConfigureAwait(false)) return;

            var refusal = await CallHookAsync("OnConnected", () => _ctx.Handler.OnConnectedAsync(Info, Lifetime), (SmtpReply?)Replies.LocalError).ConfigureAwait(false);
            if (refusal is { } refused)
            {
                ReplyWriter.Write(Output, refused);
                await FlushAsync(_options.CommandTimeout).ConfigureAwait(false);
                return;
            }
            Reply(new SmtpReply(220, "", $"{_options.HostName} ESMTP ready"));

            while (!_quit)
            {
                if (!await BeginCommandAsync().ConfigureAwait(false)) break;
                var kind = await ReadCommandLineAsync(_options.CommandTimeout).ConfigureAwait(false);
                Interlocked.Exchange(ref _idle, 0);
                switch (kind)
                {
                    case LineKind.Closed:
                        _ending = (ConnectionLost, RefusalReason.ConnectionLost);
                        return;
                    case LineKind.TooLong:
                        Reply(Replies.CommandLineTooLong);
                        break;
                    case LineKind.BareLineBreak:
                        // A client that breaks lines with a lone CR or LF is broken or attempting SMTP
                        // smuggling; nothing after it can be trusted to be a command.
                        Log.BareLineBreak(_ctx.Logger, Info.SessionId, Info.RemoteEndPoint);
                        throw new CloseSessionException(Replies.BareLineBreakInCommand, "bare CR/LF in command", RefusalReason.BareLineBreak);
                    default:
                        await ExecuteAsync().ConfigureAwait(false);
                        break;
                }
            }
            await FlushAsync(_options.CommandTimeout).ConfigureAwait(false);
        }
        catch (CloseSessionException e)
        {
            Log.SessionAborted(_ctx.Logger, Info.SessionId, e.Message);
            _ending = (e.Reply, e.Refusal);
            await TryFinalReplyAsync(e.Reply).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            SmtpReply? aborted;
            lock (_lifetime) aborted = _abortReply;
            // Only Abort and the session-cap timer cancel the lifetime; a per-read timeout cancels just the I/O source.
            var reply = aborted ?? (_lifetime.IsCancellationRequested ? Replies.SessionTimeLimit : _timeoutReply);
            Log.SessionAborted(_ctx.Logger, Info.SessionId, reply.Text);
            _ending = (reply, aborted is null ? RefusalReason.Timeout : RefusalReason.Shutdown);
            await TryFinalReplyAsync(reply).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or ObjectDisposedException or InvalidOperationException)
        {
            Log.ConnectionLost(_ctx.Logger, Info.SessionId, e);
            _ending = (ConnectionLost, RefusalReason.ConnectionLost);
        }
        catch (Exception e)
        {
            Log.SessionFailed(_ctx.Logger, Info.SessionId, e);
            _ending = (Replies.LocalErrorClosing, RefusalReason.LocalError);
            await TryFinalReplyAsync(Replies.LocalErrorClosing).ConfigureAwait(false);
        }
        finally
        {
            if (_transaction is not null) await LeaveEventThread(); // disposing the handler's sink
            // A transaction cut off by a timeout, a violation, shutdown or the client leaving is still a
            // transaction the host must hear of (QUIT, RSET and EHLO end one by the client's own choice).
            if (_transaction is { } open && _ending is { } ending)
                await ReportRefusedAsync(open, ending.Reply, ending.Reason).ConfigureAwait(false);
            await EndTransactionAsync().ConfigureAwait(false);
            try { _ctx.Handler.OnDisconnected(Info); }
            catch (Exception e) { Log.HookFailed(_ctx.Logger, Info.SessionId, "OnDisconnected", e); }
            await _transport.DisposeAsync().ConfigureAwait(false);
            _io.Dispose();
            _lifetime.Dispose();
            Log.SessionClosed(_ctx.Logger, Info.SessionId);
        }
    }

    /// <summary>Marks the session idle (between transactions) and honours a pending graceful stop.</summary>
    private ValueTask<bool> BeginCommandAsync()
    {
        if (_transaction is null)
        {
            Interlocked.Exchange(ref _idle, 1);
            if (_ctx.IsStopping()) throw new CloseSessionException(Replies.ShuttingDown, "server stopping", RefusalReason.Shutdown);
        }
        return ValueTask.FromResult(true);
    }

    /// <summary>Queues a reply; it is flushed together with the others once the input runs dry.</summary>
    private void Reply(in SmtpReply reply)
    {
        ReplyWriter.Write(Output, reply);
        _unflushed = true;
        if (reply.Code is 500 or 501 or 502 or 503 or 504 or 555 && ++_badCommands >= _options.MaxBadCommands)
            throw new CloseSessionException(Replies.TooManyErrors, "too many bad commands");
    }

    private async Task TryFinalReplyAsync(SmtpReply reply)
    {
        try
        {
            ReplyWriter.Write(Output, reply);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await Output.FlushAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The peer is gone or not reading; the connection closes either way.
        }
    }

    private async ValueTask FlushAsync(TimeSpan timeout)
    {
        _unflushed = false;
        BeginIo(timeout, Replies.WriteTimeout);
        try { await Output.FlushAsync(_io.Token).ConfigureAwait(false); }
        finally { EndIo(); }
    }

    private void BeginIo(TimeSpan timeout, SmtpReply onTimeout)
    {
        _timeoutReply = onTimeout;
        _io.CancelAfter(timeout);
    }

    private void EndIo() => _io.TryReset();

    /// <summary>
    /// Next input. Data already buffered is returned at once; only before waiting on the network are
    /// the queued replies flushed, which is what makes pipelined groups cheap (RFC 2920).
    /// </summary>
    private async ValueTask<ReadResult> ReadAsync(TimeSpan timeout, SmtpReply onTimeout)
    {
        if (Input.TryRead(out var buffered)) return buffered;
        BeginIo(timeout, onTimeout);
        try
        {
            if (_unflushed)
            {
                _unflushed = false;
                await Output.FlushAsync(_io.Token).ConfigureAwait(false);
            }
            return await Input.ReadAsync(_io.Token).ConfigureAwait(false);
        }
        finally { EndIo(); }
    }

    /// <summary>
    /// Reads one command line into <see cref="_line"/>. Only CRLF ends a line; a lone CR or LF is
    /// reported, and a line longer than the limit is skipped up to its end and reported.
    /// </summary>
    private async ValueTask<LineKind> ReadCommandLineAsync(TimeSpan timeout)
    {
        int max = _options.MaxCommandLineLength;
        _lineWaitStarted = 0;
        _linePartialSince = 0;
        while (true)
        {
            var result = Input.TryRead(out var buffered) ? buffered : await WaitForLineBytesAsync(timeout).ConfigureAwait(false);
            var buffer = result.Buffer;

            if (_skippingLongLine)
            {
                var end = buffer.PositionOf((byte)'\n');
                if (end is null)
                {
                    Input.AdvanceTo(buffer.End);
                    if (result.IsCompleted) return LineKind.Closed;
                    continue;
                }
                Input.AdvanceTo(buffer.GetPosition(1, end.Value));
                _skippingLongLine = false;
                return LineKind.TooLong;
            }

            var window = buffer.Length > max ? buffer.Slice(0, max) : buffer;
            var lf = window.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (_linePartialSince == 0 && !buffer.IsEmpty)
                    _linePartialSince = Stopwatch.GetTimestamp();
                if (buffer.Length >= max)
                {
                    Input.AdvanceTo(window.End);
                    _skippingLongLine = true;
                    continue;
                }
                if (result.IsCompleted)
                {
                    Input.AdvanceTo(buffer.End);
                    return LineKind.Closed;
                }
                Input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            var line = buffer.Slice(0, lf.Value);
            int length = (int)line.Length;
            line.CopyTo(_line);
            Input.AdvanceTo(buffer.GetPosition(1, lf.Value));

            var bytes = _line.AsSpan(0, length);
            if (length == 0 || bytes[^1] != (byte)'\r' || bytes[..^1].IndexOfAny((byte)'\r', (byte)'\n') >= 0)
                return LineKind.BareLineBreak;
            _lineLength = length - 1;
            return LineKind.Command;
        }
    }

    /// <summary>
    /// Waits for more of the current command line. <paramref name="timeout"/> covers the whole line,
    /// not each read: a client sending a byte every few minutes cannot hold the connection until the
    /// session limit. Once part of a line has arrived, the rest must follow within
    /// <see cref="SmtpServerOptions.DataRateGracePeriod"/> plus the time a longest line takes at
    /// <see cref="SmtpServerOptions.MinDataRateBytesPerSecond"/>. Called only when nothing is
    /// buffered, so pipelined commands never read the clock.
    /// </summary>
    private ValueTask<ReadResult> WaitForLineBytesAsync(TimeSpan timeout)
    {
        long now = Stopwatch.GetTimestamp();
        if (_lineWaitStarted == 0)
            _lineWaitStarted = now;
        var remaining = timeout - Stopwatch.GetElapsedTime(_lineWaitStarted, now);
        if (_linePartialSince != 0 && _options.MinDataRateBytesPerSecond > 0)
        {
            var lineBudget = _options.DataRateGracePeriod + TimeSpan.FromSeconds((double)_options.MaxCommandLineLength / _options.MinDataRateBytesPerSecond);
            var lineRemaining = lineBudget - Stopwatch.GetElapsedTime(_linePartialSince, now);
            if (lineRemaining < remaining)
                remaining = lineRemaining;
        }
        if (remaining <= TimeSpan.Zero)
        {
            _timeoutReply = Replies.CommandTimeout;
            throw new OperationCanceledException(_timeoutReply.Text);
        }
        return ReadAsync(remaining, Replies.CommandTimeout);
    }

    private async ValueTask EndTransactionAsync()
    {
        var transaction = _transaction;
        _transaction = null;
        if (transaction is not null) await transaction.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// With inline socket completions (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1) a read
    /// continues on the socket event thread, which saves a thread hand-off per command. Protocol work
    /// may run there, and so may the hooks documented as quick (connect, MAIL, RCPT, disconnect); the
    /// hooks that may block on disk, CPU or the network (AUTH, the message sink and its completion) and
    /// the TLS handshake must not, or every other connection on that event thread would stall. Without
    /// inline completions continuations already run on the thread pool and this costs nothing.
    /// </summary>
    private static EventThreadEscape LeaveEventThread() => default;

    /// <summary>A refusal without an entry of its own in <see cref="SmtpReplies"/> (syntax, parameters, AUTH and TLS state).</summary>
    private SmtpReply Refuse(int code, string enhanced, string text) => Replies.Other(new SmtpReply(code, enhanced, text));

    /// <summary>What the handler hears for a transaction whose client went away: code 0, nothing was sent.</summary>
    private static readonly SmtpReply ConnectionLost = new(0, "", "Connection closed by the client during the transaction");

    /// <summary>Tells the handler, once per transaction, that the engine refused or ended it.</summary>
    private ValueTask ReportRefusedAsync(Transaction transaction, SmtpReply reply, RefusalReason reason)
    {
        if (transaction.RefusalReported) return ValueTask.CompletedTask;
        transaction.RefusalReported = true;
        return ReportRefusedAsync(transaction.Envelope, reply, reason);
    }

    private async ValueTask ReportRefusedAsync(Envelope envelope, SmtpReply reply, RefusalReason reason)
    {
        await LeaveEventThread(); // the host may write to disk
        // The session's own token may be cancelled already (timeout, shutdown): the host gets a short budget of its own.
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _ctx.Handler.OnTransactionRefusedAsync(Info, envelope, reply, reason, budget.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.HookFailed(_ctx.Logger, Info.SessionId, "OnTransactionRefused", e);
        }
    }

    /// <summary>Calls a handler hook; a failing hook answers <paramref name="onError"/> instead of ending the session.</summary>
    private async ValueTask<T> CallHookAsync<T>(string hook, Func<ValueTask<T>> call, T onError, bool mayBlock = false)
    {
        if (mayBlock) await LeaveEventThread();
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            Log.HookFailed(_ctx.Logger, Info.SessionId, hook, e);
            _hookFailed = true;
            return onError;
        }
    }
}
