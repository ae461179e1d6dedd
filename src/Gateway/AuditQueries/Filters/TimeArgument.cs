using System.Globalization;

namespace GovGateway.AuditQueries.Filters;

/// <summary>Parses --since/--until: a date (yyyy-MM-dd, a whole day in the display zone) or an ISO 8601 time (in the display zone unless it carries an offset).</summary>
internal static class TimeArgument
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd"];

    /// <param name="endOfDay">For --until: a bare date means the end of that day, so the day is included.</param>
    public static DateTime? Parse(string? text, string option, bool endOfDay, TimeZoneInfo? zone = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        zone ??= TimeZoneInfo.Utc;
        if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return ToUtc(endOfDay ? date.AddDays(1) : date, zone);
        bool hasOffset = text.EndsWith('Z') || text.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"T.*[+-]\d{2}:?\d{2}$");
        if (hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time.UtcDateTime;
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return ToUtc(local, zone);
        throw new AuditCliException($"{option}: '{text}' is not a date (2025-06-30) or an ISO 8601 time (2025-06-30T08:00:00+07:00).");
    }

    private static DateTime ToUtc(DateTime local, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
}

/// <summary>A user-facing error of an audit verb: printed without a stack trace, exit code 2.</summary>
internal sealed class AuditCliException(string message) : Exception(message);
