using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race ceiling</c>: what the machine's FMA units can do at all, the figure every GFLOP/s in docs/BENCHMARKS.md is
/// divided by. A loop of fused multiply-adds on sixteen independent register accumulators (no memory operand, so
/// nothing but the FMA ports limits it), on one thread and on every core, at 256 and 512 bits.
/// GFLOP/s = threads × iterations × accumulators × lanes × 2 / seconds.
/// </summary>
/// <remarks>Two FMA ports with a latency of four need eight chains in flight. The 512-bit loop runs sixteen (margin for a
/// latency of up to eight; AVX-512 has 32 registers). The 256-bit loop runs twelve: a CPU without AVX-512 has sixteen
/// vector registers, and sixteen accumulators beside the two operands spilled to the stack, whose store-to-load round
/// trips lengthened two chains and halved the figure (48.8 GFLOP/s a core on a Zen 3, whose sgemm runs 78). Each figure is the best of five runs of ~0.3 s: neighbours on a shared machine only ever
/// make a run slower, so the best is the one closest to the hardware. Also per CPU-second of the looping threads
/// (<see cref="ThreadCpu"/>): on a machine the neighbours keep busy, wall-clock figures measure the time slices we got,
/// while GFLOP per CPU-second still measures the core; divide a kernel's GFLOP per CPU-second (race sgemm --threads 1)
/// by it for a fraction of the ceiling that survives the load.</remarks>
public static class CeilingProbe
{
    private const int Chains512 = 16, Chains256 = 12;
    private const long Iterations = 20_000_000;

    /// <summary>Prints one RESULT line per width and thread count; returns the all-core ceiling of the widest width.</summary>
    public static double Run(TextWriter output)
    {
        output.WriteLine($"cpu: {Cpu.Description}");
        double widest = 0;
        foreach (var width in new[] { SimdPath.Vector256, SimdPath.Vector512 })
        {
            if (!SimdWidth.Available(width)) { output.WriteLine($"RESULT ceiling {(int)width}-bit: not accelerated here"); continue; }
            foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
            {
                var (gflops, perCpuSecond) = Best(width, threads);
                output.WriteLine($"RESULT ceiling {(int)width}-bit, {threads} thread{(threads > 1 ? "s" : "")}: {gflops:F1} GFLOP/s " +
                                 $"({gflops / threads:F1} a core; {perCpuSecond:F1} GFLOP per CPU-s)");
                if (threads == Environment.ProcessorCount) widest = gflops;
            }
        }
        return widest;
    }

    /// <summary>The best of five runs of <paramref name="threads"/> threads each running the loop: GFLOP/s (wall clock) and
    /// GFLOP per CPU-second of one looping thread.</summary>
    public static (double Gflops, double PerCpuSecond) Best(SimdPath width, int threads)
    {
        int lanes = (int)width / 32;
        int chains = width == SimdPath.Vector512 ? Chains512 : Chains256;
        double best = 0, bestPerCpu = 0;
        for (int round = 0; round < 5; round++)
        {
            using var start = new Barrier(threads + 1);
            var workers = new Thread[threads];
            var sink = new float[threads];
            var cpu = new double[threads];
            for (int t = 0; t < threads; t++)
            {
                int id = t;
                workers[t] = new Thread(() =>
                {
                    start.SignalAndWait();
                    double before = ThreadCpu.Nanoseconds;
                    sink[id] = width == SimdPath.Vector512 ? Loop512(Iterations) : Loop256(Iterations);
                    cpu[id] = (ThreadCpu.Nanoseconds - before) / 1e9;
                });
                workers[t].Start();
            }
            start.SignalAndWait();
            var sw = Stopwatch.StartNew();
            foreach (var w in workers) w.Join();
            double seconds = sw.Elapsed.TotalSeconds;
            best = Math.Max(best, threads * Iterations * chains * lanes * 2.0 / seconds / 1e9);
            bestPerCpu = Math.Max(bestPerCpu, threads * Iterations * chains * lanes * 2.0 / cpu.Sum() / 1e9);
            if (float.IsNaN(sink.Sum())) throw new InvalidOperationException("unreachable: keeps the loops' results alive");
        }
        return (best, bestPerCpu);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop256(long iterations)
    {
        var m = Vector256.Create(0.999999f); var d = Vector256.Create(1e-7f);
        Vector256<float> a0 = d, a1 = d, a2 = d, a3 = d, a4 = d, a5 = d, a6 = d, a7 = d;
        Vector256<float> a8 = d, a9 = d, a10 = d, a11 = d;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, d); a1 = Vector256.FusedMultiplyAdd(a1, m, d);
            a2 = Vector256.FusedMultiplyAdd(a2, m, d); a3 = Vector256.FusedMultiplyAdd(a3, m, d);
            a4 = Vector256.FusedMultiplyAdd(a4, m, d); a5 = Vector256.FusedMultiplyAdd(a5, m, d);
            a6 = Vector256.FusedMultiplyAdd(a6, m, d); a7 = Vector256.FusedMultiplyAdd(a7, m, d);
            a8 = Vector256.FusedMultiplyAdd(a8, m, d); a9 = Vector256.FusedMultiplyAdd(a9, m, d);
            a10 = Vector256.FusedMultiplyAdd(a10, m, d); a11 = Vector256.FusedMultiplyAdd(a11, m, d);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return Vector256.Sum(s);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop512(long iterations)
    {
        var m = Vector512.Create(0.999999f); var d = Vector512.Create(1e-7f);
        Vector512<float> a0 = d, a1 = d, a2 = d, a3 = d, a4 = d, a5 = d, a6 = d, a7 = d;
        Vector512<float> a8 = d, a9 = d, a10 = d, a11 = d, a12 = d, a13 = d, a14 = d, a15 = d;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, d); a1 = Vector512.FusedMultiplyAdd(a1, m, d);
            a2 = Vector512.FusedMultiplyAdd(a2, m, d); a3 = Vector512.FusedMultiplyAdd(a3, m, d);
            a4 = Vector512.FusedMultiplyAdd(a4, m, d); a5 = Vector512.FusedMultiplyAdd(a5, m, d);
            a6 = Vector512.FusedMultiplyAdd(a6, m, d); a7 = Vector512.FusedMultiplyAdd(a7, m, d);
            a8 = Vector512.FusedMultiplyAdd(a8, m, d); a9 = Vector512.FusedMultiplyAdd(a9, m, d);
            a10 = Vector512.FusedMultiplyAdd(a10, m, d); a11 = Vector512.FusedMultiplyAdd(a11, m, d);
            a12 = Vector512.FusedMultiplyAdd(a12, m, d); a13 = Vector512.FusedMultiplyAdd(a13, m, d);
            a14 = Vector512.FusedMultiplyAdd(a14, m, d); a15 = Vector512.FusedMultiplyAdd(a15, m, d);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
        return Vector512.Sum(s);
    }
}
