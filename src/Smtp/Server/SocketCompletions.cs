namespace GovGateway.Smtp;

/// <summary>
/// Process-wide socket tuning for a host that runs the engine. On Linux, .NET hands every socket
/// completion from its event thread to the thread pool; an SMTP exchange is a dozen small round trips,
/// so those hand-offs (a thread wake-up each) cost more than the protocol work. Inline completions run
/// the continuation on the event thread instead; the engine moves hooks that may block back to the
/// thread pool (see <see cref="ISmtpHandler"/>), so only quick protocol work runs there.
/// </summary>
public static class SocketCompletions
{
    public const string EnvironmentVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Turns inline completions on unless the environment already says either way. The runtime reads the
    /// setting once, at the first asynchronous socket operation, so call this first thing in Main.
    /// Returns whether inline completions are in effect.
    /// </summary>
    public static bool PreferInline()
    {
        var current = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (current is null)
        {
            Environment.SetEnvironmentVariable(EnvironmentVariable, "1");
            return true;
        }
        return current == "1";
    }
}
