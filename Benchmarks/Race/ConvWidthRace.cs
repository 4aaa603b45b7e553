using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race conv-widths --threads 1</c>: the direct convolution kernels (forward, ∂C/∂w) at each SIMD width the machine
/// has, on LeNet-5's and ResNet-8's layers at batch 64, in GFLOP per CPU-second of the calling thread (best of five):
/// with one thread that figure is the kernel's own speed even on a busy machine.
/// </summary>
public static class ConvWidthRace
{
    public static void Run(TextWriter output)
    {
        output.WriteLine($"cpu: {Cpu.Description}");
        // C, H, kernel, pad, out channels
        foreach (var (c, h, k, p, o) in new[] { (1, 28, 5, 2, 6), (6, 14, 5, 0, 16), (16, 28, 3, 1, 16), (32, 14, 3, 1, 32), (64, 7, 3, 1, 64) })
        {
            const int batch = 64;
            var g = new Im2ColGeometry(c, h, h, k, k, 1, 1, p, p);
            var rng = new Random(1);
            float[] Fill(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() - 0.5); return a; }
            var x = Fill(batch * g.ImageLength); var w = Fill(o * g.Rows); var b = Fill(o); var dy = Fill(batch * o * g.OutPixels);
            var y = new float[dy.Length]; var dw = new float[w.Length];
            var workspace = new float[DirectConv2dWeightGradient.WorkspaceLength(g, o, batch)];
            double flop = 2.0 * batch * o * g.OutPixels * g.Rows;
            foreach (var width in SimdWidth.AvailablePaths.Where(v => v != SimdPath.Scalar))
            {
                using var _ = SimdWidth.Use(width);
                double forward = Best(() => DirectConv2d.Forward(x, batch, g, w, o, b, y));
                double gradient = Best(() => DirectConv2dWeightGradient.Accumulate(x, dy, batch, g, o, dw, workspace));
                output.WriteLine($"RESULT conv {c}→{o} {k}×{k} @{h} {width}: forward {flop / forward / 1e9:F1}, ∂C/∂w {flop / gradient / 1e9:F1} GFLOP per CPU-s");
            }
        }
    }

    /// <summary>Best CPU-seconds per call of the calling thread over five rounds of ≥ 0.2 s.</summary>
    private static double Best(Action call)
    {
        call();
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            double cpu = ThreadCpu.Nanoseconds;
            int calls = 0;
            while (calls < 2 || sw.Elapsed.TotalSeconds < 0.2) { call(); calls++; }
            best = Math.Min(best, (ThreadCpu.Nanoseconds - cpu) / 1e9 / calls);
        }
        return best;
    }
}
