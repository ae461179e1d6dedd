using System.Globalization;
using System.Text.RegularExpressions;
using GovGateway.Audit;
using GovGateway.AuditQueries.Filters;

namespace GovGateway.AuditQueries.Output;

/// <summary>
/// The time zone auditors read times in (--tz, else Audit:TimeZone, default UTC+07:00). The log stores UTC; only what
/// is shown, and how a bare date in --since/--until is read, follow this zone.
/// </summary>
internal static partial class DisplayZone
{
    /// <summary>Reads "+07:00", "UTC+7", "UTC" or an IANA name such as Asia/Ho_Chi_Minh.</summary>
    public static TimeZoneInfo Parse(string text, string source)
    {
        var t = text.Trim();
        if (t.Equals("UTC", StringComparison.OrdinalIgnoreCase) || t == "Z") return TimeZoneInfo.Utc;
        var m = Offset().Match(t);
        if (m.Success)
        {
            int hours = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
            int minutes = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            if (hours <= 14 && minutes < 60)
            {
                var offset = new TimeSpan(hours, minutes, 0) * (m.Groups["sign"].Value == "-" ? -1 : 1);
                var name = "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
                return TimeZoneInfo.CreateCustomTimeZone(name, offset, name, name);
            }
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(t);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new AuditCliException($"{source}: '{text}' is not a time zone; give an offset such as +07:00, UTC, or a name such as Asia/Ho_Chi_Minh.");
        }
    }

    /// <summary>"UTC+07:00" for a fixed offset, the IANA name otherwise.</summary>
    public static string Label(TimeZoneInfo zone) => zone == TimeZoneInfo.Utc ? "UTC" : zone.Id;

    public static DateTime ToLocal(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    public static string Iso(DateTime utc, TimeZoneInfo zone)
    {
        var local = ToLocal(utc, zone);
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone.GetUtcOffset(utc))
            .ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(?:UTC|GMT)?\s*(?<sign>[+-])(?<h>\d{1,2})(?::?(?<m>\d{2}))?$", RegexOptions.IgnoreCase)]
    private static partial Regex Offset();
}
