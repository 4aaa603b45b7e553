using System.Diagnostics;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race gan-profile</c>: where a whole DCGAN step's time goes, layer by layer, inside the step itself (so each layer
/// sees the caches and the thread hand-offs of the real step, unlike <c>gan-layers</c>). Every layer of both networks
/// is wrapped in a meter that adds its forward and backward wall time and process CPU time; the optimisers' steps are
/// what is left. Prints the sums over 30 steps after 5 warm-up, per step. Run it with <c>--threads 1</c> and 2: a layer
/// whose wall time barely drops while its CPU time grows is where the second core is lost. The caller column is the
/// calling thread's own CPU time (<see cref="ThreadCpu"/>): process CPU − caller is what the helper did (or spun) in
/// the layer, so caller − helper is, near enough, the time the caller worked alone while a core stood idle; that
/// "alone" column is the list of serial stretches, and it reads the same on a loaded machine as on a quiet one.
/// </summary>
public static class GanProfile
{
    private const int Batch = 64, WarmUp = 5, Steps = 30, Seed = 42;

    public static void Run(TextWriter output)
    {
        var train = new DatasetCatalog().LoadImages("mnist").Train;
        var meters = new List<Meter>();
        var g = Wrap("G", Dcgan.Generator(seed: Seed), meters);
        var d = Wrap("D", Dcgan.Discriminator(seed: Seed + 1), meters);
        var step = GanStep.Dcgan(g, d, seed: Seed);
        var real = new Tensor(Batch, train.Channels, train.Height, train.Width);
        int length = train.Channels * train.Height * train.Width;
        double wall = 0, cpu = 0, thread = 0;
        var load = MachineLoad.Start();
        for (int s = 0; s < WarmUp + Steps; s++)
        {
            if (s == WarmUp) { foreach (var m in meters) m.Reset(); wall = 0; cpu = 0; thread = 0; load = MachineLoad.Start(); }
            int start = s * Batch % (train.Count - Batch);
            for (int i = 0; i < Batch; i++)
                train.Pixels.AsSpan(start * length + i * length, length).CopyTo(real.Span.Slice(i * length, length));
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            double t0c = ThreadCpu.Nanoseconds;
            long t0 = Stopwatch.GetTimestamp();
            step.Run(real);
            wall += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            thread += (ThreadCpu.Nanoseconds - t0c) / 1e6;
            cpu += (Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMilliseconds;
        }
        output.WriteLine($"{"layer",-28} {"fwd ms",8} {"fwd CPU",8} {"caller",8} {"alone",8} {"bwd ms",8} {"bwd CPU",8} {"caller",8} {"alone",8}   (per step, {Steps} steps)");
        double lw = 0, lc = 0, lt = 0;
        foreach (var m in meters)
        {
            output.WriteLine($"{m.Name,-28} {m.ForwardWall / Steps,8:F2} {m.ForwardCpu / Steps,8:F2} {m.ForwardThread / Steps,8:F2} {Alone(m.ForwardCpu, m.ForwardThread) / Steps,8:F2} " +
                             $"{m.BackwardWall / Steps,8:F2} {m.BackwardCpu / Steps,8:F2} {m.BackwardThread / Steps,8:F2} {Alone(m.BackwardCpu, m.BackwardThread) / Steps,8:F2}");
            lw += m.ForwardWall + m.BackwardWall; lc += m.ForwardCpu + m.BackwardCpu; lt += m.ForwardThread + m.BackwardThread;
        }
        output.WriteLine($"{"rest (Adam, loss, noise)",-28} {(wall - lw) / Steps,8:F2} {(cpu - lc) / Steps,8:F2} {(thread - lt) / Steps,8:F2} {Alone(cpu - lc, thread - lt) / Steps,8:F2}");
        output.WriteLine($"RESULT gan-profile: {wall / Steps:F1} ms/step, {cpu / Steps:F1} CPU-ms/step ({cpu / wall:F2} cores), caller thread {thread / Steps:F1}, " +
                         $"alone {Alone(cpu, thread) / Steps:F1} CPU-ms/step [other processes {load.OtherCores:F2} cores]");
    }

    /// <summary>The caller's CPU time less the helper's (process − caller): the time the caller worked with no partner.</summary>
    private static double Alone(double process, double caller) => caller - (process - caller);

    /// <summary>Each layer in a meter; a batch norm and the activation it runs fused with
    /// (<see cref="Sequential.FusesActivation"/>) share one, as a two-layer <see cref="Sequential"/> that fuses them.</summary>
    private static Sequential Wrap(string net, Sequential network, List<Meter> meters)
    {
        var layers = network.Children;
        var wrapped = new List<Layer>();
        for (int i = 0; i < layers.Count; i++)
        {
            bool fused = Sequential.FusesActivation && i + 1 < layers.Count
                && layers[i] is IFusesActivation && layers[i + 1] is IFusibleActivation;
            var m = fused
                ? new Meter($"{net}{i} {layers[i].Spec.Kind}+{layers[i + 1].Spec.Kind}", new Sequential(layers[i], layers[++i]))
                : new Meter($"{net}{i} {layers[i].Spec.Kind}", layers[i]);
            meters.Add(m);
            wrapped.Add(m);
        }
        return new Sequential(wrapped);
    }

    /// <summary>A layer that runs another and adds up the time it took. GanStep's first-layer switch (no ∂C/∂x for D's input
    /// in the D half) only looks through Sequential, so here D's first convolution computes ∂C/∂x in the D half too: the
    /// profile overstates that layer's backward by two of those products.</summary>
    private sealed class Meter(string name, Layer inner) : Layer
    {
        public string Name { get; } = name;
        public double ForwardWall, ForwardCpu, ForwardThread, BackwardWall, BackwardCpu, BackwardThread;
        public void Reset() => ForwardWall = ForwardCpu = ForwardThread = BackwardWall = BackwardCpu = BackwardThread = 0;

        public override Tensor Forward(Tensor x, bool training)
        {
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            double t0c = ThreadCpu.Nanoseconds;
            long t0 = Stopwatch.GetTimestamp();
            var y = inner.Forward(x, training);
            ForwardWall += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            ForwardThread += (ThreadCpu.Nanoseconds - t0c) / 1e6;
            ForwardCpu += (Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMilliseconds;
            return y;
        }

        public override Tensor Backward(Tensor dy)
        {
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            double t0c = ThreadCpu.Nanoseconds;
            long t0 = Stopwatch.GetTimestamp();
            var dx = inner.Backward(dy);
            BackwardWall += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            BackwardThread += (ThreadCpu.Nanoseconds - t0c) / 1e6;
            BackwardCpu += (Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMilliseconds;
            return dx;
        }

        // The measured layer is the meter's child, so the step's switches that walk the network (parameter gradients
        // off in the G half) reach it.
        public override IReadOnlyList<Layer> Children => [inner];
        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inner.OutputShape(inputShape);
        public override LayerSpec Spec => inner.Spec;
    }
}
