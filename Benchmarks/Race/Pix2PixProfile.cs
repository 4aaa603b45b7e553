using System.Diagnostics;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race pix2pix-profile [--ngf N]</c>: where a whole pix2pix step's time goes, layer by layer, inside the step itself
/// (each layer sees the caches and thread hand-offs of the real step, unlike <c>pix2pix-layers</c>, which times a layer
/// alone). Every leaf layer of the U-Net and of the PatchGAN but its first is wrapped in a meter that adds its wall time,
/// the process's CPU time and the calling thread's CPU time, forward and backward; what is left (D's first layer, the
/// concatenations, losses, Adam, zeroing) is one line. Per step, over 10 steps after 3 warm-up.
/// </summary>
/// <remarks>Reading it: process CPU − caller CPU is what the helper thread did (or spun) during the layer; wall × 2 −
/// process CPU is the second core's idle time (on a quiet machine). D's first convolution is left unwrapped because the
/// step finds it through <see cref="Sequential"/> to skip its ∂C/∂x in the D half.</remarks>
public static class Pix2PixProfile
{
    private const int Batch = 16, WarmUp = 3, Steps = 10, Seed = 42;

    public static void Run(TextWriter output, int[] widths)
    {
        foreach (int ngf in widths)
        {
            var meters = new List<Meter>();
            var g = WrapBlock(UNet.Build(64, 1, 2, ngf, Seed), meters, "G");
            var rawD = PatchGan.Build(3, ngf, 3, Seed + 1);
            var d = new Sequential(rawD.Children.Select((layer, i) => i == 0 ? layer : Wrap($"D{i}", layer, meters)));
            var adam = new OptimizerSettings(OptimizerKind.Adam, Beta1: 0.5f, Beta2: 0.999f);
            var step = new Pix2PixStep(g, Optimizer.Create(adam, g.AllParameters().ToArray()), d, Optimizer.Create(adam, d.AllParameters().ToArray()));
            var rng = new Random(Seed);
            var l = Pix2PixRace.Clipped(rng, Batch, 1);
            var ab = Pix2PixRace.Clipped(rng, Batch, 2);
            double wall = 0, cpu = 0, thread = 0;
            var load = MachineLoad.Start();
            for (int s = 0; s < WarmUp + Steps; s++)
            {
                if (s == WarmUp) { foreach (var m in meters) m.Reset(); wall = cpu = thread = 0; load = MachineLoad.Start(); }
                var c0 = Process.GetCurrentProcess().TotalProcessorTime;
                double t0c = ThreadCpu.Nanoseconds;
                long t0 = Stopwatch.GetTimestamp();
                step.Run(l, ab);
                wall += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                thread += (ThreadCpu.Nanoseconds - t0c) / 1e6;
                cpu += (Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMilliseconds;
            }
            output.WriteLine($"ngf {ngf}, batch {Batch}: per step over {Steps} steps; wall ms / process CPU-ms / caller-thread CPU-ms, forward | backward");
            double lw = 0, lc = 0, lt = 0;
            foreach (var m in meters)
            {
                output.WriteLine($"  {m.Name,-34} {m.Fwd.Wall / Steps,7:F2} {m.Fwd.Cpu / Steps,7:F2} {m.Fwd.Thread / Steps,7:F2} | {m.Bwd.Wall / Steps,7:F2} {m.Bwd.Cpu / Steps,7:F2} {m.Bwd.Thread / Steps,7:F2}");
                lw += m.Fwd.Wall + m.Bwd.Wall; lc += m.Fwd.Cpu + m.Bwd.Cpu; lt += m.Fwd.Thread + m.Bwd.Thread;
            }
            output.WriteLine($"  {"rest (D0, concat, losses, Adam, zero)",-34} {(wall - lw) / Steps,7:F2} {(cpu - lc) / Steps,7:F2} {(thread - lt) / Steps,7:F2}");
            foreach (var group in meters.GroupBy(m => m.Kind).OrderByDescending(k => k.Sum(m => m.Fwd.Wall + m.Bwd.Wall)))
                output.WriteLine($"    {group.Key,-12} wall {group.Sum(m => m.Fwd.Wall + m.Bwd.Wall) / Steps,7:F2}  CPU {group.Sum(m => m.Fwd.Cpu + m.Bwd.Cpu) / Steps,7:F2}  caller {group.Sum(m => m.Fwd.Thread + m.Bwd.Thread) / Steps,7:F2}");
            // What the rest holds, each part timed alone after the step (the step's own calls of the same kind).
            RestPart(output, "Adam G", () => step.GeneratorOptimizer.Step(2e-4f));
            RestPart(output, "Adam D", () => step.DiscriminatorOptimizer!.Step(2e-4f));
            RestPart(output, "zero G and D gradients (twice each)", () =>
            {
                for (int twice = 0; twice < 2; twice++)
                    foreach (var p in g.AllParameters().Concat(d.AllParameters())) p.ZeroGradient();
            });
            output.WriteLine($"RESULT pix2pix-profile ngf {ngf}: {wall / Steps:F1} ms/step, {cpu / Steps:F1} CPU-ms/step, caller thread {thread / Steps:F1} CPU-ms/step [other processes {load.OtherCores:F2} cores]");
        }
    }

    private static void RestPart(TextWriter output, string name, Action part)
    {
        part();
        var c0 = Process.GetCurrentProcess().TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        for (int s = 0; s < Steps; s++) part();
        double wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds, cpu = (Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMilliseconds;
        output.WriteLine($"    rest: {name,-36} {wall / Steps,7:F2} {cpu / Steps,7:F2}");
    }

    private static UNetSkipBlock WrapBlock(UNetSkipBlock block, List<Meter> meters, string name) =>
        new(WrapSequence(block.Down, meters, name + " down"),
            block.Inner is UNetSkipBlock inner ? WrapBlock(inner, meters, name + "·") : null,
            WrapSequence(block.Up, meters, name + " up"), block.Outermost);

    private static Sequential WrapSequence(Layer sequence, List<Meter> meters, string name) =>
        new(sequence.Children.Select(layer => Wrap(name, layer, meters)));

    private static Layer Wrap(string name, Layer layer, List<Meter> meters)
    {
        var m = new Meter($"{name} {Kind(layer)}", Kind(layer), layer);
        meters.Add(m);
        return m;
    }

    private static string Kind(Layer layer) => layer switch
    {
        Conv2d c => $"conv{c.Stride.H} {c.InChannels}→{c.OutChannels}",
        ConvTranspose2d t => $"convT {t.InChannels}→{t.OutChannels}",
        _ => layer.Spec.Kind,
    };

    private struct Times { public double Wall, Cpu, Thread; }

    /// <summary>A layer that runs another and adds up wall, process CPU and calling-thread CPU time.</summary>
    private sealed class Meter(string name, string kind, Layer inner) : Layer
    {
        public string Name { get; } = name;
        public string Kind { get; } = kind.Split(' ')[0];
        public Times Fwd, Bwd;
        public void Reset() => Fwd = Bwd = default;

        private static T Time<T>(ref Times sum, Func<T> call)
        {
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            double t0c = ThreadCpu.Nanoseconds;
            long t0 = Stopwatch.GetTimestamp();
            var y = call();
            sum.Wall += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            sum.Thread += (ThreadCpu.Nanoseconds - t0c) / 1e6;
            sum.Cpu += (Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMilliseconds;
            return y;
        }

        public override Tensor Forward(Tensor x, bool training) => Time(ref Fwd, () => inner.Forward(x, training));
        public override Tensor Backward(Tensor dy) => Time(ref Bwd, () => inner.Backward(dy));

        // The measured layer is the meter's child, so the step's switches that walk the network reach it.
        public override IReadOnlyList<Layer> Children => [inner];
        public override IReadOnlyList<Parameter> Parameters => [];
        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inner.OutputShape(inputShape);
        public override LayerSpec Spec => inner.Spec;
    }
}
