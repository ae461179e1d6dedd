using System.Diagnostics;

namespace GovGateway.Policies.Tests.Fixtures;

/// <summary>Runs the independent tools (poppler, iconv) the tests compare with.</summary>
public static class Tools
{
    public static string Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000)) throw new TimeoutException(program);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} exited {process.ExitCode}: {error}");
        return output;
    }

    /// <summary>A temporary file holding <paramref name="data"/>, deleted when the test run ends.</summary>
    public static string Temp(byte[] data, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), "legacy-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(path, data);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }
}
