using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GovGateway.Policies.Tests.Fixtures;

/// <summary>CPU time of the calling thread (Linux getrusage RUSAGE_THREAD, microsecond resolution): unlike wall time,
/// it does not grow when other processes share the cores, so a bound on it is not flaky.</summary>
public static class ThreadCpu
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal { public long Sec; public long Usec; }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public TimeVal User;
        public TimeVal System;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)] public long[] Rest;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, ref RUsage usage);

    public static TimeSpan Now()
    {
        if (!OperatingSystem.IsLinux()) return Process.GetCurrentProcess().TotalProcessorTime;
        var usage = new RUsage { Rest = new long[14] };
        if (getrusage(1 /* RUSAGE_THREAD */, ref usage) != 0) return Process.GetCurrentProcess().TotalProcessorTime;
        var micros = (usage.User.Sec + usage.System.Sec) * 1_000_000 + usage.User.Usec + usage.System.Usec;
        return TimeSpan.FromTicks(micros * 10);
    }

    /// <summary>CPU time of the process's waited-for children (RUSAGE_CHILDREN): a peer tool's cost, read before and after it runs.</summary>
    public static TimeSpan Children()
    {
        var usage = new RUsage { Rest = new long[14] };
        if (!OperatingSystem.IsLinux() || getrusage(-1 /* RUSAGE_CHILDREN */, ref usage) != 0) return TimeSpan.Zero;
        var micros = (usage.User.Sec + usage.System.Sec) * 1_000_000 + usage.User.Usec + usage.System.Usec;
        return TimeSpan.FromTicks(micros * 10);
    }

    /// <summary>Runs <paramref name="action"/> and returns the CPU time this thread spent in it.</summary>
    public static TimeSpan Measure(Action action)
    {
        var start = Now();
        action();
        return Now() - start;
    }
}
