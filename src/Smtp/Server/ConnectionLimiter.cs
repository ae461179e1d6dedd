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

    public bool TryAcquire(IPAddress address)
    {
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

    public void Release(IPAddress address)
    {
        lock (_gate)
        {
            _total--;
            if (_perIp.TryGetValue(address, out int current))
            {
                if (current <= 1) _perIp.TryRemove(address, out _);
                else _perIp[address] = current - 1;
            }
        }
    }
}
