using System.Diagnostics;
using NeuralPipelines.Benchmarks.Race;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Cnn;

/// <summary>
/// <c>race-cnn lenet|resnet [--ab strided|short-rows|panel-order|wide-transpose|masked-edges|chunks-any-taps|channels-last-dw]|resnet14|resnet20|layers|products|lenet-layers|profile [NET]|steps [NET] [--epochs N] [--threads N] [--off SWITCH] [--no-wait]</c>: the libtorch peer's <c>lenet</c> timings on our trainer (a throwaway model trains one warm-up
/// epoch; the measured model trains N epochs and images/s is the median; inference is batch 256 over the test set, 2 warm-up
/// and 15 timed passes, median), and a ResNet-8 training step at batch 64 (median of 7 repetitions). <c>products</c> times
/// each convolution product and LeNet's pools alone; <c>--threads 1</c> puts all the work on the calling thread, whose CPU
/// time the profiles report.
/// </summary>
public static class CnnRace
{
    public static int Run(string[] args, TextWriter output)
    {
        string mode = args.Length > 0 ? args[0] : "lenet";
        int at = Array.IndexOf(args, "--epochs");
        int epochs = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 10;
        int threads = Array.IndexOf(args, "--threads");
        if (threads >= 0 && threads + 1 < args.Length)
        {
            // One thread puts all the work on the caller, whose CPU time (the in-place profile's cpu column) is then the
            // work itself, whatever the neighbours do to the wall clock.
            Models.Kernels.Gemm.Threads = int.Parse(args[threads + 1], System.Globalization.CultureInfo.InvariantCulture);
            Models.Kernels.KernelLoop.MaxThreads = Models.Kernels.Gemm.Threads;
        }
        output.WriteLine($"processors {Environment.ProcessorCount}, GEMM threads {Models.Kernels.Gemm.Threads}");
        // --off NAME: the whole run with one switch of Race.GemmSwitches off (e.g. a profile of the earlier routes).
        int off = Array.IndexOf(args, "--off");
        if (off >= 0 && off + 1 < args.Length)
        {
            var name = args[off + 1];
            if (!Race.GemmSwitches.ByName.TryGetValue(name, out var sw)) { Console.Error.WriteLine($"race-cnn: --off wants one of {Race.GemmSwitches.Names}, got {name}"); return 2; }
            sw.Set(false);
            output.WriteLine($"switch {name} off: {sw.Off}");
        }
        if (Array.IndexOf(args, "--no-wait") < 0)
            output.WriteLine($"waited for quiet: other processes {MachineLoad.WaitForQuiet():F2} cores");
        switch (mode)
        {
            case "lenet": LeNet(output, epochs); return 0;
            case "resnet" when Array.IndexOf(args, "--ab") >= 0: AlternateResNet(output, Race.GemmSwitches.Named(args) ?? "strided"); return 0;
            case "resnet" or "resnet14" or "resnet20": ResNet(output, mode); return 0;
            case "layers": Layers(output); return 0;
            case "products": Products(output); return 0;
            case "steps": Steps(output, args); return 0;
            case "profile": Profile(output, args.Length > 1 ? args[1] : "resnet"); return 0;
            case "lenet-layers":
            {
                var net = new Models.Zoo.LeNet5().Build(new Models.Zoo.ZooOptions(1, 28, 28, 10, 1, 0));
                var x = new Tensor(256, 1, 28, 28);
                for (int i = 0; i < x.Length; i++) x[i] = (i * 7 % 13) / 13f;
                foreach (var l in net.Children.Count > 0 ? net.Children[0].Children.Count > 0 ? net.Children[0].Children : net.Children : [net])
                {
                    var input = x;
                    var (m, _, _) = Timing.SecondsPerCall(() => l.Forward(input, false), warmUp: 3);
                    output.WriteLine($"  {l.Spec.Kind,-12} {m * 1e3,7:F3} ms");
                    x = l.Forward(x, false);
                }
                return 0;
            }
            default: Console.Error.WriteLine($"race-cnn: unknown mode {mode} (lenet | resnet [--ab strided|{Race.GemmSwitches.Names}] | resnet14 | resnet20 | layers | lenet-layers | profile [NET] | steps [NET])"); return 2;
        }
    }

    public static void LeNet(TextWriter output, int epochs)
    {
        var data = CnnWorkload.LoadMnist();
        new CnnWorkload("lenet5", data, seed: 43).Epoch();
        var model = new CnnWorkload("lenet5", data, seed: 42);
        var rates = new List<double>();
        var whole = MachineLoad.Start();
        for (int e = 1; e <= epochs; e++)
        {
            var load = MachineLoad.Start();
            var sw = Stopwatch.StartNew();
            double cost = model.Epoch();
            rates.Add(model.TrainCount / sw.Elapsed.TotalSeconds);
            output.WriteLine($"  lenet epoch {e}: {rates[^1]:F0} img/s, mean cost {cost:F4} [other processes {load.OtherCores:F2} cores]");
        }
        double accuracy = model.TestAccuracy();
        var sorted = rates.Order().ToArray();
        output.WriteLine($"RESULT lenet: train median {sorted[sorted.Length / 2]:F0} img/s over {epochs} epochs (min {sorted[0]:F0}, max {sorted[^1]:F0}); " +
                         $"test acc {100 * accuracy:F2}% [other processes {whole.OtherCores:F2} cores]");

        // Inference: the trained model, evaluation mode, batch 256 over the test set.
        var test = data.Test;
        var batch = new Tensor(256, test.Channels, test.Height, test.Width);
        double Pass()
        {
            var sw = Stopwatch.StartNew();
            for (int s = 0; s < test.Count; s += 256)
            {
                int n = Math.Min(256, test.Count - s);
                var x = n == 256 ? batch : new Tensor(n, test.Channels, test.Height, test.Width);
                test.Pixels.AsSpan(s * test.ImageLength, n * test.ImageLength).CopyTo(x.Span);
                model.Network.Forward(x, training: false);
            }
            return test.Count / sw.Elapsed.TotalSeconds;
        }
        Pass(); Pass();
        var loadInference = MachineLoad.Start();
        var passes = Enumerable.Range(0, 15).Select(_ => Pass()).Order().ToArray();
        output.WriteLine($"RESULT lenet_inference: median {passes[7]:F0} img/s at batch 256 (min {passes[0]:F0}, max {passes[^1]:F0}) " +
                         $"[other processes {loadInference.OtherCores:F2} cores]");
    }

    /// <summary>Each convolution product (forward, ∂C/∂w, ∂C/∂x) of LeNet-5's and ResNet-8's stride-1 layers at batch 64,
    /// through <see cref="Models.Kernels.Convolution"/>'s entry points: medians of 60 calls, wall and the calling thread's
    /// CPU time (with <c>--threads 1</c> the latter is the work, whatever the neighbours do).</summary>
    public static void Products(TextWriter output)
    {
        foreach (var (name, ci, co, hh, k, pad) in new[]
                 {
                     ("lenet conv1", 1, 6, 28, 5, 2), ("lenet conv2", 6, 16, 14, 5, 0),
                     ("resnet 16→16 @28", 16, 16, 28, 3, 1), ("resnet 32→32 @14", 32, 32, 14, 3, 1), ("resnet 64→64 @7", 64, 64, 7, 3, 1),
                 })
        {
            var g = new Models.Kernels.Im2ColGeometry(ci, hh, hh, k, k, 1, 1, pad, pad);
            var s = new Models.Kernels.ConvolutionGeometry(64, co, g);
            var rng = new Random(3);
            float[] Random(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() - 0.5); return a; }
            float[] x = Random(64 * g.ImageLength), w = Random(co * g.Rows), b = Random(co), y = new float[64 * co * g.OutPixels];
            float[] dy = Random(y.Length), dw = new float[w.Length], dx = new float[x.Length];
            var conv = new Models.Kernels.Convolution();
            var f = Median(() => conv.Forward(s, x, w, b, y));
            var wg = Median(() => conv.WeightGradient(s, x, dy, dw));
            var ig = Median(() => conv.InputGradient(s, dy, w, dx));
            double flop = 2.0 * 64 * co * g.OutPixels * g.Rows / 1e6;
            output.WriteLine($"  {name,-18} forward {f.Wall,6:F3} ms (cpu {f.Cpu,6:F3})   ∂C/∂w {wg.Wall,6:F3} ms (cpu {wg.Cpu,6:F3})   " +
                             $"∂C/∂x {ig.Wall,6:F3} ms (cpu {ig.Cpu,6:F3})   [{flop:F1} MFLOP each]");
        }
        Pools(output);
    }

    /// <summary>LeNet-5's two 2×2 max pools at batch 64 (<see cref="Models.Kernels.Pooling"/>), forward with winners and
    /// backward: medians of 60 calls, wall and the calling thread's CPU time.</summary>
    private static void Pools(TextWriter output)
    {
        foreach (var (planes, side) in new[] { (64 * 6, 28), (64 * 16, 10) })
        {
            var g = new Models.Kernels.Im2ColGeometry(planes, side, side, 2, 2, 2, 2);
            var rng = new Random(5);
            var x = new float[planes * side * side];
            for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
            float[] y = new float[planes * g.OutPixels], dy = new float[y.Length], dx = new float[x.Length];
            var winners = new int[y.Length];
            var f = Median(() => Models.Kernels.Pooling.MaxForward(x, g, y, winners));
            var b = Median(() => Models.Kernels.Pooling.MaxBackward(dy, winners, g, dx));
            output.WriteLine($"  max pool {planes}×{side}×{side} forward {f.Wall,6:F3} ms (cpu {f.Cpu,6:F3})   backward {b.Wall,6:F3} ms (cpu {b.Cpu,6:F3})");
        }
    }

    /// <summary>Medians of 60 calls after 10 warm-up calls: wall and the calling thread's CPU time, in ms.</summary>
    private static (double Wall, double Cpu) Median(Action a)
    {
        for (int i = 0; i < 10; i++) a();
        var wall = new double[60]; var cpu = new double[60];
        for (int i = 0; i < 60; i++)
        {
            long t0 = Stopwatch.GetTimestamp(); double c0 = ThreadCpu.Nanoseconds;
            a();
            wall[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds; cpu[i] = (ThreadCpu.Nanoseconds - c0) / 1e6;
        }
        return (wall.Order().ElementAt(30), cpu.Order().ElementAt(30));
    }

    /// <summary>Forward + backward of ResNet-8's layer kinds at its batch-64 shapes, one at a time: where a step's time goes.</summary>
    public static void Layers(TextWriter output)
    {
        var rng = new Random(1);
        (string Name, Models.Layers.Layer Layer, int[] Shape)[] cases =
        [
            ("conv 1→16 3×3 @28", new Models.Layers.Conv.Conv2d(1, 16, 3, 1, 1, bias: false, rng: rng), [64, 1, 28, 28]),
            ("conv 16→16 3×3 @28", new Models.Layers.Conv.Conv2d(16, 16, 3, 1, 1, bias: false, rng: rng), [64, 16, 28, 28]),
            ("conv 16→32 3×3 /2 @28", new Models.Layers.Conv.Conv2d(16, 32, 3, 2, 1, bias: false, rng: rng), [64, 16, 28, 28]),
            ("conv 32→32 3×3 @14", new Models.Layers.Conv.Conv2d(32, 32, 3, 1, 1, bias: false, rng: rng), [64, 32, 14, 14]),
            ("conv 32→64 3×3 /2 @14", new Models.Layers.Conv.Conv2d(32, 64, 3, 2, 1, bias: false, rng: rng), [64, 32, 14, 14]),
            ("conv 64→64 3×3 @7", new Models.Layers.Conv.Conv2d(64, 64, 3, 1, 1, bias: false, rng: rng), [64, 64, 7, 7]),
            ("batch-norm 16 @28", new Models.Layers.Conv.BatchNorm2d(16), [64, 16, 28, 28]),
            ("relu 16 @28", new Models.Layers.ReLU(), [64, 16, 28, 28]),
        ];
        // ∂C/∂w at the network's shapes through both products (Im2ColProducts.SuitsReduce picks between them from this).
        foreach (var (ci, co, hh, kk) in new[] { (16, 16, 28, 3), (6, 16, 14, 5), (1, 6, 28, 5), (1, 16, 28, 3), (16, 32, 28, 1) })
        {
            var g = new Models.Kernels.Im2ColGeometry(ci, hh, hh, kk, kk, 1, 1, kk / 2, kk / 2);
            int cols = 64 * g.OutPixels;
            var colm = new float[g.Rows * cols]; var w = new float[co * g.Rows]; var z = new float[co * cols];
            var gw = new float[co * g.Rows];
            for (int i = 0; i < colm.Length; i++) colm[i] = i % 7 - 3;
            void T(string what, Action a) { var (m, _, _) = Timing.SecondsPerCall(a, warmUp: 2); output.WriteLine($"  {ci}→{co} {kk}×{kk} @{hh} {what,-16} {m * 1e3,7:F2} ms"); }
            T("∂C/∂w gemm", () => Models.Kernels.Gemm.Multiply(false, true, co, g.Rows, cols, z, cols, colm, cols, gw, g.Rows, accumulate: true));
            T("∂C/∂w reduce", () => Models.Kernels.Im2ColProducts.Reduce(co, g.Rows, cols, z, cols, colm, cols, gw, g.Rows));
        }
        foreach (var (name, layer, shape) in cases)
        {
            var x = new Tensor(shape);
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() - 0.5);
            var y = layer.Forward(x, true);
            var dy = new Tensor(y.ShapeArray());
            for (int i = 0; i < dy.Length; i++) dy[i] = (float)(rng.NextDouble() - 0.5);
            var (f, _, _) = Timing.SecondsPerCall(() => layer.Forward(x, true), warmUp: 3);
            var (b, _, _) = Timing.SecondsPerCall(() => { layer.Forward(x, true); layer.Backward(dy); }, warmUp: 3);
            var (fi, _, _) = Timing.SecondsPerCall(() => layer.Forward(x, false), warmUp: 3);
            output.WriteLine($"  {name,-24} forward {f * 1e3,7:F2} ms   backward {(b - f) * 1e3,7:F2} ms   inference forward {fi * 1e3,7:F2} ms");
        }
    }

    /// <summary>200 ResNet-8 (or another zoo network's) steps one by one: their spread, what the runtime did meanwhile
    /// (collections, bytes allocated, two-thread GEMM calls), then 100 more steps split into their phases.
    /// <c>--no-adapt</c> keeps the GEMM team from backing off to one thread; <c>--gemm-alone</c> runs every product on one.</summary>
    public static void Steps(TextWriter output, string[] args)
    {
        if (Array.IndexOf(args, "--no-adapt") >= 0) Models.Kernels.Gemm.AdaptToLoad = false;
        if (Array.IndexOf(args, "--gemm-alone") >= 0) Models.Kernels.Gemm.Threads = 1;
        var work = new CnnWorkload(args.Length > 1 && !args[1].StartsWith("--") ? args[1] : "resnet", CnnWorkload.LoadMnist(), seed: 42);
        long teamCalls = Models.Kernels.Gemm.TeamCalls;
        for (int i = 0; i < 10; i++) work.TrainBatch(i * 64);
        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        long alloc = GC.GetTotalAllocatedBytes(true);
        var ms = new double[200];
        // The calling thread's CPU time per step too: with --threads 1 it is the step's work, whatever the neighbours do.
        var cpu = new double[ms.Length];
        for (int i = 0; i < ms.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp(); double c0 = ThreadCpu.Nanoseconds;
            work.TrainBatch(i * 64 % (work.TrainCount - 64));
            ms[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds; cpu[i] = (ThreadCpu.Nanoseconds - c0) / 1e6;
        }
        var sorted = ms.Order().ToArray();
        var sortedCpu = cpu.Order().ToArray();
        output.WriteLine($"steps: p10 {sorted[20]:F2} p50 {sorted[100]:F2} p90 {sorted[180]:F2} max {sorted[^1]:F1} ms; " +
                         $"calling thread's CPU p10 {sortedCpu[20]:F3} p50 {sortedCpu[100]:F3} p90 {sortedCpu[180]:F3} ms; " +
                         $"GC {GC.CollectionCount(0) - gc0}/{GC.CollectionCount(1) - gc1}/{GC.CollectionCount(2) - gc2}, " +
                         $"{(GC.GetTotalAllocatedBytes(true) - alloc) / ms.Length / 1024.0:F1} KB per step; " +
                         $"{(Models.Kernels.Gemm.TeamCalls - teamCalls) / (double)(ms.Length + 10):F1} two-thread GEMM calls per step");
        output.WriteLine(string.Join(" ", ms.Take(60).Select(m => m.ToString("F0"))));
        // The same step in its phases.
        var step = work.Step; var net = work.Network;
        var batchData = new Models.Training.BatchAssembler(work.Data.Train);
        // A shuffled order, as an epoch reads the images (a sequential one lets the hardware prefetcher hide the fill).
        var order = Enumerable.Range(0, work.TrainCount).ToArray();
        new Random(1).Shuffle(order);
        var phase = new double[5]; var phaseCpu = new double[5];
        Tensor? grad = null;
        for (int i = 0; i < 100; i++)
        {
            var t = new (long Wall, double Cpu)[6];
            void Mark(int k) => t[k] = (Stopwatch.GetTimestamp(), ThreadCpu.Nanoseconds);
            Mark(0);
            batchData.Fill(order, i * 64 % (work.TrainCount - 64), 64, null);
            Mark(1);
            foreach (var prm in step.Optimizer.Parameters) prm.ZeroGradient();
            var yOut = net.Forward(batchData.Images, true);
            Mark(2);
            grad = Tensor.Ensure(ref grad, yOut.Shape);
            step.Loss.Compute(yOut, batchData.Targets, grad);
            Mark(3);
            net.Backward(grad);
            Mark(4);
            step.Optimizer.Step(0.05f);
            Mark(5);
            for (int k = 0; k < 5; k++) { phase[k] += t[k + 1].Wall - t[k].Wall; phaseCpu[k] += t[k + 1].Cpu - t[k].Cpu; }
        }
        output.WriteLine("phases (ms, calling thread's CPU in brackets): " + string.Join(", ", new[] { "fill", "forward", "loss", "backward", "update" }
            .Select((n, i) => $"{n} {phase[i] / Stopwatch.Frequency * 1e3 / 100:F3} ({phaseCpu[i] / 1e6 / 100:F3})")));
    }

    /// <summary>Forward (training) and backward of each top-level layer of a zoo network at batch 64, in network order:
    /// where one training step's time goes, with every layer seeing the shapes it sees in the real step.</summary>
    public static void Profile(TextWriter output, string architecture)
    {
        var net = Models.Zoo.ModelZoo.Build(architecture, new Models.Zoo.ZooOptions(1, 28, 28, 10, 42));
        var rng = new Random(1);
        var x = new Tensor(64, 1, 28, 28);
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        var x0 = x;
        double totalF = 0, totalB = 0;
        var layers = net.Children.Count == 1 ? net.Children[0].Children : net.Children;
        x = Chain(layers, x, "", rng, output, ref totalF, ref totalB);
        output.WriteLine($"  sum of layers: forward {totalF * 1e3:F2} ms, backward {totalB * 1e3:F2} ms");
        var whole = x0;
        var last = net.Forward(whole, true);
        var dLast = new Tensor(last.ShapeArray());
        var (wf, _, _) = Timing.SecondsPerCall(() => net.Forward(whole, true), warmUp: 2);
        var (wfb, _, _) = Timing.SecondsPerCall(() => { net.Forward(whole, true); net.Backward(dLast); }, warmUp: 2);
        output.WriteLine($"  whole network: forward {wf * 1e3:F2} ms, backward {(wfb - wf) * 1e3:F2} ms");
        // In place: the same layers timed inside whole passes (each layer's inputs as the previous layer left them).
        var leaves = new List<Models.Layers.Layer>();
        void Collect(Models.Layers.Layer l) { if (l.Children.Count == 0) leaves.Add(l); else if (l is Models.Layers.Conv.Residual r) { var probe = new Probe(r.Shortcut); leaves.Add(new Mark(probe)); Collect(r.Body); leaves.Add(probe); } else foreach (var c in l.Children) Collect(c); }
        Collect(net);
        // Medians over the repetitions, of the wall clock and of the calling thread's CPU time: under load the wall clock
        // measures the neighbours; with --threads 1 the CPU time is the work, and its median drops the preempted calls.
        const int reps = 100, skip = 20;
        var wall = new double[2, leaves.Count, reps - skip]; var cpu = new double[2, leaves.Count, reps - skip];
        var outs = new Tensor[leaves.Count];
        for (int rep = 0; rep < reps; rep++)
        {
            var t = whole;
            for (int i = 0; i < leaves.Count; i++)
            {
                long s0 = Stopwatch.GetTimestamp(); double c0 = ThreadCpu.Nanoseconds;
                t = leaves[i].Forward(t, true);
                if (rep >= skip) { wall[0, i, rep - skip] = Stopwatch.GetElapsedTime(s0).TotalMilliseconds; cpu[0, i, rep - skip] = (ThreadCpu.Nanoseconds - c0) / 1e6; }
                outs[i] = t;
            }
            var d = new Tensor(t.ShapeArray());
            for (int i = leaves.Count - 1; i >= 0; i--)
            {
                long s0 = Stopwatch.GetTimestamp(); double c0 = ThreadCpu.Nanoseconds;
                d = leaves[i].Backward(d);
                if (rep >= skip) { wall[1, i, rep - skip] = Stopwatch.GetElapsedTime(s0).TotalMilliseconds; cpu[1, i, rep - skip] = (ThreadCpu.Nanoseconds - c0) / 1e6; }
            }
        }
        double Median(double[,,] a, int pass, int layer) => Enumerable.Range(0, reps - skip).Select(r => a[pass, layer, r]).Order().ElementAt((reps - skip) / 2);
        double[] totals = new double[4];
        for (int i = 0; i < leaves.Count; i++)
        {
            double f = Median(wall, 0, i), fc = Median(cpu, 0, i), b = Median(wall, 1, i), bc = Median(cpu, 1, i);
            totals[0] += f; totals[1] += fc; totals[2] += b; totals[3] += bc;
            output.WriteLine($"  in place {leaves[i].Spec.Kind,-14} {Tensor.ShapeText(outs[i].Shape),-16} forward {f,7:F3} ms (cpu {fc,7:F3})   backward {b,7:F3} ms (cpu {bc,7:F3})");
        }
        output.WriteLine($"  in place total of medians: forward {totals[0]:F2} ms (cpu {totals[1]:F2}), backward {totals[2]:F2} ms (cpu {totals[3]:F2})");
    }

    // Times each layer on its real input; a residual block's body is timed layer by layer as well (indented, not summed).
    private static Tensor Chain(IReadOnlyList<Models.Layers.Layer> layers, Tensor x, string indent, Random rng, TextWriter output,
        ref double totalF, ref double totalB)
    {
        foreach (var layer in layers)
        {
            var input = x;
            var y = layer.Forward(input, true);
            var dy = new Tensor(y.ShapeArray());
            for (int i = 0; i < dy.Length; i++) dy[i] = (float)(rng.NextDouble() - 0.5) * 1e-3f;
            var (f, _, _) = Timing.SecondsPerCall(() => layer.Forward(input, true), warmUp: 2);
            var (fb, _, _) = Timing.SecondsPerCall(() => { layer.Forward(input, true); layer.Backward(dy); }, warmUp: 2);
            if (indent.Length == 0) { totalF += f; totalB += fb - f; }
            output.WriteLine($"  {indent}{layer.Spec.Kind,-14} {Tensor.ShapeText(input.Shape),-16} forward {f * 1e3,7:F2} ms   backward {(fb - f) * 1e3,7:F2} ms");
            if (layer.Children.Count > 0 && layer.Children[0] is Models.Layers.Conv.Residual residual)
            {
                double ignoredF = 0, ignoredB = 0;
                Chain(residual.Body.Children, input, indent + "  ", rng, output, ref ignoredF, ref ignoredB);
                if (residual.Shortcut is { } shortcut) Chain(shortcut.Children, input, indent + "  shortcut ", rng, output, ref ignoredF, ref ignoredB);
            }
            x = layer.Forward(input, true).Clone();
        }
        return x;
    }

    // Stands in for a residual block's junction when its body is timed layer by layer: runs the shortcut on the input the
    // body saw (kept by the probe before the body) and adds. Only for the profile above; approximate (the probe sees the body's
    // output, so it re-runs the shortcut on the body's input that Residual would have used).
    private sealed class Probe(Models.Layers.Layer? shortcut) : Models.Layers.Layer
    {
        public Tensor? BodyInput;
        private Tensor? _sum;
        public override Models.Layers.LayerSpec Spec => new("junction");
        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();
        public override Tensor Forward(Tensor f, bool training)
        {
            var skip = shortcut?.Forward(BodyInput!, training) ?? BodyInput!;
            var y = Tensor.Ensure(ref _sum, f.Shape);
            System.Numerics.Tensors.TensorPrimitives.Add(f.Span, skip.Span, y.Span);
            return y;
        }
        public override Tensor Backward(Tensor dy) { shortcut?.Backward(dy); return dy; }
    }

    private sealed class Mark(Probe probe) : Models.Layers.Layer
    {
        public override Models.Layers.LayerSpec Spec => new("mark");
        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();
        public override Tensor Forward(Tensor x, bool training) { probe.BodyInput = x; return x; }
        public override Tensor Backward(Tensor dy) => dy;
    }

    /// <summary>Steps before timing starts. The runtime compiles each method twice (quickly, then optimised once it has been
    /// called ~30 times and profiled), and a layer's methods run once per step: with 5 warm-up steps, as the PyTorch
    /// script uses, the first timed steps still ran quick code (measured: p50 47 ms with a tail to 120 ms, against 45 ms
    /// and a tail to 57 ms with tiering off). 60 steps is about 3 s, after which the step time is flat.</summary>
    public const int WarmUpSteps = 60;

    public static void ResNet(TextWriter output, string architecture = "resnet")
    {
        var work = new CnnWorkload(architecture, CnnWorkload.LoadMnist(), seed: 42);
        int start = 0;
        var load = MachineLoad.Start();
        var (median, min, max) = Timing.SecondsPerCall(() =>
        {
            work.TrainBatch(start);
            start = start + 128 > work.TrainCount ? 0 : start + 64;
        }, warmUp: WarmUpSteps);
        output.WriteLine($"RESULT {architecture}_step: median {median * 1e3:F2} ms per batch-64 step = {64 / median:F0} img/s " +
                         $"(min {min * 1e3:F2}, max {max * 1e3:F2} ms) [other processes {load.OtherCores:F2} cores]");
    }

    /// <summary><c>race-cnn resnet --ab strided|NAME</c>: ResNet-8 steps alternate in one process between two settings,
    /// so both see the same neighbours; median wall and CPU time of each. <c>strided</c>: the strided layers' deal eight
    /// floats at a time with their ∂C/∂w on the direct kernel (<see cref="Models.Kernels.FlatPlanes.DealsFast"/>,
    /// <see cref="Models.Kernels.DirectConv2dWeightGradient.TakesStrided"/>) against both off (element by element;
    /// columns). NAME: a switch of <see cref="Race.GemmSwitches"/>, on against off.</summary>
    public static void AlternateResNet(TextWriter output, string variant)
    {
        var gemm = Race.GemmSwitches.ByName.GetValueOrDefault(variant);
        Action<bool> set = gemm?.Set ?? StridedRoutes;
        string[] names = gemm is null
            ? ["strided layers dealt by vectors, direct ∂C/∂w", "strided layers dealt by element, ∂C/∂w on columns"]
            : [gemm.On, gemm.Off];
        var work = new CnnWorkload("resnet", CnnWorkload.LoadMnist(), seed: 42);
        var load = MachineLoad.Start();
        int start = 0;
        const int steps = 40;
        var (wall, cpu) = Timing.AlternatingSteps(v => set(v == 0), () =>
        {
            work.TrainBatch(start);
            start = start + 128 > work.TrainCount ? 0 : start + 64;
        }, WarmUpSteps, steps);
        set(true);
        for (int v = 0; v < 2; v++)
            output.WriteLine($"RESULT resnet step, {names[v]}: " +
                             $"median {Timing.Median(wall[v]):F2} ms/step (min {wall[v].Min():F2}), median {Timing.Median(cpu[v]):F2} CPU-ms/step (min {cpu[v].Min():F2})");
        output.WriteLine($"[other processes {load.OtherCores:F2} cores; steps alternate, {steps} of each after {WarmUpSteps} warm-up]");
    }

    /// <summary>The strided layers' two switches together, for the A/B timings (<c>race-cnn resnet --ab strided</c>, <c>race
    /// pix2pix --ab strided</c>): on, phase planes dealt eight floats at a time and ∂C/∂w on the direct kernel; off, dealt
    /// element by element with ∂C/∂w on the column routes.</summary>
    public static void StridedRoutes(bool on)
    {
        Models.Kernels.FlatPlanes.DealsFast = on;
        Models.Kernels.DirectConv2dWeightGradient.TakesStrided = on;
    }
}
