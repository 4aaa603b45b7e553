using System.Runtime.InteropServices;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>CPU time of the calling thread, in nanoseconds (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>).</summary>
/// <remarks>Why: on a shared machine wall time per epoch mostly measures the neighbours; with <c>--threads 1</c> all the
/// work runs on the calling thread, so its CPU time says how fast the code itself ran (tier-0 or optimised), epoch by
/// epoch. The JIT's background recompiles run on other threads and are not counted. NaN where the call is missing.</remarks>
public static partial class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds, Nanoseconds; }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double Nanoseconds
    {
        get
        {
            try { return ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? t.Seconds * 1e9 + t.Nanoseconds : double.NaN; }
            catch (DllNotFoundException) { return double.NaN; }
            catch (EntryPointNotFoundException) { return double.NaN; }
        }
    }
}
