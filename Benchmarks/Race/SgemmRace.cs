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

    /// <summary><c>race sgemm-rows [--ab NAME]</c>: the products the GEMM switches were made for (ResNet-8's 64- and
    /// 16-channel products, pix2pix's 32- and 128-channel ones, the DCGAN's chunks, with controls), each with switch
    /// <paramref name="switchName"/> of <see cref="GemmSwitches"/> off and on, alternating in this process (by default
    /// <c>short-rows</c>: a block's last rows as 6×32 or 8×32 tiles against 256-bit 6×16 and 12×32 ones); GFLOP/s by the
    /// wall and per CPU-second.</summary>
    public static void AlternateSwitch(TextWriter output, string switchName)
    {
        var sw = GemmSwitches.ByName[switchName];
        var rng = new Random(1);
        foreach (var (name, m, n, k, tb) in new[]
                 {
                     ("64→64 on 7×7, forward", 64, 3136, 576, false), ("64→64 on 7×7, ∂C/∂w", 64, 576, 3136, true),
                     ("32→64 stride 2, forward", 64, 3136, 288, false), ("16-channel, forward", 16, 50176, 144, false),
                     ("pix2pix m = 32", 32, 65536, 64, false), ("pix2pix m = 128", 128, 1024, 1024, false),
                     ("control: m = 144", 144, 3136, 576, false),
                     ("square n = 512", 512, 512, 512, false), ("square n = 1024", 1024, 1024, 1024, false),
                     ("DCGAN chunk, forward", 128, 392, 1024, false), ("DCGAN chunk, ∂C/∂x", 1024, 392, 128, false),
                 })
        {
            var a = RandomFloats.Uniform(rng, m * k); var b = RandomFloats.Uniform(rng, k * n); var c = new float[m * n];
            int ldb = tb ? k : n;
            void Product() => Gemm.Multiply(false, tb, m, n, k, a, k, b, ldb, c, n);
            Action With(bool on) => () =>
            {
                sw.Set(on);
                try { Product(); } finally { sw.Set(true); }
            };
            var (wall, cpu) = Timing.BestOfAlternating([With(false), With(true)]);
            double flop = 2.0 * m * n * k;
            output.WriteLine($"RESULT {name,-26} m {m,3} n {n,5} k {k,4}: {sw.Off} {flop / wall[0] / 1e6,6:F1} GFLOP/s " +
                             $"({flop / cpu[0] / 1e6:F1} per CPU-s), {sw.On} {flop / wall[1] / 1e6,6:F1} ({flop / cpu[1] / 1e6:F1}): {wall[0] / wall[1]:F2}× by the wall");
        }
    }

    /// <summary><c>race sgemm-team</c>: the few-row products of the networks (ResNet-8's 64-channel layers and 1×1
    /// shortcuts, pix2pix's 32-channel ones; ResNet-8's forward products as Yᵀ = colsᵀ·Wᵀ, positions as rows) beside square
    /// controls, each with how the team shared its calls.</summary>
    public static void FewRows(TextWriter output)
    {
        foreach (var (name, m, n, k, tb) in new[]
                 {
                     ("64→64 on 7×7, fwd, Yᵀ", 3136, 64, 576, false), ("32→64 s2, fwd, Yᵀ   ", 3136, 64, 288, false),
                     ("16→32 s2, fwd, Yᵀ   ", 12544, 32, 144, false), ("16→16, fwd, Yᵀ      ", 50176, 16, 144, false),
                     ("64→64 on 7×7, forward ", 64, 3136, 576, false), ("32→64 stride 2, fwd  ", 64, 3136, 288, false),
                     ("64→64 on 7×7, ∂C/∂w  ", 64, 576, 3136, true), ("1×1 16→32, forward   ", 32, 12544, 16, false),
                     ("16-channel, forward  ", 16, 50176, 144, false), ("pix2pix m = 32       ", 32, 65536, 64, false),
                     ("m = 144              ", 144, 3136, 576, false), ("pix2pix m = 128      ", 128, 1024, 1024, false),
                     ("64→64 ∂C/∂x, m = 576 ", 576, 3136, 64, false), ("288 ∂cols           ", 288, 3136, 64, false),
                     ("DCGAN chunk, ∂C/∂x   ", 1024, 392, 128, false), ("square n = 512       ", 512, 512, 512, false),
                     ("square n = 1024      ", 1024, 1024, 1024, false),
                 })
            Report(output, name, false, tb, m, n, k);
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

    /// <summary>The products of the DCGAN's 1024-tap layers (64→128, 4×4 stride 2, 14×14 → 7×7), for the whole batch of 64
    /// (n = 3136) and for chunks of 8 and 16 images (n = 392, 784).</summary>
    public static void ConvShapes(TextWriter output)
    {
        foreach (int n in new[] { 3136, 784, 392 })
        {
            Report(output, "forward  W·cols  ", false, false, 128, n, 1024);
            Report(output, "dW δ·colsᵀ       ", false, true, 128, 1024, n);
            Report(output, "dcols Wᵀ·δ       ", true, false, 1024, n, 128);
        }
    }

    /// <summary>The DCGAN 64→128 layer's three products (batch 64) through the whole batch's column matrix (im2col + GEMM
    /// + col2im, as the layers did) and through <see cref="Im2ColChunks"/> with several chunk sizes. Use
    /// <c>--threads 1</c> for one thread on both routes: GFLOP per CPU-second is then load-proof.</summary>
    public static void ConvKernels(TextWriter output, int threads)
    {
        var g = new Im2ColGeometry(64, 14, 14, 4, 4, 2, 2, 1, 1);
        const int batch = 64, outChannels = 128;
        KernelLoop.MaxThreads = threads;
        var rng = new Random(42);
        float[] Fill(int length) => RandomFloats.Uniform(rng, length);
        var x = Fill(batch * g.ImageLength); var w = Fill(outChannels * g.Rows); var dy = Fill(batch * outChannels * g.OutPixels);
        var y = new float[dy.Length]; var dx = new float[x.Length]; var dw = new float[w.Length];
        int cols = batch * g.OutPixels;
        var columns = new float[g.Rows * cols]; var z = new float[outChannels * cols];
        double flop = 2.0 * outChannels * cols * g.Rows;
        // Variants alternate for five rounds, each keeping its best (Timing.BestOfAlternating).
        var variants = new List<(string Name, Action Call)>
        {
            ("forward, whole batch", () =>
            {
                Im2Col.Unfold(x, batch, g, columns);
                Gemm.Multiply(false, false, outChannels, cols, g.Rows, w, g.Rows, columns, cols, z, cols);
            }),
            ("∂C/∂w, whole batch", () =>
            {
                Im2Col.Unfold(x, batch, g, columns);
                Gemm.Multiply(false, true, outChannels, g.Rows, cols, z, cols, columns, cols, dw, g.Rows, accumulate: true);
            }),
            ("∂C/∂x, whole batch", () =>
            {
                Gemm.Multiply(true, false, g.Rows, cols, outChannels, w, g.Rows, z, cols, columns, cols);
                Im2Col.Fold(columns, batch, g, dx);
            }),
        };
        // The layer itself, as a step calls it.
        var layer = new NeuralPipelines.Models.Layers.Conv.Conv2d(64, outChannels, 4, stride: 2, padding: 1);
        var xt = new NeuralPipelines.Models.Tensors.Tensor(x, [batch, 64, 14, 14]);
        var dyt = new NeuralPipelines.Models.Tensors.Tensor(dy, [batch, outChannels, 7, 7]);
        variants.Add(("Conv2d layer forward", () => layer.Forward(xt, true)));
        variants.Add(("Conv2d layer fwd+bwd", () => { layer.Forward(xt, true); layer.Backward(dyt); }));
        // The parts: im2col and col2im of the whole batch, and the three products for four chunks of 16 images.
        int c16 = 16 * g.OutPixels;
        variants.Add(("im2col, whole batch", () => Im2Col.Unfold(x, batch, g, columns)));
        variants.Add(("col2im, whole batch", () => Im2Col.Fold(columns, batch, g, dx)));
        variants.Add(("4 × W·cols (16 images)", () =>
        {
            for (int i = 0; i < 4; i++) Gemm.Multiply(false, false, outChannels, c16, g.Rows, w, g.Rows, columns, c16, z, c16);
        }));
        variants.Add(("4 × δ·colsᵀ (16 images)", () =>
        {
            for (int i = 0; i < 4; i++) Gemm.Multiply(false, true, outChannels, g.Rows, c16, z, c16, columns, c16, dw, g.Rows);
        }));
        variants.Add(("4 × Wᵀ·δ (16 images)", () =>
        {
            for (int i = 0; i < 4; i++) Gemm.Multiply(true, false, g.Rows, c16, outChannels, w, g.Rows, z, c16, columns, c16);
        }));
        foreach (int per in new[] { 0, 8 })
        {
            string size = per == 0 ? $"auto {Im2ColChunks.ImagesPerChunk(g, batch)}" : per.ToString();
            var workspace = new float[Im2ColChunks.WorkspaceLength(g, outChannels, batch, per)];
            variants.Add(($"forward, chunks of {size}", () => Im2ColChunks.Forward(x, batch, g, w, outChannels, default, y, per)));
            variants.Add(($"∂C/∂w, chunks of {size}", () => Im2ColChunks.AccumulateWeightGradient(x, dy, batch, g, outChannels, dw, workspace, per)));
            variants.Add(($"∂C/∂x, chunks of {size}", () => Im2ColChunks.InputGradient(dy, batch, g, w, outChannels, dx, per)));
        }
        // The implicit GEMM (Convolution's route for these layers): the column matrix never stored.
        var conv = new Convolution();
        var shape = new ConvolutionGeometry(batch, outChannels, g);
        variants.Add(("forward, implicit GEMM", () => conv.Forward(shape, x, w, default, y)));
        foreach (int width in new[] { 512, 1024, 2048 })
            variants.Add(($"forward, implicit, block {width}", () => { GatheredB.BlockWidth = width; conv.Forward(shape, x, w, default, y); GatheredB.BlockWidth = 768; }));
        variants.Add(("∂C/∂w, implicit GEMM", () => conv.WeightGradient(shape, x, dy, dw)));
        variants.Add(("∂C/∂x, Convolution", () => conv.InputGradient(shape, dy, w, dx)));
        var load = MachineLoad.Start();
        var (wall, best) = Timing.BestOfAlternating(variants.Select(v => v.Call).ToArray());
        for (int v = 0; v < variants.Count; v++)
            output.WriteLine($"RESULT {variants[v].Name,-24} best of 5: {wall[v],7:F2} ms/call, {best[v],6:F2} CPU-ms/call = " +
                             $"{flop / best[v] / 1e6,6:F1} GFLOP per CPU-s");
        output.WriteLine($"[other processes {load.OtherCores:F2} cores]");
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

    /// <summary>How the team shared the calls between two readings: the caller's part of the items, the calls its partner
    /// missed, and what the caller waited for per call (items held by the partner; the partner's last item at the end).</summary>
    private static string Shares(GemmTeamCounters before, GemmTeamCounters after)
    {
        long calls = after.Calls - before.Calls;
        if (calls == 0) return "";
        double us = 1e6 / System.Diagnostics.Stopwatch.Frequency / calls;
        return $": caller took {100.0 * (after.CallerItems - before.CallerItems) / (after.Items - before.Items):F0} % of the items, " +
               $"partner absent from {after.CallsAlone - before.CallsAlone}, caller waited {(after.CallerWaitTicks - before.CallerWaitTicks) * us:F0} µs " +
               $"on items + {(after.JoinTicks - before.JoinTicks) * us:F0} µs at the end per call of {(after.ElapsedTicks - before.ElapsedTicks) * us:F0} µs";
    }

    private static void Report(TextWriter output, string name, bool ta, bool tb, int m, int n, int k)
    {
        var rng = new Random(42);
        var a = Fill(m * k); var b = Fill(k * n); var c = new float[m * n];
        int lda = ta ? m : k, ldb = tb ? k : n;
        var load = MachineLoad.Start();
        int calls = 0;
        long teamCalls = Gemm.TeamCalls;
        var team = Gemm.TeamCounters;
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var (median, min, max) = Timing.SecondsPerCall(() => { Gemm.Multiply(ta, tb, m, n, k, a, lda, b, ldb, c, n); calls++; });
        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        double flop = 2.0 * m * n * k;
        // GFLOP per CPU-second of this process: a load-proof measure of single-thread kernel efficiency.
        output.WriteLine($"RESULT {name} {m}×{n}×{k}: median {flop / median / 1e9:F1} GFLOPS (min {flop / max / 1e9:F1}, " +
                         $"max {flop / min / 1e9:F1}; {median * 1e6:F1} µs/call; {flop * calls / cpu.TotalSeconds / 1e9:F1} GFLOP per CPU-s; " +
                         $"{Gemm.TeamCalls - teamCalls} of {calls} calls on the thread team{Shares(team, Gemm.TeamCounters)}) [other processes {load.OtherCores:F2} cores]");

        float[] Fill(int length) => RandomFloats.Uniform(rng, length);
    }
}
