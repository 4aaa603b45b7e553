using System.Diagnostics;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>The libtorch peer's timing method, so both sides of a race are measured the same way.</summary>
public static class Timing
{
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
}
