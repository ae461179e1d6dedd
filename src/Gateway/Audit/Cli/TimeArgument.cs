using System.Globalization;

namespace GovGateway.Audit;

/// <summary>Parses --since/--until: a date (yyyy-MM-dd, a whole UTC day) or an ISO 8601 time (UTC unless it carries an offset).</summary>
internal static class TimeArgument
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd"];

    /// <param name="endOfDay">For --until: a bare date means the end of that day, so the day is included.</param>
    public static DateTime? Parse(string? text, string option, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            return endOfDay ? date.AddDays(1) : date;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time.UtcDateTime;
        throw new AuditCliException($"{option}: '{text}' is not a date (2025-06-30) or an ISO 8601 time (2025-06-30T08:00:00+07:00).");
    }
}

/// <summary>A user-facing error of an audit verb: printed without a stack trace, exit code 2.</summary>
internal sealed class AuditCliException(string message) : Exception(message);
