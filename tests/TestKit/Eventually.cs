using NUnit.Framework;

namespace GovGateway.TestKit;

/// <summary>Waits for what another thread or process brings about (a delivery, a log line, a file), failing the test when it does not come.</summary>
public static class Eventually
{
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) => UntilAsync(condition, timeout, () => what);

    /// <param name="what">What was awaited, told when it did not come (read then: it may name the state at that moment).</param>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"not reached within {timeout.TotalSeconds:0.#} s: {what()}");
            await Task.Delay(25);
        }
    }
}
