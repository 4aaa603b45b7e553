using System.Diagnostics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race pix2pix-layers [--ngf N]</c>: where a pix2pix step's time goes. Every leaf layer of the U-Net and the PatchGAN
/// at the step's shapes (64×64, batch 16, training), forward and backward, wall and process CPU per call; the U-Net's
/// concatenations; each network's Adam step; then the U-Net's layers in inference (batch 64, forward only).
/// </summary>
/// <remarks>A layer is timed alone on the input it sees inside the step (the previous layer's output), so the table adds
/// up to roughly a step; the lines are sorted by nothing, in network order, with a total per kind at the end.</remarks>
public static class Pix2PixLayers
{
    private const int Batch = 16, InferenceBatch = 64, Calls = 7;

    public static void Run(TextWriter output, int[] widths, bool routes = false)
    {
        if (routes) { Routes(output, widths); return; }
        foreach (int ngf in widths)
        {
            var rng = new Random(3);
            var totals = new Dictionary<string, (double Forward, double Backward)>();
            output.WriteLine($"ngf {ngf}, batch {Batch}, training (CPU-ms per call: forward / backward; wall ms in brackets)");
            var g = UNet.Build(64, 1, 2, ngf, 42);
            WalkBlock(output, g, Random(rng, Batch, 1, 64), totals, training: true, "G");
            var d = PatchGan.Build(3, ngf, 3, 43);
            WalkSequence(output, "D", d, Random(rng, Batch, 3, 64), totals, training: true);
            var adam = new OptimizerSettings(OptimizerKind.Adam, Beta1: 0.5f, Beta2: 0.999f);
            foreach (var (name, net) in new[] { ("G", (Layer)g), ("D", d) })
            {
                var optimizer = Optimizer.Create(adam, net.AllParameters().ToArray());
                var (cpu, wall) = Measure(() => optimizer.Step(2e-4f));
                output.WriteLine($"  {name} adam ({net.ParameterCount():N0} weights) {cpu,8:F2}  ({wall:F2})");
                Add(totals, "adam", cpu, 0);
                (cpu, wall) = Measure(() => net.ZeroGradients());
                output.WriteLine($"  {name} zero gradients {cpu,8:F2}  ({wall:F2})");
                Add(totals, "zero-grad", cpu, 0);
            }
            output.WriteLine("  totals by kind (CPU-ms, forward / backward; D's layers run 3× forward and backward in a step):");
            foreach (var (kind, (f, b)) in totals.OrderByDescending(t => t.Value.Forward + t.Value.Backward))
                output.WriteLine($"    {kind,-18} {f,8:F2} / {b,8:F2}");

            output.WriteLine($"ngf {ngf}, batch {InferenceBatch}, inference (CPU-ms forward; wall ms in brackets)");
            var inference = new Dictionary<string, (double Forward, double Backward)>();
            WalkBlock(output, g, Random(rng, InferenceBatch, 1, 64), inference, training: false, "G");
            foreach (var (kind, (f, _)) in inference.OrderByDescending(t => t.Value.Forward))
                output.WriteLine($"    {kind,-18} {f,8:F2}");
        }
    }

    private static Tensor WalkBlock(TextWriter output, UNetSkipBlock block, Tensor x, Dictionary<string, (double, double)> totals, bool training, string net)
    {
        var d = WalkSequence(output, net, block.Down, x, totals, training);
        var m = block.Inner is UNetSkipBlock inner ? WalkBlock(output, inner, d, totals, training, net) : d;
        var u = WalkSequence(output, net, block.Up, m, totals, training);
        if (block.Outermost) return u;
        // The skip's concatenation and, in backward, the split of δ and the sum of the two ∂C/∂x: timed as the copies
        // UNetSkipBlock makes (two per example each way, plus one add).
        var y = new Tensor(x.Dim(0), x.Dim(1) + u.Dim(1), x.Dim(2), x.Dim(3));
        var du = new Tensor(u.ShapeArray());
        var dx = new Tensor(x.ShapeArray());
        int n = x.Dim(0), xl = x.ItemLength, ul = u.ItemLength, yl = xl + ul;
        void Forward()
        {
            for (int i = 0; i < n; i++)
            {
                x.Span.Slice(i * xl, xl).CopyTo(y.Span.Slice(i * yl, xl));
                u.Span.Slice(i * ul, ul).CopyTo(y.Span.Slice(i * yl + xl, ul));
            }
        }
        void Backward()
        {
            for (int i = 0; i < n; i++) y.Span.Slice(i * yl + xl, ul).CopyTo(du.Span.Slice(i * ul, ul));
            for (int i = 0; i < n; i++) TensorPrimitives.Add(x.Span.Slice(i * xl, xl), y.Span.Slice(i * yl, xl), dx.Span.Slice(i * xl, xl));
        }
        var (cf, wf) = Measure(Forward);
        var (cb, wb) = training ? Measure(Backward) : (0, 0);
        Report(output, net, "concat", x, cf, cb, wf, wb, training);
        Add(totals, "concat", cf, cb);
        Forward();
        return y;
    }

    private static Tensor WalkSequence(TextWriter output, string net, Layer sequence, Tensor x, Dictionary<string, (double, double)> totals, bool training)
    {
        foreach (var layer in sequence.Children.Count > 0 ? sequence.Children : [sequence])
        {
            var input = x;
            var y = layer.Forward(input, training);
            var dy = new Tensor(y.ShapeArray());
            var rng = new Random(5);
            for (int i = 0; i < dy.Length; i++) dy[i] = (float)(rng.NextDouble() - 0.5) * 1e-2f;
            var (cf, wf) = Measure(() => layer.Forward(input, training));
            double cb = 0, wb = 0;
            if (training)
            {
                var (cfb, wfb) = Measure(() => { layer.Forward(input, training); layer.Backward(dy); });
                (cb, wb) = (cfb - cf, wfb - wf);
            }
            string kind = Kind(layer);
            Report(output, net, kind, input, cf, cb, wf, wb, training);
            Add(totals, (net == "D" ? "D " : "") + kind, cf, cb);
            x = layer.Forward(input, training).Clone();
        }
        return x;
    }

    /// <summary><c>--routes</c>: each convolution of both networks at the step's shapes on the direct kernel and on the column
    /// route, alternating for three rounds in one process (same neighbours for both), CPU-ms forward / backward, best round.</summary>
    private static void Routes(TextWriter output, int[] widths)
    {
        foreach (int ngf in widths)
        {
            output.WriteLine($"ngf {ngf}, batch {Batch}: CPU-ms forward / backward, every route | without the direct kernels | without the implicit GEMM (best of 3 alternating rounds)");
            var rng = new Random(3);
            var convs = new List<(string Net, Layer Layer, Tensor Input)>();
            Collect("G", UNet.Build(64, 1, 2, ngf, 42), Random(rng, Batch, 1, 64), convs);
            Collect("D", PatchGan.Build(3, ngf, 3, 43), Random(rng, Batch, 3, 64), convs);
            foreach (var (net, layer, input) in convs)
            {
                var y = layer.Forward(input, true);
                var dy = new Tensor(y.ShapeArray());
                for (int i = 0; i < dy.Length; i++) dy[i] = (float)(rng.NextDouble() - 0.5) * 1e-2f;
                var best = new (double F, double B)[3];
                for (int round = 0; round < 3; round++)
                    for (int route = 0; route < 3; route++)
                    {
                        Models.Kernels.DirectConv2d.Enabled = route != 1;
                        Models.Kernels.ImplicitGemm.Enabled = route != 2;
                        try
                        {
                            var (cf, _) = Measure(() => layer.Forward(input, true));
                            var (cfb, _) = Measure(() => { layer.Forward(input, true); layer.Backward(dy); });
                            if (round == 0 || cf + cfb < best[route].F + best[route].B + best[route].F) best[route] = (cf, cfb - cf);
                        }
                        finally { Models.Kernels.DirectConv2d.Enabled = true; Models.Kernels.ImplicitGemm.Enabled = true; }
                    }
                output.WriteLine($"  {net} {Kind(layer),-6} {Tensor.ShapeText(input.Shape),-18} {best[0].F,7:F2} / {best[0].B,7:F2}  |  {best[1].F,7:F2} / {best[1].B,7:F2}  |  {best[2].F,7:F2} / {best[2].B,7:F2}");
            }
        }
    }

    /// <summary>Every convolution of a network with the input it sees in a training forward pass.</summary>
    private static Tensor Collect(string net, Layer layer, Tensor x, List<(string, Layer, Tensor)> convs)
    {
        switch (layer)
        {
            case UNetSkipBlock block:
                var d = Collect(net, block.Down, x, convs);
                var m = block.Inner is null ? d : Collect(net, block.Inner, d, convs);
                var u = Collect(net, block.Up, m, convs);
                return block.Outermost ? u : block.Forward(x, true).Clone();
            case Sequential:
                foreach (var child in layer.Children) x = Collect(net, child, x, convs);
                return x;
            default:
                if (layer is Conv2d or ConvTranspose2d) convs.Add((net, layer, x));
                return layer.Forward(x, true).Clone();
        }
    }

    private static string Kind(Layer layer) => layer switch
    {
        Conv2d c => $"conv {c.Stride.H}",
        ConvTranspose2d => "convT",
        _ => layer.Spec.Kind,
    };

    private static void Report(TextWriter output, string net, string kind, Tensor input, double cf, double cb, double wf, double wb, bool training) =>
        output.WriteLine(training
            ? $"  {net} {kind,-12} {Tensor.ShapeText(input.Shape),-18} {cf,8:F2} / {cb,8:F2}   ({wf:F2} / {wb:F2})"
            : $"  {net} {kind,-12} {Tensor.ShapeText(input.Shape),-18} {cf,8:F2}   ({wf:F2})");

    private static void Add(Dictionary<string, (double Forward, double Backward)> totals, string kind, double f, double b)
    {
        totals.TryGetValue(kind, out var t);
        totals[kind] = (t.Forward + f, t.Backward + b);
    }

    /// <summary>Process CPU-ms and median wall ms per call over <see cref="Calls"/> calls after two warm-up calls.</summary>
    private static (double Cpu, double Wall) Measure(Action call)
    {
        call(); call();
        var walls = new double[Calls];
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        for (int i = 0; i < Calls; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            walls[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        process.Refresh();
        double cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds / Calls;
        Array.Sort(walls);
        return (cpuMs, walls[Calls / 2]);
    }

    private static Tensor Random(Random rng, int batch, int channels, int size)
    {
        var t = new Tensor(batch, channels, size, size);
        RandomFloats.Fill(rng, t.Span);
        return t;
    }
}
