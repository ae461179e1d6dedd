using System.Diagnostics;

namespace Gateway.Tests.Support;

public sealed record ToolResult(int ExitCode, string StdOut, string StdErr)
{
    public string All => StdOut + StdErr;
}

/// <summary>Runs an external peer (swaks, openssl, python) with a hard time limit.</summary>
public static class ToolRunner
{
    public static async Task<ToolResult> RunAsync(string file, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null, string? workDir = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
