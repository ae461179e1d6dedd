using System.Diagnostics;

namespace GovGateway.TestKit;

public sealed record ToolResult(int ExitCode, string StdOut, string StdErr)
{
    public string All => StdOut + StdErr;

    /// <summary>This result when the tool exited 0; otherwise an exception carrying the command's output.</summary>
    public ToolResult Succeeded() =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"exited with {ExitCode}:\n{All}");
}

/// <summary>Runs an external peer (swaks, openssl, python, pdfsig, the gateway binary) with a hard time limit.</summary>
public static class ToolRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ToolResult> RunAsync(string file, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null,
        string? workDir = null, IReadOnlyDictionary<string, string>? environment = null)
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
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish in time: {await stdout}{await stderr}");
        }
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Pipes <paramref name="input"/> through a filter (iconv) byte for byte; its output, or an exception naming its error.</summary>
    public static byte[] Pipe(string file, IEnumerable<string> args, byte[] input, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in time");
        }
        copy.GetAwaiter().GetResult();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {stderr.Result}");
        return output.ToArray();
    }

    /// <summary>The same, for fixtures that build their inputs synchronously (they are also compiled into bench/policy).</summary>
    public static ToolResult Run(string file, IEnumerable<string> args, string? workDir = null, TimeSpan? timeout = null) =>
        RunAsync(file, args, timeout: timeout, workDir: workDir).GetAwaiter().GetResult();
}

/// <summary>The gateway's own binary (gateway.dll beside the test assembly), run as an administrator runs it.</summary>
public static class GatewayBinary
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "gateway.dll");

    public static Task<ToolResult> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    public static Task<ToolResult> RunAsync(IEnumerable<string> args, string? stdin, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null) =>
        ToolRunner.RunAsync("dotnet", [Dll, .. args], stdin, timeout ?? ToolRunner.DefaultTimeout, environment: environment);
}
