using System.Diagnostics;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>How the races time a call: the libtorch peer's method, so both sides of a race are measured the same way, and
/// alternating rounds for routes compared in one process.</summary>
public static class Timing
{
    /// <summary>Each call's best wall and process-CPU milliseconds per call over <paramref name="rounds"/> rounds in which the
    /// calls take turns (one warm-up call, then at least 3 calls and <paramref name="seconds"/> each): on a shared machine
    /// the minimum is the figure least moved by the neighbours, whose cache pollution only ever adds.</summary>
    public static (double[] WallMs, double[] CpuMs) BestOfAlternating(IReadOnlyList<Action> calls, int rounds = 5, double seconds = 0.3)
    {
        var wall = Enumerable.Repeat(double.MaxValue, calls.Count).ToArray();
        var cpu = Enumerable.Repeat(double.MaxValue, calls.Count).ToArray();
        for (int round = 0; round < rounds; round++)
            for (int v = 0; v < calls.Count; v++)
            {
                calls[v]();
                var sw = Stopwatch.StartNew();
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                int n = 0;
                while (n < 3 || sw.Elapsed.TotalSeconds < seconds) { calls[v](); n++; }
                cpu[v] = Math.Min(cpu[v], (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / n);
                wall[v] = Math.Min(wall[v], sw.Elapsed.TotalMilliseconds / n);
            }
        return (wall, cpu);
    }

    /// <summary>Seconds per call: <paramref name="warmUp"/> calls, then the median of 7 repetitions of ≥ 0.25 s each.</summary>
    public static (double Median, double Min, double Max) SecondsPerCall(Action call, int warmUp = 6)
    {
        for (int i = 0; i < warmUp; i++) call();
        var sw = Stopwatch.StartNew();
        int probe = 0;
        while (sw.Elapsed.TotalSeconds < 0.05) { call(); probe++; }
        int inner = Math.Max(1, (int)Math.Ceiling(probe * 0.25 / sw.Elapsed.TotalSeconds));
        var seconds = new double[7];
        for (int r = 0; r < seconds.Length; r++)
        {
            sw.Restart();
            for (int i = 0; i < inner; i++) call();
            seconds[r] = sw.Elapsed.TotalSeconds / inner;
        }
        Array.Sort(seconds);
        return (seconds[3], seconds[0], seconds[^1]);
    }

    /// <summary>Steps that alternate between two settings in one process, so both see the same neighbours:
    /// <paramref name="set"/>(0 or 1) before each <paramref name="step"/>, <paramref name="warmUp"/> of each untimed, then
    /// <paramref name="steps"/> of each timed; each setting's wall and process-CPU milliseconds per step.</summary>
    public static (List<double>[] WallMs, List<double>[] CpuMs) AlternatingSteps(Action<int> set, Action step, int warmUp, int steps)
    {
        var wall = new[] { new List<double>(), new List<double>() };
        var cpu = new[] { new List<double>(), new List<double>() };
        for (int s = 0; s < 2 * (warmUp + steps); s++)
        {
            int variant = s % 2;
            set(variant);
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            step();
            if (s < 2 * warmUp) continue;
            wall[variant].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            cpu[variant].Add((Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMilliseconds);
        }
        return (wall, cpu);
    }

    /// <summary>The median of <paramref name="values"/> (the upper one of an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
