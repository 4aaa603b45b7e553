using System.Diagnostics;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race gan</c>: the libtorch peer's <c>gan</c> workload on our trainer. One DCGAN step (D on a real batch and on
/// G(z) detached, then G through D), batch 64, z of size 64, Adam 2e-4 (0.5, 0.999), on the shipped MNIST digits;
/// 5 warm-up and 50 timed steps, median. <c>race gan-layers</c>: forward and backward of each layer at the step's shapes.
/// </summary>
public static class GanRace
{
    private const int Batch = 64, WarmUp = 5, Steps = 50, Seed = 42;

    /// <summary>A/B in one process: steps alternate between the layers' chunked route (<see cref="Im2ColChunks"/>) and the
    /// whole-batch column route, so both see the same neighbours; median wall and CPU time of each.</summary>
    public static void AlternateChunks(TextWriter output) =>
        Alternate(output, "chunked columns  ", () => Models.Kernels.Im2ColChunks.Enabled = true,
            "whole-batch columns", () => Models.Kernels.Im2ColChunks.Enabled = false);

    /// <summary><c>race gan --ab implicit</c>: steps alternate between the implicit GEMM for the 1024-tap layers
    /// (<see cref="Models.Kernels.ImplicitGemm"/>) and the chunked column routes it replaced.</summary>
    public static void AlternateImplicit(TextWriter output) =>
        Alternate(output, "implicit GEMM     ", () => Models.Kernels.ImplicitGemm.Enabled = true,
            "chunked columns   ", () => Models.Kernels.ImplicitGemm.Enabled = false);

    /// <summary><c>race gan --ab implicit-forward</c>: ∂C/∂w on the implicit GEMM in both; the forward product on it or on
    /// the chunked columns.</summary>
    public static void AlternateImplicitForward(TextWriter output) =>
        Alternate(output, "forward implicit  ", () => Models.Kernels.ImplicitGemm.Forwards = true,
            "forward on columns", () => Models.Kernels.ImplicitGemm.Forwards = false);

    /// <summary><c>race gan --ab small-planes</c>: steps alternate between the forward products of 7×7 output planes on the
    /// column routes (<see cref="Models.Kernels.ImplicitGemm.ForwardMinPixels"/> 64; the default is now 128, which moves no DCGAN layer) and on the implicit GEMM (0).</summary>
    public static void AlternateSmallPlanes(TextWriter output) =>
        Alternate(output, "small planes on columns", () => Models.Kernels.ImplicitGemm.ForwardMinPixels = 64,
            "small planes implicit  ", () => Models.Kernels.ImplicitGemm.ForwardMinPixels = 0);

    /// <summary><c>race gan --ab pack-once</c>: steps alternate between the chunks' weights packed once per call
    /// (<see cref="Models.Kernels.Im2ColChunks.PacksWeightsOnce"/>) and once in every chunk's product.</summary>
    public static void AlternatePackOnce(TextWriter output) =>
        Alternate(output, "weights packed once per call ", () => Models.Kernels.Im2ColChunks.PacksWeightsOnce = true,
            "weights packed in every chunk", () => Models.Kernels.Im2ColChunks.PacksWeightsOnce = false);

    /// <summary><c>race gan --ab dcgan</c>: steps alternate between both changes of branch <c>dcgan</c> (small planes'
    /// forwards on the chunks, the chunks' weights packed once) and main's routes (neither).</summary>
    public static void AlternateDcganBranch(TextWriter output) =>
        Alternate(output, "small planes on chunks + weights packed once",
            () => { Models.Kernels.ImplicitGemm.ForwardMinPixels = 64; Models.Kernels.Im2ColChunks.PacksWeightsOnce = true; },
            "main's routes                               ",
            () => { Models.Kernels.ImplicitGemm.ForwardMinPixels = 0; Models.Kernels.Im2ColChunks.PacksWeightsOnce = false; });

    /// <summary><c>race gan --ab NAME</c> for a switch of <see cref="GemmSwitches"/>: steps alternate between the switch
    /// on and off.</summary>
    public static void AlternateSwitch(TextWriter output, string name)
    {
        var sw = GemmSwitches.ByName[name];
        Alternate(output, sw.On, () => sw.Set(true), sw.Off, () => sw.Set(false));
    }

    /// <summary><c>race gan --ab fusion</c>: steps alternate between each batch norm fused with the activation after it
    /// (<see cref="Sequential.FusesActivation"/>) and the two layers run one after the other.</summary>
    public static void AlternateFusion(TextWriter output) =>
        Alternate(output, "batch norm + activation fused", () => Sequential.FusesActivation = true,
            "batch norm, then activation  ", () => Sequential.FusesActivation = false);

    /// <summary><c>race gan --ab nchw</c>: steps alternate between ∂C/∂w's δ packed straight from NCHW
    /// (<see cref="Models.Kernels.Convolution.PacksDeltaFromImages"/>) and δ copied to [O × N·P] first.</summary>
    public static void AlternateNchw(TextWriter output) =>
        Alternate(output, "δ packed from NCHW", () => Models.Kernels.Convolution.PacksDeltaFromImages = true,
            "δ copied first    ", () => Models.Kernels.Convolution.PacksDeltaFromImages = false);

    /// <summary><c>race gan --ab team [--idle-spin US]</c>: steps alternate between the kernels' loops on the GEMM team
    /// (<see cref="Models.Kernels.KernelLoop"/>) with the given idle spin, and <c>Parallel.For</c> with the team's
    /// former 50 µs spin.</summary>
    public static void AlternateTeam(TextWriter output, TimeSpan idleSpin) =>
        Alternate(output, $"team loops, idle spin {idleSpin.TotalMicroseconds:F0} µs",
            () => { Models.Kernels.KernelLoop.OnTeam = true; Models.Kernels.Gemm.IdleSpin = idleSpin; },
            "Parallel.For, idle spin 50 µs    ",
            () => { Models.Kernels.KernelLoop.OnTeam = false; Models.Kernels.Gemm.IdleSpin = TimeSpan.FromMicroseconds(50); });

    /// <summary>Steps alternate between two settings in one process, so both see the same neighbours; median wall and
    /// CPU time of each.</summary>
    public static void Alternate(TextWriter output, string name0, Action set0, string name1, Action set1)
    {
        var train = new DatasetCatalog().LoadImages("mnist").Train;
        var order = Permutation(train.Count, new Random(Seed));
        var step = GanStep.Dcgan(Dcgan.Generator(seed: Seed), Dcgan.Discriminator(seed: Seed + 1), seed: Seed);
        var real = new Tensor(Batch, train.Channels, train.Height, train.Width);
        int length = train.Channels * train.Height * train.Width;
        var load = MachineLoad.Start();
        int s = 0;
        var (wall, cpu) = Timing.AlternatingSteps(v =>
        {
            (v == 0 ? set0 : set1)();
            // Untimed: the batch for this pair of steps.
            int start = s++ / 2 * Batch % (train.Count - Batch);
            for (int i = 0; i < Batch; i++)
                train.Pixels.AsSpan(order[start + i] * length, length).CopyTo(real.Span.Slice(i * length, length));
        }, () => step.Run(real), WarmUp, Steps);
        set0();
        for (int v = 0; v < 2; v++)
            output.WriteLine($"RESULT gan step, {(v == 0 ? name0 : name1)}: median {Timing.Median(wall[v]):F1} ms/step " +
                             $"(min {wall[v].Min():F1}), median {Timing.Median(cpu[v]):F1} CPU-ms/step (min {cpu[v].Min():F1})");
        output.WriteLine($"[other processes {load.OtherCores:F2} cores; steps alternate, {Steps} of each after {WarmUp} warm-up]");
    }

    public static void Run(TextWriter output)
    {
        var train = new DatasetCatalog().LoadImages("mnist").Train;
        var order = Permutation(train.Count, new Random(Seed));
        var step = GanStep.Dcgan(Dcgan.Generator(seed: Seed), Dcgan.Discriminator(seed: Seed + 1), seed: Seed);
        var real = new Tensor(Batch, train.Channels, train.Height, train.Width);
        int length = train.Channels * train.Height * train.Width;
        var times = new List<double>();
        GanStepResult last = default;
        MachineLoad? load = null;
        var whole = Stopwatch.StartNew();
        var cpu = TimeSpan.Zero;
        for (int s = 0; s < WarmUp + Steps; s++)
        {
            if (s == WarmUp) { load = MachineLoad.Start(); whole.Restart(); cpu = Process.GetCurrentProcess().TotalProcessorTime; }
            long t0 = Stopwatch.GetTimestamp();
            // Same batches as the peer: consecutive slices of one seeded shuffle.
            int start = s * Batch % (train.Count - Batch);
            for (int i = 0; i < Batch; i++)
                train.Pixels.AsSpan(order[start + i] * length, length).CopyTo(real.Span.Slice(i * length, length));
            last = step.Run(real);
            if (s >= WarmUp) times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        double seconds = whole.Elapsed.TotalSeconds;
        // CPU time per step survives a busy machine better than wall time: the peer's meter gives the same figure as
        // "this process N cores" × seconds / steps.
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var sorted = times.Order().ToArray();
        double median = sorted[sorted.Length / 2];
        output.WriteLine($"RESULT gan step: median {1e3 * median:F2} ms/step (min {1e3 * sorted[0]:F2}, max {1e3 * sorted[^1]:F2}; " +
                         $"{Steps} steps after {WarmUp} warm-up) = {Batch / median:F0} real img/s; last lossD {last.DiscriminatorLoss:F3} " +
                         $"lossG {last.GeneratorLoss:F3} D(x) {last.RealProbability:F3} D(G(z)) {last.FakeProbability:F3} " +
                         $"[load: this process {cpuSeconds / seconds:F2} cores ({1e3 * cpuSeconds / Steps:F0} CPU-ms/step), other processes {load!.OtherCores:F2} cores over {seconds:F1} s]");
    }

    /// <summary>Forward and backward of every layer of both networks at batch 64, one at a time (median of 7 repetitions).</summary>
    public static void Layers(TextWriter output)
    {
        var rng = new Random(1);
        void Walk(string net, Sequential network, int[] inputShape)
        {
            var x = new Tensor([Batch, .. inputShape]);
            RandomFloats.Fill(rng, x.Span);
            foreach (var layer in network.Children)
            {
                var input = x;
                var y = layer.Forward(input, true);
                var dy = new Tensor(y.ShapeArray());
                for (int i = 0; i < dy.Length; i++) dy[i] = (float)(rng.NextDouble() - 0.5) * 1e-2f;
                var (f, _, _) = Timing.SecondsPerCall(() => layer.Forward(input, true), warmUp: 3);
                var (fb, _, _) = Timing.SecondsPerCall(() => { layer.Forward(input, true); layer.Backward(dy); }, warmUp: 3);
                // CPU time of the process per call (all threads): survives a busy machine better than the wall clock.
                double cf = CpuMilliseconds(() => layer.Forward(input, true));
                double cfb = CpuMilliseconds(() => { layer.Forward(input, true); layer.Backward(dy); });
                output.WriteLine($"  {net} {layer.Spec.Kind,-18} {Tensor.ShapeText(input.Shape),-16} forward {f * 1e3,7:F2} ms   backward {(fb - f) * 1e3,7:F2} ms" +
                                 $"   CPU: forward {cf,7:F2} ms   backward {cfb - cf,7:F2} ms");
                x = layer.Forward(input, true).Clone();
            }
        }
        Walk("G", Dcgan.Generator(seed: 1), [64]);
        Walk("D", Dcgan.Discriminator(seed: 2), [1, 28, 28]);
    }

    /// <summary>Process CPU-ms per call over calls lasting ≥ 0.5 s of wall time (at least 5 calls).</summary>
    private static double CpuMilliseconds(Action call)
    {
        call();
        var sw = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        int calls = 0;
        while (calls < 5 || sw.Elapsed.TotalSeconds < 0.5) { call(); calls++; }
        return (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / calls;
    }

    private static int[] Permutation(int n, Random rng)
    {
        var p = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
