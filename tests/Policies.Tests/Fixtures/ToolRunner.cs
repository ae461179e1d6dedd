using System.Diagnostics;

namespace GovGateway.Policies.Tests.Fixtures;

/// <summary>Runs a command-line tool (openssl, pdfsig, certutil, qpdf) and returns its output; a failure throws with it (the fixtures are also compiled into bench/policy, without NUnit).</summary>
public static class ToolRunner
{
    public static string Run(string tool, IEnumerable<string> arguments, string? workingDirectory = null, bool mustSucceed = true)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within 60 s");
        }
        var output = stdout + stderr.Result;
        if (mustSucceed && process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}:\n{output}");
        return output;
    }
}
