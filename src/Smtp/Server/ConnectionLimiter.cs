using System.Collections.Concurrent;
using System.Net;

namespace GovGateway.Smtp.Server;

/// <summary>Counts open connections in total and per client address, and refuses beyond the caps.</summary>
internal sealed class ConnectionLimiter(int maxTotal, int maxPerIp)
{
    private readonly ConcurrentDictionary<IPAddress, int> _perIp = new();
    private readonly object _gate = new();
    private int _total;

    public int Total => Volatile.Read(ref _total);

    /// <summary>
    /// Takes a slot; <paramref name="address"/> null takes only a slot of the total (behind a PROXY-protocol
    /// listener the client's address is known only once the header is read: <see cref="TryAddAddress"/>).
    /// </summary>
    public bool TryAcquire(IPAddress? address)
    {
        if (address is null)
        {
            lock (_gate)
            {
                if (_total >= maxTotal) return false;
                _total++;
                return true;
            }
        }
        // One lock keeps total and per-address counts consistent; accepts are far rarer than bytes.
        lock (_gate)
        {
            if (_total >= maxTotal) return false;
            _perIp.TryGetValue(address, out int current);
            if (current >= maxPerIp) return false;
            _perIp[address] = current + 1;
            _total++;
            return true;
        }
    }

    /// <summary>Counts <paramref name="address"/> for a slot taken without one; false (nothing counted) beyond its cap.</summary>
    public bool TryAddAddress(IPAddress address)
    {
        lock (_gate)
        {
            _perIp.TryGetValue(address, out int current);
            if (current >= maxPerIp) return false;
            _perIp[address] = current + 1;
            return true;
        }
    }

    public void Release(IPAddress? address)
    {
        lock (_gate)
        {
            _total--;
            if (address is not null && _perIp.TryGetValue(address, out int current))
            {
                if (current <= 1) _perIp.TryRemove(address, out _);
                else _perIp[address] = current - 1;
            }
        }
    }
}
