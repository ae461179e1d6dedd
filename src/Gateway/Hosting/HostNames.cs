using System.Net;
using Microsoft.Extensions.Logging;

namespace GovGateway.Hosting;

/// <summary>
/// The name the gateway gives itself in its greeting, EHLO, Received: lines and bounces (Smtp:HostName).
/// Other mail servers compare it with DNS, so it should be the fully qualified name the MX record points at.
/// </summary>
internal static class HostNames
{
    /// <summary>How long start-up waits for the resolver to give the canonical name (a closed network may never answer).</summary>
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The configured name, else the machine's fully qualified name: the kernel's host name when it has a dot,
    /// else its canonical name from the resolver (/etc/hosts, DNS: what `hostname -f` says), else /etc/hostname.
    /// Warns when the result is not fully qualified.
    /// </summary>
    public static string Resolve(string? configured, ILogger logger, Func<string>? machineName = null,
        Func<string, string?>? canonicalName = null, string etcHostname = "/etc/hostname")
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var name = configured.Trim();
            if (!IsFullyQualified(name))
                logger.LogWarning("Smtp:HostName '{HostName}' is not a fully qualified domain name; other mail servers may distrust a greeting that " +
                                  "does not match DNS. Set it to the name the MX record points at (e.g. mail.stttt.hatinh.gov.vn)", name);
            return name;
        }

        var machine = (machineName ?? Dns.GetHostName)();
        var found = new[] { machine, (canonicalName ?? CanonicalName)(machine), ReadEtcHostname(etcHostname) }
            .Select(n => n?.Trim().TrimEnd('.'))
            .FirstOrDefault(n => n is not null && IsFullyQualified(n));
        if (found is not null) return found;
        logger.LogWarning("Smtp:HostName is not set and this machine's name '{HostName}' is not a fully qualified domain name; the greeting, " +
                          "Received: lines and bounces will say '{HostName}'. Set Smtp:HostName to the name the MX record points at (e.g. mail.stttt.hatinh.gov.vn)",
            machine, machine);
        return machine;
    }

    /// <summary>A DNS name of at least two labels, not an address literal or "localhost.localdomain"-style placeholder.</summary>
    public static bool IsFullyQualified(string name) =>
        name.Contains('.') && !name.StartsWith('.') && !IPAddress.TryParse(name, out _)
        && Uri.CheckHostName(name) == UriHostNameType.Dns
        && !name.Equals("localhost.localdomain", StringComparison.OrdinalIgnoreCase)
        && !name.EndsWith(".localdomain", StringComparison.OrdinalIgnoreCase);

    private static string? CanonicalName(string machine)
    {
        try
        {
            var lookup = Dns.GetHostEntryAsync(machine);
            return lookup.Wait(LookupTimeout) ? lookup.Result.HostName : null;
        }
        catch (Exception ex) when (ex is AggregateException or System.Net.Sockets.SocketException or ArgumentException)
        {
            return null;
        }
    }

    private static string? ReadEtcHostname(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
