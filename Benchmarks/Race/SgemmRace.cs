using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>GFLOP/s of <see cref="Gemm"/> on the peer's square sizes and on the MLP's product shapes.</summary>
public static class SgemmRace
{
    public static void Square(TextWriter output)
    {
        foreach (int n in new[] { 256, 512, 1024, 2048 })
            Report(output, $"sgemm n={n}", false, false, n, n, n);
    }

    /// <summary>The products of one MLP 784-100-10 training step at batch 64, as the Dense layer calls them.</summary>
    public static void MlpShapes(TextWriter output)
    {
        Report(output, "forward 1  x·W1ᵀ ", false, true, 64, 100, 784);
        Report(output, "forward 1' x·W1  ", false, false, 64, 100, 784);   // the same product with W stored k×n
        Report(output, "forward 2  h·W2ᵀ ", false, true, 64, 10, 100);
        Report(output, "dW2  dyᵀ·h       ", true, false, 10, 100, 64);
        Report(output, "dh   dy·W2       ", false, false, 64, 100, 10);
        Report(output, "dW1  dhᵀ·x       ", true, false, 100, 784, 64);
        Report(output, "dx   dh·W1       ", false, false, 64, 784, 100);
    }

    /// <summary>Managed bytes the whole process allocates over many calls after a warm-up call (should be 0).</summary>
    public static void Allocation(TextWriter output)
    {
        foreach (var (m, n, k, calls) in new[] { (1024, 1024, 1024, 20), (300, 200, 600, 400), (64, 100, 784, 2000), (7, 9, 5, 10000) })
        {
            var a = new float[m * k]; var b = new float[k * n]; var c = new float[m * n];
            Gemm.Multiply(false, false, m, n, k, a, k, b, n, c, n);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < calls; i++) Gemm.Multiply(false, false, m, n, k, a, k, b, n, c, n);
            output.WriteLine($"RESULT alloc {m}×{n}×{k}: {GC.GetTotalAllocatedBytes(precise: true) - before} bytes over {calls} calls " +
                             $"(team calls so far {Gemm.TeamCalls})");
        }
    }

    private static void Report(TextWriter output, string name, bool ta, bool tb, int m, int n, int k)
    {
        var rng = new Random(42);
        var a = Fill(m * k); var b = Fill(k * n); var c = new float[m * n];
        int lda = ta ? m : k, ldb = tb ? k : n;
        var load = MachineLoad.Start();
        int calls = 0;
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var (median, min, max) = Timing.SecondsPerCall(() => { Gemm.Multiply(ta, tb, m, n, k, a, lda, b, ldb, c, n); calls++; });
        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        double flop = 2.0 * m * n * k;
        // GFLOP per CPU-second of this process: a load-proof measure of single-thread kernel efficiency.
        output.WriteLine($"RESULT {name} {m}×{n}×{k}: median {flop / median / 1e9:F1} GFLOPS (min {flop / max / 1e9:F1}, " +
                         $"max {flop / min / 1e9:F1}; {median * 1e6:F1} µs/call; {flop * calls / cpu.TotalSeconds / 1e9:F1} GFLOP per CPU-s) " +
                         $"[other processes {load.OtherCores:F2} cores]");

        float[] Fill(int length)
        {
            var x = new float[length];
            for (int i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            return x;
        }
    }
}
