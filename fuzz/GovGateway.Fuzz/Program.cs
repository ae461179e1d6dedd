using System.Diagnostics;
using SharpFuzz;

namespace GovGateway.Fuzz;

/// <summary>
/// Entry point of the fuzzing harnesses.
///   GovGateway.Fuzz TARGET                 run under afl-fuzz (fuzz/run.sh starts it so)
///   GovGateway.Fuzz TARGET --run PATH...   replay files (or every file in folders) in-process: prints each
///                                          input's outcome and time, exits 1 if any threw or took longer
///                                          than --max-seconds (default 10)
///   GovGateway.Fuzz --list                 the target names
/// A target signals a finding by throwing: any exception that escapes it is a crash for afl-fuzz.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "--list")
        {
            foreach (var name in Targets.All.Keys) Console.WriteLine(name);
            return 0;
        }
        if (args.Length == 0 || !Targets.All.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: GovGateway.Fuzz TARGET [--run PATH... [--max-seconds N]]; targets: {string.Join(", ", Targets.All.Keys)}");
            return 2;
        }
        if (args.Length > 1)
        {
            if (args[1] != "--run" || args.Length < 3)
            {
                Console.Error.WriteLine($"unknown arguments after the target: {string.Join(' ', args[1..])}");
                return 2;
            }
            return Replay(target, args[2..]);
        }

        // Out of process: the instrumented code runs in a child, so a stack overflow or a crash of the
        // runtime is reported as a crash of that input instead of killing the fork server.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target(buffer.ToArray());
        });
        return 0;
    }

    private static int Replay(Action<byte[]> target, string[] args)
    {
        double maxSeconds = 10;
        var paths = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--max-seconds")
            {
                if (i + 1 >= args.Length || !double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out maxSeconds) || maxSeconds <= 0)
                {
                    Console.Error.WriteLine("--max-seconds needs a positive number");
                    return 2;
                }
                i++;
            }
            else if (Directory.Exists(args[i]))
                paths.AddRange(Directory.EnumerateFiles(args[i]).Where(f => Path.GetFileName(f) != "README.txt").Order(StringComparer.Ordinal)); // afl-fuzz's note
            else if (File.Exists(args[i])) paths.Add(args[i]);
            else
            {
                Console.Error.WriteLine($"no such file or folder: {args[i]}");
                return 2;
            }
        }

        int failures = 0;
        foreach (var path in paths)
        {
            var data = File.ReadAllBytes(path);
            var clock = Stopwatch.StartNew();
            try
            {
                target(data);
                clock.Stop();
                bool slow = clock.Elapsed.TotalSeconds > maxSeconds;
                if (slow) failures++;
                Console.WriteLine($"{(slow ? "SLOW" : "ok  ")} {clock.Elapsed.TotalMilliseconds,9:F1} ms  {path}");
            }
            catch (Exception ex)
            {
                failures++;
                Console.WriteLine($"FAIL {clock.Elapsed.TotalMilliseconds,9:F1} ms  {path}\n{ex}");
            }
        }
        Console.WriteLine($"{paths.Count} inputs, {failures} failed");
        return failures == 0 ? 0 : 1;
    }
}
