namespace GovGateway.WebConsole.Auditor;

/// <summary>
/// The dashboard's counts per period, kept for Console:DashboardMaxAge: however many auditors refresh it, the log is
/// counted once per period and age, and one count at a time.
/// </summary>
internal sealed class DashboardCache(ConsoleContext context)
{
    private readonly SemaphoreSlim _counting = new(1, 1);
    private readonly Dictionary<int, (DateTime CountedUtc, DashboardData Data)> _kept = new();

    /// <summary>The counts for the last <paramref name="days"/> days and when they were made.</summary>
    public async Task<(DateTime CountedUtc, DashboardData Data)> GetAsync(int days, CancellationToken ct)
    {
        var maxAge = context.Options.DashboardMaxAge;
        await _counting.WaitAsync(ct);
        try
        {
            if (_kept.TryGetValue(days, out var kept) && DateTime.UtcNow - kept.CountedUtc <= maxAge)
                return kept;
            var now = DateTime.UtcNow;
            var log = context.Runtime.Audit!;
            var data = await Task.Run(() =>
            {
                var since = DashboardData.Build([], now, days, context.Zone).SinceUtc;
                return DashboardData.Build(log.Transactions(since, null), now, days, context.Zone);
            }, ct);
            if (maxAge > TimeSpan.Zero) _kept[days] = (now, data);
            return (now, data);
        }
        finally
        {
            _counting.Release();
        }
    }
}
