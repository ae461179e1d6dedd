using System.Collections.Concurrent;
using System.Net;

namespace GovGateway.Smtp.Server;

/// <summary>
/// Remembers failed AUTH attempts per client address for a sliding window; an address that
/// reaches the limit is locked out until its oldest counted failure leaves the window.
/// </summary>
internal sealed class AuthFailureTracker(int maxFailures, TimeSpan window, TimeProvider time)
{
    private readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> _failures = new();

    public bool IsLockedOut(IPAddress address)
    {
        address = Key(address);
        if (!_failures.TryGetValue(address, out var queue)) return false;
        lock (queue)
        {
            Trim(queue);
            return queue.Count >= maxFailures;
        }
    }

    /// <summary>Records a failure; returns true when the address is now locked out.</summary>
    public bool RecordFailure(IPAddress address)
    {
        address = Key(address);
        var queue = _failures.GetOrAdd(address, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            Trim(queue);
            queue.Enqueue(time.GetUtcNow());
            // Keep the map from growing without bound under a spray of addresses.
            if (_failures.Count > 100_000) Sweep();
            return queue.Count >= maxFailures;
        }
    }

    /// <summary>
    /// IPv4 (also IPv4-mapped) per address; IPv6 per /64, since one host usually holds a whole /64
    /// and could otherwise use a fresh address for every attempt.
    /// </summary>
    internal static IPAddress Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            return address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    private void Trim(Queue<DateTimeOffset> queue)
    {
        var cutoff = time.GetUtcNow() - window;
        while (queue.Count > 0 && queue.Peek() < cutoff) queue.Dequeue();
    }

    private void Sweep()
    {
        foreach (var (address, queue) in _failures)
        {
            bool empty;
            lock (queue) { Trim(queue); empty = queue.Count == 0; }
            if (empty) _failures.TryRemove(address, out _);
        }
    }
}
