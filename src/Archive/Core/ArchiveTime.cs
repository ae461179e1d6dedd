namespace GovGateway.Archive.Core;

/// <summary>Times as both stores keep them: UTC, to the millisecond (LiteDB's precision), so both return the same values.</summary>
internal static class ArchiveTime
{
    public static DateTime Normalize(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime();
        return new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}
