using System.Diagnostics;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race pix2pix</c>: the libtorch peer's <c>pix2pix</c> workload on our trainer, for ngf = ndf = 64 and 32. One step
/// of <see cref="Pix2PixStep"/> at 64×64, batch 16 (D on the real and the detached fake pair, halved; G with BCE + 100·L1;
/// Adam 2e-4 (0.5, 0.999)), inputs N(0, 1) clipped to [−1, 1] as the peer's; 3 warm-up and 20 timed steps, median.
/// Then <c>pix2pix_inference</c>: the U-Net alone in inference mode, batch 64, 2 warm-up and 10 timed passes, median img/s.
/// </summary>
public static class Pix2PixRace
{
    private const int Batch = 16, WarmUp = 3, Steps = 20, InferenceBatch = 64, Seed = 42;

    public static void Run(TextWriter output, int[] widths)
    {
        foreach (int width in widths)
        {
            var (g, d, step, rng, l, ab) = Workload(width);
            var times = new List<double>();
            Pix2PixStepResult last = default;
            MachineLoad? load = null;
            TimeSpan cpu = default;
            for (int s = 0; s < WarmUp + Steps; s++)
            {
                if (s == WarmUp) { load = MachineLoad.Start(); cpu = Process.GetCurrentProcess().TotalProcessorTime; }
                long t0 = Stopwatch.GetTimestamp();
                last = step.Run(l, ab);
                if (s >= WarmUp) times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
            double median = Median(times);
            // CPU time of the process per step (all threads): the work a step costs, which survives a busy machine better than wall time.
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Steps;
            output.WriteLine($"RESULT pix2pix ngf {width} step: median {1e3 * median:F1} ms/step (min {1e3 * times.Min():F1}, max {1e3 * times.Max():F1}; " +
                             $"{Steps} steps after {WarmUp} warm-up) = {Batch / median:F1} img/s; {g.ParameterCount() + d.ParameterCount()} parameters; " +
                             $"last lossD {last.DiscriminatorLoss:F3} lossG {last.GeneratorLoss(100f):F3} [{cpuMs:F0} CPU-ms/step, {cpuMs / 1e3 / times.Average():F2} cores; other processes {load!.OtherCores:F2} cores]");

            var li = Clipped(rng, InferenceBatch, 1);
            var rates = new List<double>();
            MachineLoad? inference = null;
            TimeSpan inferenceCpu = default;
            for (int r = 0; r < 2 + 10; r++)
            {
                if (r == 2) { inference = MachineLoad.Start(); inferenceCpu = Process.GetCurrentProcess().TotalProcessorTime; }
                long t0 = Stopwatch.GetTimestamp();
                g.Forward(li, training: false);
                if (r >= 2) rates.Add(InferenceBatch / Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
            output.WriteLine($"RESULT pix2pix_inference ngf {width} batch {InferenceBatch}: median {Median(rates):F0} img/s (min {rates.Min():F0}, max {rates.Max():F0}) " +
                             $"[{(Process.GetCurrentProcess().TotalProcessorTime - inferenceCpu).TotalMilliseconds / 10:F0} CPU-ms/pass; other processes {inference!.OtherCores:F2} cores]");
        }
    }

    /// <summary>The variants of <see cref="Alternate"/> besides the default, <c>implicit</c>, as <c>race pix2pix --ab</c> names them.</summary>
    public static readonly string[] Variants =
        ["implicit-forward", "narrow", "channels-last", "fusion", "nchw", "small-planes", "pack-once", "min-pixels", "skip-relu", "phase-fold", "two-runs", "strided", .. GemmSwitches.ByName.Keys];

    // An "A,B" pair of integers from the environment variable, or the fallback when it is not set.
    private static (int A, int B) PairFromEnvironment(string name, (int A, int B) fallback) =>
        Environment.GetEnvironmentVariable(name) is { } text && text.Split(',') is [var a, var b] ? (int.Parse(a), int.Parse(b)) : fallback;

    /// <summary><c>race pix2pix --ab implicit|implicit-forward|channels-last|narrow [--ngf N]</c>: training steps and inference passes
    /// alternate between two route settings, in one process so both see the same neighbours; median wall and CPU time of
    /// each. <c>implicit</c>: the implicit GEMM for the layers with more than 640 taps
    /// (<see cref="Models.Kernels.ImplicitGemm"/>) or the column routes it replaced; <c>implicit-forward</c>: ∂C/∂w on the
    /// implicit GEMM in both, the forward product on it or on the columns; <c>channels-last</c>: PatchGAN's one-channel
    /// last layer on <see cref="Models.Kernels.ChannelsLastConv"/> or on the GEMM; <c>fusion</c>: each batch norm fused
    /// with the activation after it or not (<see cref="Models.Layers.Sequential.FusesActivation"/>); <c>nchw</c>: ∂C/∂w's δ packed from NCHW
    /// or copied first (<see cref="Models.Kernels.Convolution.PacksDeltaFromImages"/>); <c>narrow</c>: the column-free routes for the
    /// products no direct kernel takes from <see cref="Models.Kernels.Convolution.ColumnFreeTaps"/> taps, or from 640 as
    /// before; <c>min-pixels</c>: the forward products of output
    /// planes below <see cref="Models.Kernels.ImplicitGemm.ForwardMinPixels"/> on the chunks, the default against 64 (or
    /// NP_RACE_MINPIXELS=A,B); <c>skip-relu</c>: each U-Net level's up-path ReLU applied in the inner level's join or
    /// after it (<see cref="Models.Layers.Conv.UNetSkipBlock.FusesSkipActivation"/>); <c>phase-fold</c>: stride-1 folds and
    /// the whole batch's folds through <see cref="Models.Kernels.PhaseFold"/> or the earlier routes
    /// (<see cref="Models.Kernels.PhaseFold.Widened"/>); <c>two-runs</c>: the implicit GEMM's two-run panels packed by one
    /// 512-bit permute or gathered (<see cref="Models.Kernels.GatheredB.TwoRunsPermute"/>); <c>strided</c>: strided layers'
    /// phase planes dealt eight floats at a time with their ∂C/∂w on the direct kernel, or dealt element by element with
    /// ∂C/∂w on the column routes (<see cref="Models.Kernels.FlatPlanes.DealsFast"/>,
    /// <see cref="Models.Kernels.DirectConv2dWeightGradient.TakesStrided"/>).</summary>
    public static void Alternate(TextWriter output, int[] widths, string variant)
    {
        // NP_RACE_TAPS=A,B: --ab narrow times A against B instead of the default against 640.
        int defaultTaps = Models.Kernels.Convolution.ColumnFreeTaps;
        var (taps, before) = PairFromEnvironment("NP_RACE_TAPS", (defaultTaps, 640));
        // NP_RACE_MINPIXELS=A,B: --ab min-pixels times ImplicitGemm.ForwardMinPixels A against B (default: the default against 64).
        int defaultMinPixels = Models.Kernels.ImplicitGemm.ForwardMinPixels;
        var (minPixels, minPixelsBefore) = PairFromEnvironment("NP_RACE_MINPIXELS", (defaultMinPixels, 64));
        Action<int> set = variant switch
        {
            "implicit-forward" => v => Models.Kernels.ImplicitGemm.Forwards = v == 0,
            "narrow" => v => Models.Kernels.Convolution.ColumnFreeTaps = v == 0 ? taps : before,
            "channels-last" => v => Models.Kernels.ChannelsLastConv.Enabled = v == 0,
            "fusion" => v => Models.Layers.Sequential.FusesActivation = v == 0,
            "nchw" => v => Models.Kernels.Convolution.PacksDeltaFromImages = v == 0,
            "small-planes" => v => Models.Kernels.ImplicitGemm.ForwardMinPixels = v == 0 ? 64 : 0,
            "skip-relu" => v => Models.Layers.Conv.UNetSkipBlock.FusesSkipActivation = v == 0,
            "min-pixels" => v => Models.Kernels.ImplicitGemm.ForwardMinPixels = v == 0 ? minPixels : minPixelsBefore,
            "pack-once" => v => Models.Kernels.Im2ColChunks.PacksWeightsOnce = v == 0,
            "phase-fold" => v => Models.Kernels.PhaseFold.Widened = v == 0,
            "two-runs" => v => Models.Kernels.GatheredB.TwoRunsPermute = v == 0,
            "strided" => v => Cnn.CnnRace.StridedRoutes(v == 0),
            _ when GemmSwitches.ByName.TryGetValue(variant, out var sw) => v => sw.Set(v == 0),
            _ => v => Models.Kernels.ImplicitGemm.Enabled = v == 0,
        };
        string[] names = variant switch
        {
            "implicit-forward" => ["step, forward implicit", "step, forward on columns", "inference, forward implicit", "inference, forward on columns"],
            "narrow" => [$"step, column-free > {taps}", $"step, column-free > {before}", $"inference, column-free > {taps}", $"inference, column-free > {before}"],
            "channels-last" => ["step, channels-last 256→1", "step, 256→1 on the GEMM", "inference (same routes)", "inference (same routes)"],
            "fusion" => ["step, BN + activation fused", "step, BN then activation", "inference, fused", "inference, unfused"],
            "nchw" => ["step, δ packed from NCHW", "step, δ copied first", "inference (same routes)", "inference (same routes)"],
            "small-planes" => ["step, small planes on columns", "step, small planes implicit", "inference, small planes on columns", "inference, small planes implicit"],
            "skip-relu" => ["step, ReLU in the join", "step, join then ReLU", "inference, ReLU in the join", "inference, join then ReLU"],
            "min-pixels" => [$"step, chunks below {minPixels} px", $"step, chunks below {minPixelsBefore} px", $"inference, chunks < {minPixels} px", $"inference, chunks < {minPixelsBefore} px"],
            "pack-once" => ["step, weights packed once", "step, weights packed per chunk", "inference, weights packed once", "inference, weights packed per chunk"],
            "phase-fold" => ["step, phase folds widened", "step, earlier folds", "inference, phase folds widened", "inference, earlier folds"],
            "two-runs" => ["step, two-run panels permuted", "step, two-run panels gathered", "inference, two runs permuted", "inference, two runs gathered"],
            "strided" => ["step, strided layers dealt by vectors", "step, dealt by element", "inference, dealt by vectors", "inference, dealt by element"],
            _ when GemmSwitches.ByName.TryGetValue(variant, out var sw) => [$"step, {sw.On}", $"step, {sw.Off}", $"inference, {sw.On}", $"inference, {sw.Off}"],
            _ => ["step, implicit GEMM", "step, column routes", "inference, implicit GEMM", "inference, column routes"],
        };
        foreach (int width in widths)
        {
            var (g, d, step, rng, l, ab) = Workload(width);
            var li = Clipped(rng, InferenceBatch, 1);
            var wall = new[] { new List<double>(), new List<double>(), new List<double>(), new List<double>() };
            var cpu = new[] { new List<double>(), new List<double>(), new List<double>(), new List<double>() };
            var load = MachineLoad.Start();
            for (int s = 0; s < 2 * (WarmUp + Steps); s++)
            {
                int v = s % 2;
                set(v);
                for (int part = 0; part < 2; part++)
                {
                    var c0 = Process.GetCurrentProcess().TotalProcessorTime;
                    long t0 = Stopwatch.GetTimestamp();
                    if (part == 0) step.Run(l, ab);
                    else g.Forward(li, training: false);
                    if (s < 2 * WarmUp) continue;
                    wall[2 * part + v].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    cpu[2 * part + v].Add((Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMilliseconds);
                }
            }
            set(0);
            Models.Kernels.Convolution.ColumnFreeTaps = defaultTaps;
            Models.Kernels.ImplicitGemm.ForwardMinPixels = defaultMinPixels;
            for (int i = 0; i < 4; i++)
                output.WriteLine($"RESULT pix2pix ngf {width} {names[i],-26}: median {Median(wall[i]):F1} ms (min {wall[i].Min():F1}), " +
                                 $"median {Median(cpu[i]):F1} CPU-ms (min {cpu[i].Min():F1})");
            output.WriteLine($"[other processes {load.OtherCores:F2} cores; alternating, {Steps} of each after {WarmUp} warm-up; inference batch {InferenceBatch}]");
        }
    }

    /// <summary>The peer's networks at this width, their step, and the first batch (L and ab) from a seeded generator
    /// that the caller keeps drawing from.</summary>
    private static (UNetSkipBlock G, Models.Layers.Sequential D, Pix2PixStep Step, Random Rng, Tensor L, Tensor Ab) Workload(int width)
    {
        var g = UNet.Build(64, 1, 2, width, Seed);
        var d = PatchGan.Build(3, width, 3, Seed + 1);
        var adam = new OptimizerSettings(OptimizerKind.Adam, Beta1: 0.5f, Beta2: 0.999f);
        var step = new Pix2PixStep(g, Optimizer.Create(adam, g.AllParameters().ToArray()), d, Optimizer.Create(adam, d.AllParameters().ToArray()));
        var rng = new Random(Seed);
        var l = Clipped(rng, Batch, 1);
        return (g, d, step, rng, l, Clipped(rng, Batch, 2));
    }

    /// <summary>A batch of 64×64 images drawn N(0, 1) and clipped to [−1, 1], as the peer's inputs.</summary>
    internal static Tensor Clipped(Random rng, int batch, int channels)
    {
        var t = new Tensor(batch, channels, 64, 64);
        Models.Init.Initializers.FillNormal(t.Span, 1.0, rng);
        System.Numerics.Tensors.TensorPrimitives.Clamp(t.Span, -1f, 1f, t.Span);
        return t;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
