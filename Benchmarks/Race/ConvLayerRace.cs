using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race conv-layer [--layer C,O,HW,K,S,P,N]</c>: one convolution layer's three products through <see cref="Convolution"/>
/// (the routes a training step takes), beside the GEMM of the same shape on a stored column matrix (the column matrix
/// built outside the timing): how far each route's packing and layout copies sit from the product alone. The default is
/// pix2pix's largest layer, the PatchGAN's stride-1 128→256 (8×8 → 7×7, batch 16).
/// </summary>
public static class ConvLayerRace
{
    public static void Run(TextWriter output, string layer)
    {
        var v = layer.Split(',').Select(int.Parse).ToArray();
        if (v.Length != 7) throw new ArgumentException($"--layer wants C,O,HW,K,S,P,N (7 integers), got '{layer}'");
        var (c, o, hw, k, s, p, batch) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
        var g = new Im2ColGeometry(c, hw, hw, k, k, s, s, p, p);
        var shape = new ConvolutionGeometry(batch, o, g);
        var rng = new Random(42);
        float[] Fill(int length) => RandomFloats.Uniform(rng, length);
        var x = Fill(batch * g.ImageLength); var w = Fill(o * g.Rows); var dy = Fill(batch * o * g.OutPixels);
        var y = new float[dy.Length]; var dx = new float[x.Length]; var dw = new float[w.Length];
        int cols = shape.Columns;
        var columns = new float[g.Rows * cols]; var z = new float[o * cols]; var wtd = new float[g.Rows * cols];
        Im2Col.Unfold(x, batch, g, columns);
        double flop = 2.0 * o * cols * g.Rows;
        var conv = new Convolution();
        // A transposed layer's convolution (column routes only): its output is this ∂C/∂x.
        var transposed = new Convolution(columnRoutesOnly: true);
        // A call on the routes before this session's changes (each switch restored however the call ends).
        static Action Gathered(Action call) => () => { GatheredB.TwoRunsPermute = false; try { call(); } finally { GatheredB.TwoRunsPermute = true; } };
        static Action EarlierFolds(Action call) => () => { PhaseFold.Widened = false; try { call(); } finally { PhaseFold.Widened = true; } };
        static Action NotChannelsLast(Action call) => () => { ChannelsLastForward.Enabled = false; try { call(); } finally { ChannelsLastForward.Enabled = true; } };
        static Action NotTapRows(Action call) => () => { WeightGradientByTapRows.Enabled = false; try { call(); } finally { WeightGradientByTapRows.Enabled = true; } };
        static Action NotByPhases(Action call) => () => { InputGradientByPhases.Enabled = false; try { call(); } finally { InputGradientByPhases.Enabled = true; } };
        static Action NotPointwise(Action call) => () => { PointwiseConv.Enabled = false; try { call(); } finally { PointwiseConv.Enabled = true; } };
        static Action NotInPlace(Action call) => () => { ImplicitGemm.ChannelsLastGradients = false; try { call(); } finally { ImplicitGemm.ChannelsLastGradients = true; } };
        unsafe void FoldSerial() { fixed (float* c0 = wtd) fixed (float* d0 = dx) Im2Col.FoldSerial(c0, batch, g, d0); }
        var variants = new List<(string Name, Action Call)>
        {
            ("forward, Convolution", () => conv.Forward(shape, x, w, default, y)),
            ("forward, not pointwise", NotPointwise(() => conv.Forward(shape, x, w, default, y))),
            ("forward, gathered", Gathered(() => conv.Forward(shape, x, w, default, y))),
            ("forward, not channels-last", NotChannelsLast(() => conv.Forward(shape, x, w, default, y))),
            ("forward, GEMM alone", () => Gemm.Multiply(false, false, o, cols, g.Rows, w, g.Rows, columns, cols, z, cols)),
            ("∂C/∂w after forward", () => { conv.Forward(shape, x, w, default, y); conv.WeightGradient(shape, x, dy, dw); }),
            ("∂C/∂w after forward, not channels-last", NotChannelsLast(() => { conv.Forward(shape, x, w, default, y); conv.WeightGradient(shape, x, dy, dw); })),
            ("∂C/∂w alone", () => conv.WeightGradient(shape, x, dy, dw)),
            ("∂C/∂w alone, not pointwise", NotPointwise(() => conv.WeightGradient(shape, x, dy, dw))),
            ("∂C/∂w alone, not tap rows", NotTapRows(() => conv.WeightGradient(shape, x, dy, dw))),
            ("∂C/∂w alone, not in place", NotInPlace(() => conv.WeightGradient(shape, x, dy, dw))),
            ("∂C/∂w, GEMM alone", () => Gemm.Multiply(false, true, o, g.Rows, cols, z, cols, columns, cols, dw, g.Rows, accumulate: true)),
            ("∂C/∂x, Convolution", () => conv.InputGradient(shape, dy, w, dx)),
            ("∂C/∂x, not channels-last", NotChannelsLast(() => conv.InputGradient(shape, dy, w, dx))),
            ("∂C/∂x, not pointwise", NotPointwise(() => conv.InputGradient(shape, dy, w, dx))),
            ("∂C/∂x, not by phases", NotByPhases(() => conv.InputGradient(shape, dy, w, dx))),
            ("∂C/∂x, earlier folds", EarlierFolds(() => conv.InputGradient(shape, dy, w, dx))),
            ("∂C/∂x, transposed layer", () => transposed.InputGradient(shape, dy, w, dx)),
            ("∂C/∂x, chunks", () => Im2ColChunks.InputGradient(dy, batch, g, w, o, dx)),
            ("∂C/∂x, whole batch", () =>
            {
                Gemm.Multiply(true, false, g.Rows, cols, o, w, g.Rows, z, cols, wtd, cols);
                Im2Col.Fold(wtd, batch, g, dx);
            }),
            ("∂C/∂x, GEMM alone", () => Gemm.Multiply(true, false, g.Rows, cols, o, w, g.Rows, z, cols, wtd, cols)),
            ("col2im alone", () => Im2Col.Fold(wtd, batch, g, dx)),
            ("col2im alone, earlier", EarlierFolds(() => Im2Col.Fold(wtd, batch, g, dx))),
            ("col2im serial, phase", FoldSerial),
            ("col2im serial, earlier", EarlierFolds(FoldSerial)),
            ("im2col alone", () => Im2Col.Unfold(x, batch, g, wtd)),
        };
        output.WriteLine($"routes: direct ∂C/∂x {DirectConv2d.SuitsInputGradient(g, o)}, channels-last {ChannelsLastConv.Suits(shape)}, " +
                         $"chunks {Im2ColChunks.Suits(g, batch, noDirectKernel: true)} ({Im2ColChunks.ImagesPerChunk(g, batch)} images a chunk), " +
                         $"implicit forward {ImplicitGemm.SuitsForward(shape)}, ∂C/∂w in place channels-last {ImplicitGemm.SuitsChannelsLast(shape)}");
        var load = MachineLoad.Start();
        var (wall, best) = Timing.BestOfAlternating(variants.Select(v => v.Call).ToArray(), seconds: 0.2);
        // "∂C/∂w after forward" times both; its own share is the difference from the forward.
        output.WriteLine($"layer {c}→{o}, {hw}×{hw} → {g.OutHeight}×{g.OutWidth}, {k}×{k} stride {s} pad {p}, batch {batch}: " +
                         $"{flop / 1e6:F0} MFLOP a product");
        int forward = variants.FindIndex(v => v.Name == "forward, Convolution"), after = variants.FindIndex(v => v.Name == "∂C/∂w after forward");
        for (int i = 0; i < variants.Count; i++)
        {
            double cpu = i == after ? best[i] - best[forward] : best[i], ms = i == after ? wall[i] - wall[forward] : wall[i];
            output.WriteLine($"RESULT {variants[i].Name,-22} best of 5: {ms,7:F2} ms/call, {cpu,6:F2} CPU-ms/call = " +
                             $"{flop / ms / 1e6,6:F1} GFLOP/s, {flop / cpu / 1e6,6:F1} GFLOP per CPU-s");
        }
        output.WriteLine($"[other processes {load.OtherCores:F2} cores]");
    }
}
