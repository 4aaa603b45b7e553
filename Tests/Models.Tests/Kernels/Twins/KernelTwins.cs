using System.Runtime.Intrinsics.X86;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Conv;
using NeuralPipelines.Models.Tests.Layers;
using static NeuralPipelines.Models.Tests.Kernels.Twins.ConvolutionCases;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>Every fast kernel of Models/Kernels (what <see cref="KernelScan"/> finds), one line each: its plain twin, the
/// tests written for it, and its sweep (<see cref="TwinSweep"/>: the adversarial shapes of its family at every SIMD width
/// on one thread and two). <see cref="KernelTwinRegistryTests"/> fails, naming the type, for a fast kernel without a line.</summary>
/// <remarks>A new kernel needs one line. A convolution kernel, for example:
/// <code>KernelTwin.Of(typeof(NewConv), typeof(DirectConv2dReference), [typeof(NewConvTests)], () => Sweep(Forward((p, y) => NewConv.Forward(p.X, p.Batch, p.G, p.W, p.OutChannels, p.B, y), p => NewConv.Suits(p.G)))),</code>
/// and it is then run on every shape of <see cref="ConvolutionCases.Shapes"/> that its <c>Suits</c> takes. A helper type
/// that only runs inside another kernel's entry points is a <see cref="KernelTwin.PartOf"/> line.</remarks>
public static class KernelTwins
{
    public static readonly KernelTwin[] All =
    [
        KernelTwin.Of(typeof(Gemm), typeof(GemmReference), [typeof(GemmTests)], () => ProductCases.Sweep((ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate) => Gemm.Multiply(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate))),
        KernelTwin.Of(typeof(Im2ColProducts), typeof(GemmReference), [typeof(Im2ColProductsTests)], () => ProductCases.Sweep(Expand, (ta, tb, m, _, k, _) => !ta && !tb && Im2ColProducts.SuitsExpand(m, k)).Concat(ProductCases.Sweep(Reduce, (ta, tb, m, n, _, accumulate) => !ta && tb && accumulate && Im2ColProducts.SuitsReduce(m, n)))),
        KernelTwin.Of(typeof(DirectConv2d), typeof(DirectConv2dReference), [typeof(DirectConv2dTests), typeof(DirectConv2dWidthTests)], () => Sweep(Forward((p, y) => DirectConv2d.Forward(p.X, p.Batch, p.G, p.W, p.OutChannels, p.B, y), p => DirectConv2d.Suits(p.G)), InputGradient((p, dx) => DirectConv2d.InputGradient(p.Dy, p.Batch, p.G, p.W, p.OutChannels, dx), p => DirectConv2d.SuitsInputGradient(p.G, p.OutChannels)))),
        KernelTwin.Of(typeof(DirectConv2dWeightGradient), typeof(DirectConv2dReference), [typeof(DirectConv2dTests), typeof(DirectConv2dWidthTests)], () => Sweep(WeightGradient(DirectWeightGradient, _ => Avx2.IsSupported && Fma.IsSupported && SimdWidth.Current != SimdPath.Scalar))),
        KernelTwin.Of(typeof(Im2ColChunks), typeof(DirectConv2dReference), [typeof(Im2ColChunksTests)], () => Sweep(Forward((p, y) => Im2ColChunks.Forward(p.X, p.Batch, p.G, p.W, p.OutChannels, p.B, y, imagesPerChunk: 2)), WeightGradient(ChunkedWeightGradient), InputGradient((p, dx) => Im2ColChunks.InputGradient(p.Dy, p.Batch, p.G, p.W, p.OutChannels, dx, imagesPerChunk: 2)))),
        KernelTwin.Of(typeof(ChannelsLastConv), typeof(DirectConv2dReference), [typeof(ChannelsLastConvTests)], () => Sweep(Forward((p, y) => new ChannelsLastConv().Forward(p.S, p.X, p.W, p.B, y)), WeightGradient((p, dw) => new ChannelsLastConv().WeightGradient(p.S, p.X, p.Dy, dw)), InputGradient((p, dx) => new ChannelsLastConv().InputGradient(p.S, p.Dy, p.W, dx)))),
        KernelTwin.Of(typeof(ChannelsLastForward), typeof(DirectConv2dReference), [typeof(ChannelsLastForwardTests)], () => SweepOn(ChannelsLastBlocks, Forward((p, y) => new ChannelsLastForward().Forward(p.S, p.X, p.W, p.B, y), p => ChannelsLastForward.Suits(p.S)))),
        KernelTwin.Of(typeof(PointwiseConv), typeof(DirectConv2dReference), [typeof(PointwiseConvTests)], () => SweepOn(StridedOneByOne, Forward((p, y) => new PointwiseConv().Forward(p.S, p.X, p.W, p.B, y), p => PointwiseConv.Suits(p.S)), WeightGradient((p, dw) => new PointwiseConv().WeightGradient(p.S, p.X, p.Dy, dw, sameInput: false), p => PointwiseConv.Suits(p.S)), InputGradient((p, dx) => new PointwiseConv().InputGradient(p.S, p.Dy, p.W, dx), p => PointwiseConv.Suits(p.S)))),
        KernelTwin.Of(typeof(WeightGradientByTapRows), typeof(DirectConv2dReference), [typeof(WeightGradientByTapRowsTests)], () => SweepOn(ThreeTapRows, WeightGradient((p, dw) => new WeightGradientByTapRows().Accumulate(p.S, p.X, p.Dy, dw, paddedInput: null), p => WeightGradientByTapRows.Suits(p.S)))),
        KernelTwin.Of(typeof(InputGradientByPhases), typeof(DirectConv2dReference), [typeof(InputGradientByPhasesTests)], () => SweepOn(StrideTwoByPhases, InputGradient((p, dx) => new InputGradientByPhases().InputGradient(p.S, p.Dy, p.W, dx), p => InputGradientByPhases.Suits(p.S)))),
        KernelTwin.Of(typeof(Convolution), typeof(DirectConv2dReference), [typeof(ConvolutionTests)], () => ConvolutionRoutes(columnRoutesOnly: false).Concat(ConvolutionRoutes(columnRoutesOnly: true))),
        KernelTwin.Of(typeof(Im2Col), typeof(Im2ColReference), [typeof(Im2ColTests)], () => Sweep(Unfold((p, columns) => Im2Col.Unfold(p.X, p.Batch, p.G, columns)), Fold((p, images) => Im2Col.Fold(p.Columns, p.Batch, p.G, images)))),
        KernelTwin.Of(typeof(Pooling), typeof(PoolingReference), [typeof(PoolingTests)], () => PoolingCases.Sweep(Pool).Concat(PoolingCases.Sweep(Pool2x2, g => g is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0 }))),
        KernelTwin.Of(typeof(BatchNormChannels), typeof(BatchNormChannelsReference), [typeof(BatchNormChannelsTests), typeof(BatchNormActivationTests)], () => BatchNormCases.Sweep(BatchNormFast, BatchNormTwin)),
        KernelTwin.Of(typeof(BatchNormPlanes), typeof(BatchNormPlanes), [typeof(BatchNormPlanesTests)], () => LaneCases.Sweep(2, PlanesFast, PlanesTwin, "y", "x̂", "∂C/∂x")),
        KernelTwin.Of(typeof(Rectifier), typeof(Rectifier), [typeof(RectifierTests)], () => LaneCases.Sweep(2, x => Relu(x, Rectifier.Forward, Rectifier.Mask), x => Relu(x, Rectifier.ForwardReference, Rectifier.MaskReference), "a", "∂C/∂z")),
        KernelTwin.Of(typeof(LeakyRectifier), typeof(LeakyRectifier), [typeof(LeakyRectifierTests)], () => LaneCases.Sweep(2, x => Leaky(x, LeakyRectifier.Forward, LeakyRectifier.Backward), x => Leaky(x, LeakyRectifier.ForwardReference, LeakyRectifier.BackwardReference), "a", "∂C/∂z")),
        KernelTwin.Of(typeof(ResidualJunction), typeof(ResidualJunction), [typeof(ResidualJunctionTests)], () => LaneCases.Sweep(2, x => Junction(x, ResidualJunction.Forward), x => Junction(x, ResidualJunction.ForwardReference), "z", "a = ReLU(z)", "a = ReLU(f + s), z not kept", "a = leaky(z)")),
        KernelTwin.Of(typeof(AdamUpdate), typeof(AdamUpdate), [typeof(AdamUpdateTests)], () => LaneCases.Sweep(4, x => Adam(x, AdamUpdate.Update), x => Adam(x, AdamUpdate.UpdateReference), "w", "m", "v")),
        KernelTwin.Of(typeof(Concatenation), typeof(Concatenation), [typeof(ConcatenationTests)], () => LaneCases.Sweep(2, x => Concat(x, Concatenation.Join, Concatenation.Part, Concatenation.AddPart), x => Concat(x, Concatenation.JoinReference, Concatenation.PartReference, Concatenation.AddPartReference), "y", "part", "sum")),
        KernelTwin.Of(typeof(GaussianKernelSums), typeof(GaussianKernelSumsReference), [typeof(GaussianKernelSumsTests)], () => KernelSumCases.Sweep(KernelSums, KernelSumsTwin)),

        KernelTwin.PartOf(typeof(Gemm), typeof(GemmMicroKernel), typeof(GemmTests)),
        KernelTwin.PartOf(typeof(Gemm), typeof(GemmMicroKernelWide), typeof(GemmTests)),
        KernelTwin.PartOf(typeof(Gemm), typeof(PackedPanels), typeof(GemmTests)),
        KernelTwin.PartOf(typeof(Convolution), typeof(PanelRowsInPlace), typeof(ChannelsLastWeightGradientTests)),
        KernelTwin.PartOf(typeof(Gemm), typeof(GemmPacking), typeof(GemmTests), typeof(GemmImagesTests)),
        KernelTwin.PartOf(typeof(Gemm), typeof(GemmTranspose), typeof(GemmTests)),
        KernelTwin.PartOf(typeof(Gemm), typeof(GemmTeam), typeof(GemmTests), typeof(KernelLoopTests), typeof(GemmScheduleTests)),
        KernelTwin.PartOf(typeof(Gemm), typeof(GemmBarrier), typeof(GemmTests)),
        KernelTwin.PartOf(typeof(Im2Col), typeof(Im2ColStrided), typeof(Im2ColTests)),
        KernelTwin.PartOf(typeof(Im2Col), typeof(PhaseFold), typeof(Im2ColChunksTests)),
        KernelTwin.PartOf(typeof(Im2Col), typeof(PointFold), typeof(Im2ColTests)),
        KernelTwin.PartOf(typeof(PointwiseConv), typeof(MaskedLanes), typeof(PointwiseConvTests)),
        KernelTwin.PartOf(typeof(Convolution), typeof(TapCrop), typeof(TapCropTests)),
        KernelTwin.PartOf(typeof(DirectConv2d), typeof(FlatPlanes), typeof(FlatPlanesTests), typeof(DirectConv2dTests)),
        KernelTwin.PartOf(typeof(DirectConv2d), typeof(ShortRows), typeof(DirectConv2dTests)),
        KernelTwin.PartOf(typeof(DirectConv2dWeightGradient), typeof(WideLoads), typeof(DirectConv2dTests)),
        KernelTwin.PartOf(typeof(Pooling), typeof(MaxPool2x2), typeof(MaxPool2x2Tests)),
        KernelTwin.PartOf(typeof(Convolution), typeof(ColumnLayout), typeof(ConvolutionTests), typeof(ImplicitGemmTests)),
        KernelTwin.PartOf(typeof(Gemm), typeof(GatheredB), typeof(ImplicitGemmTests)),
        KernelTwin.PartOf(typeof(Convolution), typeof(ImplicitGemm), typeof(ImplicitGemmTests)),
        KernelTwin.PartOf(typeof(Convolution), typeof(GemmInPlaceB), typeof(ChannelsLastWeightGradientTests)),
        KernelTwin.PartOf(typeof(Convolution), typeof(ChannelsLastImages), typeof(ChannelsLastWeightGradientTests)),
        KernelTwin.PartOf(typeof(BatchNormChannels), typeof(BatchNormPasses), typeof(BatchNormChannelsTests), typeof(BatchNormActivationTests)),
        KernelTwin.PartOf(typeof(BatchNormChannels), typeof(BatchNormSweeps), typeof(BatchNormChannelsTests), typeof(BatchNormActivationTests)),

        KernelTwin.Policy(typeof(SimdWidth), "chooses the width every kernel runs at; computes nothing", typeof(SimdWidthTests)),
        KernelTwin.Policy(typeof(KernelLoop), "shares a loop's pieces between threads; the bodies are the kernels'", typeof(KernelLoopTests)),
        KernelTwin.Policy(typeof(Elementwise), "cuts a long elementwise loop into chunks for KernelLoop", typeof(ActivationLayerTests), typeof(AdamUpdateTests)),
    ];

    /// <summary>The line for <paramref name="kernel"/> (by type name).</summary>
    public static KernelTwin Named(string kernel) => All.Single(k => k.Name == kernel);

    /// <summary>The kernels that have only a 512-bit path: their <c>Suits</c> declines every shape below AVX-512, where
    /// their callers take the other routes. None today; kept so that a new 512-bit-only kernel says so here.</summary>
    public static readonly IReadOnlySet<Type> OnlyAt512 = new HashSet<Type>();

    // The adaptors below call each kernel in its family's form; the twins are called the same way.

    private static void Expand(bool ta, bool tb, int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc, bool accumulate) =>
        Im2ColProducts.Expand(m, n, k, a, lda, b, ldb, c, ldc, accumulate);

    // Reduce is D[m×k] += A[m×n]·B[k×n]ᵀ: the GEMM form's n is its k, and its k the GEMM's n.
    private static void Reduce(bool ta, bool tb, int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc, bool accumulate) =>
        Im2ColProducts.Reduce(m, n, k, a, lda, b, ldb, c, ldc);

    private static void DirectWeightGradient(ConvolutionProblem p, float[] dw) =>
        DirectConv2dWeightGradient.Accumulate(p.X, p.Dy, p.Batch, p.G, p.OutChannels, dw,
            TwinData.Unwritten(DirectConv2dWeightGradient.WorkspaceLength(p.G, p.OutChannels, p.Batch)));

    private static void ChunkedWeightGradient(ConvolutionProblem p, float[] dw) =>
        Im2ColChunks.AccumulateWeightGradient(p.X, p.Dy, p.Batch, p.G, p.OutChannels, dw,
            TwinData.Unwritten(Im2ColChunks.WorkspaceLength(p.G, p.OutChannels, p.Batch, imagesPerChunk: 2)), imagesPerChunk: 2);

    // A fresh instance per call: WeightGradient after Forward reuses the columns Forward left, which needs the same input.
    private static IEnumerable<TwinCase> ConvolutionRoutes(bool columnRoutesOnly) => Sweep(
        Forward((p, y) => new Convolution(columnRoutesOnly).Forward(p.S, p.X, p.W, p.B, y)),
        WeightGradient((p, dw) => new Convolution(columnRoutesOnly).WeightGradient(p.S, p.X, p.Dy, dw)),
        InputGradient((p, dx) => new Convolution(columnRoutesOnly).InputGradient(p.S, p.Dy, p.W, dx)));

    private static float[][] Pool(float[] x, float[] dy, Im2ColGeometry g) => Pooled(x, dy, g, plain2x2: false);

    private static float[][] Pool2x2(float[] x, float[] dy, Im2ColGeometry g) => Pooled(x, dy, g, plain2x2: true);

    private static float[][] Pooled(float[] x, float[] dy, Im2ColGeometry g, bool plain2x2)
    {
        var (y, winners, dx) = (TwinData.Unwritten(dy.Length), new int[dy.Length], TwinData.Unwritten(x.Length));
        Pooling.MaxForward(x, g, y, winners);
        Pooling.MaxBackward(dy, winners, g, dx);
        if (plain2x2) { y = TwinData.Unwritten(dy.Length); Pooling.Max2x2(x, g, y); }
        var outputs = new List<float[]> { y, Array.ConvertAll(winners, w => (float)w), dx };
        foreach (bool countPad in new[] { false, true })
        {
            var (mean, dmean) = (TwinData.Unwritten(dy.Length), TwinData.Unwritten(x.Length));
            Pooling.AverageForward(x, g, countPad, mean);
            Pooling.AverageBackward(dy, g, countPad, dmean);
            outputs.Add(mean); outputs.Add(dmean);
        }
        return [.. outputs];
    }

    private static float[][] BatchNormFast(float[] x, float[] dy, int batch, int channels, int plane, float[] gamma, float[] beta, bool training)
    {
        var r = BatchNormOutputs(x.Length, channels, training);
        if (training) BatchNormChannels.NormalizeTraining(x, batch, channels, plane, gamma, beta, 1e-5f, r[0], r[1], r[2], r[3], r[4]);
        else BatchNormChannels.NormalizeInference(x, batch, channels, plane, gamma, beta, 1e-5f, r[0], r[1], r[3], r[4]);
        BatchNormChannels.Backward(dy, x, r[0], batch, channels, plane, gamma, r[3], training, r[5], r[6], r[7]);
        return r;
    }

    private static float[][] BatchNormTwin(float[] x, float[] dy, int batch, int channels, int plane, float[] gamma, float[] beta, bool training)
    {
        var r = BatchNormOutputs(x.Length, channels, training);
        if (training) BatchNormChannelsReference.NormalizeTraining(x, batch, channels, plane, gamma, beta, 1e-5f, r[0], r[1], r[2], r[3], r[4]);
        else BatchNormChannelsReference.NormalizeInference(x, batch, channels, plane, gamma, beta, 1e-5f, r[0], r[1], r[3], r[4]);
        BatchNormChannelsReference.Backward(dy, x, r[0], batch, channels, plane, gamma, r[3], training, r[5], r[6], r[7]);
        return r;
    }

    /// <summary>μ, σ², unbiased σ², 1/σ, y, Σδ, Σδx̂, ∂C/∂x; inference is given running statistics (and leaves the
    /// unbiased variance alone: zeros on both sides).</summary>
    private static float[][] BatchNormOutputs(int length, int channels, bool training) =>
    [
        training ? TwinData.Unwritten(channels) : Enumerable.Range(0, channels).Select(c => 40f + 0.1f * c).ToArray(),
        training ? TwinData.Unwritten(channels) : Enumerable.Range(0, channels).Select(c => 9f + 0.5f * c).ToArray(),
        training ? TwinData.Unwritten(channels) : new float[channels],
        TwinData.Unwritten(channels), TwinData.Unwritten(length),
        TwinData.Unwritten(channels), TwinData.Unwritten(channels), TwinData.Unwritten(length),
    ];

    /// <summary>The three plane sweeps on one plane of x (μ 0.4, 1/σ 1.37) and δ: y, x̂, ∂C/∂x.</summary>
    private static unsafe float[][] PlanesFast(float[][] x)
    {
        var (y, xh, dx) = (TwinData.Unwritten(x[0].Length), TwinData.Unwritten(x[0].Length), TwinData.Unwritten(x[0].Length));
        fixed (float* px = x[0]) fixed (float* pd = x[1]) fixed (float* py = y) fixed (float* pn = xh) fixed (float* pdx = dx)
        {
            BatchNormPlanes.NormalizeFrom(px, 0.4f, 1.37f, 0.8f, -0.3f, py, y.Length);
            BatchNormPlanes.Normalized(px, 0.4f, 1.37f, pn, xh.Length);
            BatchNormPlanes.InputGradientFrom(px, 0.4f, 1.37f, pd, -0.021f, 0.0047f, 1.9f, pdx, dx.Length);
        }
        return [y, xh, dx];
    }

    private static float[][] PlanesTwin(float[][] x)
    {
        var (y, xh, dx) = (TwinData.Unwritten(x[0].Length), TwinData.Unwritten(x[0].Length), TwinData.Unwritten(x[0].Length));
        BatchNormPlanes.NormalizeFromReference(x[0], 0.4f, 1.37f, 0.8f, -0.3f, y);
        BatchNormPlanes.NormalizedReference(x[0], 0.4f, 1.37f, xh);
        BatchNormPlanes.InputGradientFromReference(x[0], 0.4f, 1.37f, x[1], -0.021f, 0.0047f, 1.9f, dx);
        return [y, xh, dx];
    }

    private delegate void Activation(ReadOnlySpan<float> z, Span<float> a);
    private delegate void Mask(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);

    private static float[][] Relu(float[][] x, Activation forward, Mask mask)
    {
        var (a, dx) = (TwinData.Unwritten(x[0].Length), TwinData.Unwritten(x[0].Length));
        forward(x[0], a);
        mask(a, x[1], dx);
        return [a, dx];
    }

    private delegate void JunctionForward(ReadOnlySpan<float> f, ReadOnlySpan<float> s, PlaneActivation activation, Span<float> z, Span<float> a);

    private static float[][] Junction(float[][] x, JunctionForward forward)
    {
        int n = x[0].Length;
        var (z, a, alone, leaky, leakyZ) = (TwinData.Unwritten(n), TwinData.Unwritten(n), TwinData.Unwritten(n), TwinData.Unwritten(n), TwinData.Unwritten(n));
        forward(x[0], x[1], PlaneActivation.Rectifier, z, a);
        forward(x[0], x[1], PlaneActivation.Rectifier, [], alone);
        forward(x[0], x[1], PlaneActivation.Leaky(0.2f), leakyZ, leaky);
        return [z, a, alone, leaky];
    }

    private delegate void LeakyForward(ReadOnlySpan<float> z, float slope, Span<float> a);
    private delegate void LeakyBackward(ReadOnlySpan<float> z, ReadOnlySpan<float> dy, float slope, Span<float> dx);

    private static float[][] Leaky(float[][] x, LeakyForward forward, LeakyBackward backward)
    {
        var (a, dx) = (TwinData.Unwritten(x[0].Length), TwinData.Unwritten(x[0].Length));
        forward(x[0], 0.2f, a);
        backward(x[0], x[1], 0.2f, dx);
        return [a, dx];
    }

    /// <summary>Two inputs as one image each: y = [a, b], b's part of y, and a + a's part of y.</summary>
    private static float[][] Concat(float[][] x, Action<Tensor, Tensor, Tensor> join, Action<Tensor, int, Tensor> part, Action<Tensor, int, Tensor, Tensor> addPart)
    {
        int n = x[0].Length;
        var (a, b) = (new Tensor(x[0], 1, n), new Tensor(x[1], 1, n));
        var (y, p, sum) = (new Tensor(TwinData.Unwritten(2 * n), 1, 2 * n), new Tensor(TwinData.Unwritten(n), 1, n), new Tensor(TwinData.Unwritten(n), 1, n));
        join(a, b, y);
        part(y, n, p);
        addPart(y, 0, a, sum);
        return [y.Span.ToArray(), p.Span.ToArray(), sum.Span.ToArray()];
    }

    private delegate void AdamStep(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in AdamCoefficients k);

    /// <summary>Three steps from weights x[0] with gradients x[1]·10⁻², first moments x[2]·10⁻³ and second moments |x[3]|·10⁻⁵.</summary>
    private static float[][] Adam(float[][] x, AdamStep step)
    {
        var (w, g, m, v) = (x[0], Array.ConvertAll(x[1], e => e * 1e-2f), Array.ConvertAll(x[2], e => e * 1e-3f), Array.ConvertAll(x[3], e => MathF.Abs(e) * 1e-5f));
        var k = new AdamCoefficients(0.5f, 0.999f, 1e-8f, 2e-4f, 1f / (1f - 0.125f), 1f / (1f - 0.997003f));
        for (int i = 0; i < 3; i++) step(w, g, m, v, k);
        return [w, m, v];
    }

    private static float[][] KernelSums(float[] a, int n, float[] b, int m, int d, float[] sigmas, float[] gradient) =>
        [[(float)GaussianKernelSums.Sum(a, n, b, m, d, sigmas, gradient, -0.75f)], gradient, [(float)GaussianKernelSums.SymmetricSum(a, n, d, sigmas)]];

    private static float[][] KernelSumsTwin(float[] a, int n, float[] b, int m, int d, float[] sigmas, float[] gradient) =>
        [[(float)GaussianKernelSumsReference.Sum(a, n, b, m, d, sigmas, gradient, -0.75f)], gradient, [(float)GaussianKernelSumsReference.Sum(a, n, a, n, d, sigmas)]];
}
