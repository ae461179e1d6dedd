using GovGateway.Access.Identity;
using GovGateway.Replies;
using System.Net;

namespace GovGateway.Access.RateLimiting;

/// <summary>
/// Sliding-window limits on messages and recipients per authenticated user and per client address
/// (provincial rule: more than 250 external messages in 10 minutes locks an account; here the
/// gateway defers instead). Each key keeps the times and recipient counts of its messages within
/// the window, so the retry-after is exact: the moment enough old messages leave the window.
/// The caller decides what counts (e.g. only messages with external recipients).
/// </summary>
internal sealed class RateLimiter
{
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    // One lock for all keys: a user's and an address's window must be checked and charged together,
    // and the work under it is tiny next to an SMTP transaction.
    private readonly object _gate = new();
    private int _callsSinceSweep;

    public RateLimiter(RateLimitOptions options, TimeProvider? time = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.Window <= TimeSpan.Zero)
            throw new ArgumentException("Access:RateLimits:Window must be positive.", nameof(options));
        if (options.MessagesPerUser < 0 || options.RecipientsPerUser < 0 || options.MessagesPerIp < 0 || options.RecipientsPerIp < 0)
            throw new ArgumentException("Access:RateLimits counts must be 0 (no limit) or more.", nameof(options));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Checks the limits for one message with this many recipients and, when allowed, counts it.</summary>
    public RateDecision TryAcquireMessage(string? user, IPAddress ip, int recipients) => Decide(user, ip, recipients, charge: true);

    /// <summary>Checks without counting (e.g. at RCPT TO with the recipients so far); charge later with <see cref="TryAcquireMessage"/>.</summary>
    public RateDecision Check(string? user, IPAddress ip, int recipients) => Decide(user, ip, recipients, charge: false);

    private RateDecision Decide(string? user, IPAddress ip, int recipients, bool charge)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentOutOfRangeException.ThrowIfNegative(recipients);
        var now = _time.GetUtcNow();
        var limits = new List<(string Key, int Messages, int Recipients, string Name)>(2);
        if (!string.IsNullOrEmpty(user))
            limits.Add(("u:" + UserNames.Key(user), _options.MessagesPerUser, _options.RecipientsPerUser, "user"));
        limits.Add(("a:" + ClientAddress.Key(ip), _options.MessagesPerIp, _options.RecipientsPerIp, "client address"));

        lock (_gate)
        {
            SweepNowAndThen(now);
            foreach (var (key, maxMessages, maxRecipients, name) in limits)
            {
                if (!_windows.TryGetValue(key, out var window))
                    continue;
                window.Prune(now, _options.Window);
                if (maxMessages > 0 && window.Count + 1 > maxMessages)
                {
                    var wait = window.WaitForMessages(maxMessages, now, _options.Window);
                    return new RateDecision(false, wait, GatewayReplies.MessageRateExceeded(wait), $"messages per {name}");
                }
                if (maxRecipients > 0 && window.Recipients + recipients > maxRecipients)
                {
                    var wait = window.WaitForRecipients(maxRecipients, recipients, now, _options.Window);
                    return new RateDecision(false, wait, GatewayReplies.RecipientRateExceeded(wait), $"recipients per {name}");
                }
            }
            // A single message with more recipients than the whole window allows can never pass.
            foreach (var (_, _, maxRecipients, name) in limits)
            {
                if (maxRecipients > 0 && recipients > maxRecipients)
                    return new RateDecision(false, _options.Window, GatewayReplies.RecipientRateExceeded(_options.Window), $"recipients per {name}");
            }
            if (charge)
            {
                foreach (var (key, _, _, _) in limits)
                {
                    if (!_windows.TryGetValue(key, out var window))
                        _windows[key] = window = new Window();
                    window.Add(now, recipients);
                }
            }
        }
        return RateDecision.Allow;
    }

    private void SweepNowAndThen(DateTimeOffset now)
    {
        if (++_callsSinceSweep % 1024 != 0)
            return;
        foreach (var key in _windows.Where(p => p.Value.PruneAndIsEmpty(now, _options.Window)).Select(p => p.Key).ToList())
            _windows.Remove(key);
    }

    /// <summary>Messages of one key inside the window, oldest first.</summary>
    private sealed class Window
    {
        private readonly Queue<(DateTimeOffset At, int Recipients)> _messages = new();

        public int Count => _messages.Count;
        public int Recipients { get; private set; }

        public void Add(DateTimeOffset at, int recipients)
        {
            _messages.Enqueue((at, recipients));
            Recipients += recipients;
        }

        public void Prune(DateTimeOffset now, TimeSpan window)
        {
            while (_messages.Count > 0 && _messages.Peek().At <= now - window)
                Recipients -= _messages.Dequeue().Recipients;
        }

        public bool PruneAndIsEmpty(DateTimeOffset now, TimeSpan window)
        {
            Prune(now, window);
            return _messages.Count == 0;
        }

        /// <summary>Time until the window holds fewer than max messages.</summary>
        public TimeSpan WaitForMessages(int max, DateTimeOffset now, TimeSpan window)
        {
            var mustLeave = _messages.Count + 1 - max;
            var leaving = _messages.ElementAt(mustLeave - 1);
            return leaving.At + window - now;
        }

        /// <summary>Time until enough recipients have left the window for this many more.</summary>
        public TimeSpan WaitForRecipients(int max, int wanted, DateTimeOffset now, TimeSpan window)
        {
            var remaining = Recipients;
            foreach (var (at, count) in _messages)
            {
                remaining -= count;
                if (remaining + wanted <= max)
                    return at + window - now;
            }
            return window;
        }
    }
}
