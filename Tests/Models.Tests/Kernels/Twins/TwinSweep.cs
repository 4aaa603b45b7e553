using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>Runs a kernel's cases at every SIMD width this machine has (<see cref="SimdWidth.Use"/>) and on one thread and
/// two: each run against the plain twin, and the two-thread bits against the one-thread bits at the same width.</summary>
/// <remarks>One thread: <see cref="KernelLoop.MaxThreads"/> 1 and no product large enough for the GEMM's team. Two: both
/// shared over two threads, every product on the team (<see cref="Gemm.ParallelThreshold"/> 1, no backing off under load),
/// so the split is exercised on shapes far smaller than the ones that take it in training. Callers hold the GEMM's
/// collection: the settings are process-wide.</remarks>
public static class TwinSweep
{
    /// <summary>What a sweep found: runs made (case × width), and failures, one per case at most.</summary>
    public sealed record Report(int Cases, int Runs, long TeamCalls, IReadOnlyList<string> Failures);

    public static Report Run(IEnumerable<TwinCase> cases)
    {
        var failures = new List<string>();
        int count = 0, runs = 0;
        long teamCalls = Gemm.TeamCalls;
        using (new KernelSettingsScope(threads: 2, adaptToLoad: false))
        {
            foreach (var c in cases)
            {
                count++;
                var twin = c.Twin();
                var scale = c.Scale?.Invoke();
                foreach (var width in SimdWidth.AvailablePaths)
                {
                    using var _ = SimdWidth.Use(width);
                    if (c.Takes is { } takes && !takes()) continue;
                    runs++;
                    var one = OnThreads(1, c.Fast);
                    string? failure = c.Difference(twin, one, scale) is { } d ? $"{c.Shape} at {width}, one thread: {d}"
                        : Bits(one, OnThreads(2, c.Fast)) is { } b ? $"{c.Shape} at {width}: two threads differ from one at {b}"
                        : null;
                    if (failure is null) continue;
                    failures.Add(failure);
                    break;
                }
            }
        }
        return new Report(count, runs, Gemm.TeamCalls - teamCalls, failures);
    }

    private static float[][] OnThreads(int threads, Func<float[][]> body)
    {
        using var settings = new KernelSettingsScope(parallelThreshold: threads == 1 ? long.MaxValue : 1, loopThreads: threads);
        return body();
    }

    private static string? Bits(float[][] a, float[][] b)
    {
        for (int o = 0; o < a.Length; o++)
            for (int i = 0; i < a[o].Length; i++)
                if (BitConverter.SingleToInt32Bits(a[o][i]) != BitConverter.SingleToInt32Bits(b[o][i]))
                    return $"output {o} [{i}]: {b[o][i]:R} against {a[o][i]:R}";
        return null;
    }
}
