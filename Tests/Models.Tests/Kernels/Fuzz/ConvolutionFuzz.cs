using System.Runtime.Intrinsics.X86;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>Random convolutions through every route: the chooser (<see cref="Convolution"/>, both kinds, its switches set
/// at random so that it reaches the routes it would not pick) and each route's kernel called directly wherever its own
/// <c>Suits</c> takes the shape. Products: 0 the output, 1 ∂C/∂w added onto a start value, 2 ∂C/∂x, 3 ∂C/∂x added onto
/// another share, 4 ∂C/∂b added onto a start value.</summary>
public static class ConvolutionFuzz
{
    public const int Forward = 0, WeightGradient = 1, InputGradient = 2, AddedInputGradient = 3, BiasGradient = 4;

    /// <summary>A random shape in one of the families the routes take (blocks of channels, 4×4 stride 2, stride-2 3×3,
    /// strided 1×1, over 640 taps, planes smaller than the kernel) or anything at all, with at most
    /// <paramref name="maxWork"/> multiply-adds per product.</summary>
    public static ConvolutionGeometry Shape(Random rng, long maxWork)
    {
        while (true)
        {
            int c = rng.Next(1, 71), o = rng.Next(1, 71), h = rng.Next(1, 21), w = rng.Next(1, 21), batch = rng.Next(1, 10);
            int kh = rng.Next(1, 6), kw = rng.Next(1, 6), sh = rng.Next(1, 4), sw = rng.Next(1, 4), ph = rng.Next(0, 3), pw = rng.Next(0, 3);
            int dh = rng.Next(8) == 0 ? 2 : 1, dw = rng.Next(8) == 0 ? 2 : 1;
            if (rng.Next(2) == 0) (sw, pw, kw, dw) = (sh, ph, kh, dh); // square windows half the time, as the zoo's are
            switch (rng.Next(10))
            {
                case 0: // DCGAN's and pix2pix's 4×4 stride 2 padding 1
                    (kh, kw, sh, sw, ph, pw, dh, dw) = (4, 4, 2, 2, 1, 1, 1, 1);
                    break;
                case 1: case 2: // whole blocks of channels: channels-last tiles, tap rows, in-place ∂C/∂w
                    c = rng.Pick(8, 16, 24, 32, 48, 64);
                    o = rng.Pick(4, 8, 16, 32, 48, 64, 128);
                    kw = rng.Pick(3, 3, 1, 4);
                    kh = rng.Pick(3, 3, 1, 2, 5, kw);
                    (dh, dw) = (1, 1);
                    if (rng.Next(2) == 0) (sh, sw) = (1, 1);
                    if (rng.Next(3) == 0) // enough positions (512) for ∂C/∂w read in place channels-last
                        (c, o, kh, kw, h, w, batch) = (rng.Pick(16, 32), rng.Pick(16, 32, 64), rng.Pick(1, 2, 3), rng.Pick(1, 2, 3), rng.Next(8, 21), rng.Next(8, 21), rng.Next(4, 10));
                    break;
                case 3: // a ResNet's downsampling 3×3 or a DCGAN discriminator's 4×4: ∂C/∂x by phases
                    c = rng.Pick(16, 32, 64);
                    kh = rng.Pick(3, 4);
                    (kw, sh, sw, ph, pw, dh, dw) = (kh, 2, 2, 1, 1, 1, 1);
                    break;
                case 4: // strided 1×1 without padding: the pointwise kernels
                    (kh, kw, ph, pw, dh, dw) = (1, 1, 0, 0, 1, 1);
                    if (sh * sw == 1) (sh, sw) = (2, rng.Next(1, 4));
                    break;
                case 5: // over 640 taps: implicit GEMM, chunks, channels-last for one or two outputs
                    c = rng.Next(41, 71);
                    (kh, kw) = rng.Pick((4, 4), (5, 5), (4, 5));
                    if (rng.Next(2) == 0) o = rng.Next(1, 3);
                    break;
                case 6: // planes smaller than the kernel: cropped taps
                    (h, w) = (rng.Next(1, 4), rng.Next(1, 4));
                    kh = kw = rng.Next(3, 6);
                    (ph, pw) = (rng.Next(1, 3), rng.Next(1, 3));
                    break;
            }
            var g = new Im2ColGeometry(c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
            if (h + 2 * ph < dh * (kh - 1) + 1 || w + 2 * pw < dw * (kw - 1) + 1) continue;
            var s = new ConvolutionGeometry(batch, o, g);
            // Too much work: halve the batch, then the output channels, until it fits.
            while ((long)s.Batch * s.OutChannels * g.OutPixels * g.Rows > maxWork && (s.Batch > 1 || s.OutChannels > 1))
                s = s.Batch > 1 ? s with { Batch = s.Batch / 2 } : s with { OutChannels = Math.Max(1, s.OutChannels / 2) };
            if ((long)s.Batch * s.OutChannels * g.OutPixels * g.Rows > maxWork) continue;
            return s;
        }
    }

    /// <summary>One random problem on <paramref name="s"/>: inputs, and each product by the definitions, with Σ|terms|.</summary>
    public sealed class Problem
    {
        public ConvolutionGeometry S { get; }
        public Im2ColGeometry G => S.Window;
        public float[] X, W, B, Dy, Start, Addend;
        public float[][] Twin, Scale;
        public int ImagesPerChunk { get; }

        public Problem(ConvolutionGeometry s, Random rng)
        {
            S = s;
            X = FuzzRun.Values(rng, s.InputLength);
            W = FuzzRun.Values(rng, s.WeightLength);
            B = FuzzRun.Values(rng, s.OutChannels);
            Dy = FuzzRun.Values(rng, s.OutputLength);
            Start = FuzzRun.Values(rng, s.WeightLength);
            Addend = FuzzRun.Values(rng, s.InputLength);
            ImagesPerChunk = rng.Next(1, s.Batch + 1);
            Twin = Products(s, X, W, B, Dy, Start, Addend);
            Scale = Products(s, FuzzRun.Abs(X), FuzzRun.Abs(W), FuzzRun.Abs(B), FuzzRun.Abs(Dy), FuzzRun.Abs(Start), FuzzRun.Abs(Addend));
        }

        private static float[][] Products(ConvolutionGeometry s, float[] x, float[] w, float[] b, float[] dy, float[] start, float[] addend)
        {
            var g = s.Window;
            var y = new float[s.OutputLength];
            DirectConv2dReference.Forward(x, s.Batch, g, w, s.OutChannels, b, y);
            var dw = (float[])start.Clone();
            DirectConv2dReference.WeightGradient(x, dy, s.Batch, g, s.OutChannels, dw);
            var dx = new float[s.InputLength];
            DirectConv2dReference.InputGradient(dy, s.Batch, g, w, s.OutChannels, dx);
            var sum = new float[dx.Length];
            for (int i = 0; i < sum.Length; i++) sum[i] = addend[i] + dx[i];
            // ∂C/∂b onto the bias itself as a start value.
            var db = (float[])b.Clone();
            int p = g.OutPixels;
            for (int n = 0; n < s.Batch; n++)
                for (int o = 0; o < s.OutChannels; o++)
                    for (int q = 0; q < p; q++) db[o] += dy[((long)n * s.OutChannels + o) * p + q];
            return [y, dw, dx, sum, db];
        }

        public override string ToString()
        {
            var g = G;
            return $"{S.Batch}×[{g.Channels}×{g.Height}×{g.Width}] → {S.OutChannels}, kernel {g.KernelH}×{g.KernelW}, stride {g.StrideH}×{g.StrideW}, " +
                   $"padding {g.PadH}×{g.PadW}, dilation {g.DilationH}×{g.DilationW}, {ImagesPerChunk} images a chunk";
        }
    }

    /// <summary>Every route of <paramref name="p"/>'s products.</summary>
    public static IReadOnlyList<FuzzRoute> Routes(Problem p)
    {
        var s = p.S;
        var g = p.G;
        bool avx2 = Avx2.IsSupported && Fma.IsSupported;
        var routes = new List<FuzzRoute>();
        void Add(string name, int product, Func<bool> takes, Action<FuzzCall> run) => routes.Add(new FuzzRoute(name, product, takes, run));
        static bool Always() => true;

        foreach (bool columnsOnly in new[] { false, true })
        {
            string kind = columnsOnly ? "Convolution(columns)" : "Convolution";
            // The chooser may take another kernel at another width (the direct kernels start from the bias, the GEMM
            // adds it last), so only the column routes' output must keep its bits across widths.
            routes.Add(new FuzzRoute($"{kind}.Forward", Forward, Always,
                c => new Convolution(columnsOnly).Forward(s, c.In(p.X, "x"), c.In(p.W, "w"), c.In(p.B, "b"), c.Out(s.OutputLength)), PicksByWidth: !columnsOnly));
            Add($"{kind}.WeightGradient", WeightGradient, Always, c => new Convolution(columnsOnly).WeightGradient(s, c.In(p.X, "x"), c.In(p.Dy, "δ"), c.Out(p.Start)));
            Add($"{kind}.Forward then WeightGradient", WeightGradient, Always, c =>
            {
                var conv = new Convolution(columnsOnly);
                var x = c.In(p.X, "x");
                conv.Forward(s, x, c.In(p.W, "w"), c.In(p.B, "b"), new float[s.OutputLength]);
                conv.WeightGradient(s, x, c.In(p.Dy, "δ"), c.Out(p.Start));
            });
            Add($"{kind}.InputGradient", InputGradient, Always, c => new Convolution(columnsOnly).InputGradient(s, c.In(p.Dy, "δ"), c.In(p.W, "w"), c.Out(s.InputLength)));
            Add($"{kind}.AddInputGradient", AddedInputGradient, Always, c => new Convolution(columnsOnly).AddInputGradient(s, c.In(p.Dy, "δ"), c.In(p.W, "w"), c.Out(p.Addend)));
        }

        Add("Convolution.BiasGradient", BiasGradient, Always, c =>
            new Convolution().BiasGradient(c.In(p.Dy, "δ"), s.Batch, s.OutChannels, g.OutPixels, c.Out(p.B), Convolution.IsCropped(s)));
        Add("DirectConv2d.Forward", Forward, () => DirectConv2d.Suits(g), c => DirectConv2d.Forward(c.In(p.X, "x"), s.Batch, g, c.In(p.W, "w"), s.OutChannels, c.In(p.B, "b"), c.Out(s.OutputLength)));
        Add("DirectConv2d.InputGradient", InputGradient, () => DirectConv2d.SuitsInputGradient(g, s.OutChannels), c => DirectConv2d.InputGradient(c.In(p.Dy, "δ"), s.Batch, g, c.In(p.W, "w"), s.OutChannels, c.Out(s.InputLength)));
        Add("DirectConv2d.InputGradient adding", AddedInputGradient, () => DirectConv2d.SuitsInputGradient(g, s.OutChannels), c => DirectConv2d.InputGradient(c.In(p.Dy, "δ"), s.Batch, g, c.In(p.W, "w"), s.OutChannels, c.Out(p.Addend), adding: true));
        // As the twin registry runs it: on every shape at 256 and 512 bits, not only those its Suits takes.
        Add("DirectConv2dWeightGradient", WeightGradient, () => avx2 && SimdWidth.Current != SimdPath.Scalar, c =>
            DirectConv2dWeightGradient.Accumulate(c.In(p.X, "x"), c.In(p.Dy, "δ"), s.Batch, g, s.OutChannels, c.Out(p.Start),
                Guarded.Unwritten(DirectConv2dWeightGradient.WorkspaceLength(g, s.OutChannels, s.Batch)).Span));

        int per = p.ImagesPerChunk;
        Add("Im2ColChunks.Forward", Forward, Always, c => Im2ColChunks.Forward(c.In(p.X, "x"), s.Batch, g, c.In(p.W, "w"), s.OutChannels, c.In(p.B, "b"), c.Out(s.OutputLength), per));
        Add("Im2ColChunks.WeightGradient", WeightGradient, Always, c =>
            Im2ColChunks.AccumulateWeightGradient(c.In(p.X, "x"), c.In(p.Dy, "δ"), s.Batch, g, s.OutChannels, c.Out(p.Start),
                Guarded.Unwritten(Im2ColChunks.WorkspaceLength(g, s.OutChannels, s.Batch, per)).Span, per));
        Add("Im2ColChunks.InputGradient", InputGradient, Always, c => Im2ColChunks.InputGradient(c.In(p.Dy, "δ"), s.Batch, g, c.In(p.W, "w"), s.OutChannels, c.Out(s.InputLength), per));

        // Channels-last for one or two outputs: the twin registry runs it on every shape.
        Add("ChannelsLastConv.Forward", Forward, Always, c => new ChannelsLastConv().Forward(s, c.In(p.X, "x"), c.In(p.W, "w"), c.In(p.B, "b"), c.Out(s.OutputLength)));
        Add("ChannelsLastConv.WeightGradient", WeightGradient, Always, c => new ChannelsLastConv().WeightGradient(s, c.In(p.X, "x"), c.In(p.Dy, "δ"), c.Out(p.Start)));
        Add("ChannelsLastConv.InputGradient", InputGradient, Always, c => new ChannelsLastConv().InputGradient(s, c.In(p.Dy, "δ"), c.In(p.W, "w"), c.Out(s.InputLength)));

        Add("ChannelsLastForward.Forward", Forward, () => ChannelsLastForward.Suits(s), c => new ChannelsLastForward().Forward(s, c.In(p.X, "x"), c.In(p.W, "w"), c.In(p.B, "b"), c.Out(s.OutputLength)));
        Add("ChannelsLastForward as ∂C/∂x", InputGradient, () => ChannelsLastForward.InputGradientAsForward(s) is not null, c =>
        {
            var flipped = ChannelsLastForward.InputGradientAsForward(s)!.Value;
            var kernel = new float[s.WeightLength];
            ChannelsLastForward.Flip(c.In(p.W, "w"), s.OutChannels, g.Channels, g.KernelH, g.KernelW, kernel);
            new ChannelsLastForward().Forward(flipped, c.In(p.Dy, "δ"), kernel, [], c.Out(s.InputLength));
        });

        Add("PointwiseConv.Forward", Forward, () => PointwiseConv.Suits(s), c => new PointwiseConv().Forward(s, c.In(p.X, "x"), c.In(p.W, "w"), c.In(p.B, "b"), c.Out(s.OutputLength)));
        Add("PointwiseConv.WeightGradient", WeightGradient, () => PointwiseConv.Suits(s), c => new PointwiseConv().WeightGradient(s, c.In(p.X, "x"), c.In(p.Dy, "δ"), c.Out(p.Start), sameInput: false));
        Add("PointwiseConv.Forward then WeightGradient", WeightGradient, () => PointwiseConv.Suits(s), c =>
        {
            var conv = new PointwiseConv();
            var x = c.In(p.X, "x");
            conv.Forward(s, x, c.In(p.W, "w"), c.In(p.B, "b"), new float[s.OutputLength]);
            conv.WeightGradient(s, x, c.In(p.Dy, "δ"), c.Out(p.Start), sameInput: true);
        });
        Add("PointwiseConv.InputGradient", InputGradient, () => PointwiseConv.Suits(s), c => new PointwiseConv().InputGradient(s, c.In(p.Dy, "δ"), c.In(p.W, "w"), c.Out(s.InputLength)));
        Add("PointwiseConv.InputGradient adding", AddedInputGradient, () => PointwiseConv.Suits(s), c => new PointwiseConv().InputGradient(s, c.In(p.Dy, "δ"), c.In(p.W, "w"), c.Out(p.Addend), adding: true));

        Add("WeightGradientByTapRows", WeightGradient, () => WeightGradientByTapRows.Suits(s), c => new WeightGradientByTapRows().Accumulate(s, c.In(p.X, "x"), c.In(p.Dy, "δ"), c.Out(p.Start), paddedInput: null));
        Add("WeightGradientByTapRows from the forward's copy", WeightGradient, () => WeightGradientByTapRows.Suits(s) && ChannelsLastForward.Suits(s), c =>
        {
            var forward = new ChannelsLastForward();
            forward.Forward(s, c.In(p.X, "x"), c.In(p.W, "w"), c.In(p.B, "b"), new float[s.OutputLength]);
            new WeightGradientByTapRows().Accumulate(s, c.In(p.X, "x"), c.In(p.Dy, "δ"), c.Out(p.Start), forward.PaddedInput);
        });

        Add("InputGradientByPhases", InputGradient, () => InputGradientByPhases.Suits(s), c => new InputGradientByPhases().InputGradient(s, c.In(p.Dy, "δ"), c.In(p.W, "w"), c.Out(s.InputLength)));

        // The implicit GEMM takes any shape once Convolution.ColumnFreeTaps is low enough (a public setting).
        Add("ImplicitGemm.Forward", Forward, Always, c => new ImplicitGemm().Forward(s, c.In(p.X, "x"), c.In(p.W, "w"), c.In(p.B, "b"), c.Out(s.OutputLength)));
        Add("ImplicitGemm.WeightGradient", WeightGradient, Always, c => new ImplicitGemm().WeightGradient(s, c.In(p.X, "x"), c.In(p.Dy, "δ"), c.Out(p.Start), sameInput: false));
        Add("ImplicitGemm.Forward then WeightGradient", WeightGradient, Always, c =>
        {
            var conv = new ImplicitGemm();
            var x = c.In(p.X, "x");
            conv.Forward(s, x, c.In(p.W, "w"), c.In(p.B, "b"), new float[s.OutputLength]);
            conv.WeightGradient(s, x, c.In(p.Dy, "δ"), c.Out(p.Start), sameInput: true);
        });
        Add("ImplicitGemm.WeightGradient in place, channels-last", WeightGradient, () => ImplicitGemm.SuitsChannelsLast(s), c =>
            new ImplicitGemm().WeightGradient(s, c.In(p.X, "x"), c.In(p.Dy, "δ"), c.Out(p.Start), sameInput: false));
        Add("ImplicitGemm.WeightGradient from the forward's copy", WeightGradient, () => ChannelsLastForward.Suits(s) && ImplicitGemm.SuitsChannelsLast(s), c =>
        {
            var forward = new ChannelsLastForward();
            forward.Forward(s, c.In(p.X, "x"), c.In(p.W, "w"), c.In(p.B, "b"), new float[s.OutputLength]);
            new ImplicitGemm().WeightGradient(s, c.In(p.X, "x"), c.In(p.Dy, "δ"), c.Out(p.Start), sameInput: false, channelsLastInput: forward.PaddedInput);
        });
        return routes;
    }
}
