using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// ∂C/∂w of a stride-1 convolution with 3-wide kernels, computed straight from the images and δ, without the im2col
/// column matrix: ∂C/∂w[o,c,i,j] = Σ_n Σ_y,x δ[n,o,y,x]·x[n,c,y+i−p,x+j−p].
/// </summary>
/// <remarks>
/// Why: through columns this is a product whose inner dimension is N·OH·OW (50 176 for ResNet's 28×28 layers at batch 64)
/// over a column matrix of 29 MB that the forward pass had to write and this pass reads back; the layer is then bound by
/// memory traffic. Here each image is copied into zero-bordered planes (<see cref="PaddedImage"/>) and δ into rows
/// rounded up to whole vectors, both small enough for L2, and a tile of four output channels by the three taps of one
/// kernel row keeps twelve vector accumulators (eight pixels each) in registers while the image rows stream past:
/// per eight pixels, three loads of the image row (shifted by 0, 1, 2), four of δ, twelve FMAs.
/// The lanes are summed once at the end. Images are cut into a fixed number of slices, each reduced into its own
/// partial sums, and the partials are added in slice order, so the bits do not depend on the thread count.
/// The plain twin is <see cref="DirectConv2dReference.WeightGradient"/>.
/// </remarks>
public static class DirectConv2dWeightGradient
{
    private const int Lanes = 8, Block = 4, Slices = 8, KernelW = 3;

    /// <summary>True where this kernel applies and pays: AVX2 + FMA, stride and dilation 1, kernel width 3, padding at most 2,
    /// output rows at least one vector wide. On 7-pixel rows (ResNet's 64→64 layer) each tile runs only seven vector steps
    /// between its twelve read-add-writes, and unfolding + GEMM was faster (backward 4.0 against 5.5 ms).</summary>
    public static bool Suits(Im2ColGeometry g) =>
        Avx2.IsSupported && Fma.IsSupported && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1
        && g.KernelW == KernelW && g.PadH < g.KernelH && g.PadW < g.KernelW && g.OutWidth >= Lanes;

    /// <summary>Floats of the workspace <see cref="Accumulate"/> needs: one set of lane-wise partial sums per slice.</summary>
    public static int WorkspaceLength(Im2ColGeometry g, int outChannels, int batch) =>
        Math.Min(Slices, Math.Max(batch, 1)) * SliceLength(g, outChannels);

    private static int SliceLength(Im2ColGeometry g, int outChannels) => RoundUp(outChannels, Block) * g.Rows * Lanes;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    // Per-thread padded copies of one image and of its δ, reused between calls so a steady-state pass allocates no arrays.
    [ThreadStatic] private static float[]? _padded, _delta;

    /// <summary>weightGradient[O×C×kH×kW] += ∂C/∂w from images [N×C×H×W] and gradients δ [N×O×OH×OW].</summary>
    public static void Accumulate(ReadOnlySpan<float> images, ReadOnlySpan<float> gradients, int batch, Im2ColGeometry g, int outChannels,
        Span<float> weightGradient, Span<float> workspace)
    {
        if (!Suits(g)) throw new ArgumentException($"DirectConv2dWeightGradient does not handle this geometry ({g}); check Suits first.");
        long needX = (long)batch * g.ImageLength, needDy = (long)batch * outChannels * g.OutPixels;
        int slices = Math.Min(Slices, batch), sliceLength = SliceLength(g, outChannels);
        if (images.Length < needX || gradients.Length < needDy || weightGradient.Length < outChannels * g.Rows
            || workspace.Length < slices * sliceLength)
            throw new ArgumentException(
                $"DirectConv2dWeightGradient of {batch}×[{g.Channels}×{g.Height}×{g.Width}] → {outChannels} channels needs {needX} image, " +
                $"{needDy} gradient, {outChannels * g.Rows} weight-gradient and {slices * sliceLength} workspace floats; " +
                $"got {images.Length}, {gradients.Length}, {weightGradient.Length} and {workspace.Length}.");
        if (batch == 0) return;
        unsafe
        {
            fixed (float* px = images) fixed (float* pd = gradients) fixed (float* pw = workspace)
            {
                nint ix = (nint)px, id = (nint)pd, iw = (nint)pw;
                long work = (long)batch * outChannels * g.OutPixels * g.Rows;
                void One(int s) => Slice((float*)ix, (float*)id, batch * s / slices, batch * (s + 1) / slices, g, outChannels,
                    (float*)iw + (long)s * sliceLength);
                // Slices are handed out as threads ask (a pool thread that wakes late takes fewer); each has its own partial sums.
                if (work < (1 << 18) || Environment.ProcessorCount == 1) for (int s = 0; s < slices; s++) One(s);
                else Parallel.For(0, slices, One);
            }
        }
        // Lanes, then slices, in a fixed order.
        int rows = g.Rows;
        for (int s = 0; s < slices; s++)
        {
            var partial = workspace.Slice(s * sliceLength, sliceLength);
            for (int o = 0; o < outChannels; o++)
                for (int r = 0; r < rows; r++)
                {
                    var lanes = partial.Slice((o * rows + r) * Lanes, Lanes);
                    float sum = 0;
                    for (int l = 0; l < Lanes; l++) sum += lanes[l];
                    weightGradient[o * rows + r] += sum;
                }
        }
    }

    private static unsafe void Slice(float* images, float* gradients, int n0, int n1, Im2ColGeometry g, int outChannels, float* partial)
    {
        new Span<float>(partial, SliceLength(g, outChannels)).Clear();
        var (ph, pw) = PaddedImage.PlaneSize(g, Lanes);
        int plane = ph * pw, oh = g.OutHeight, ow = g.OutWidth, p = oh * ow;
        int vectors = (ow + Lanes - 1) / Lanes, owp = vectors * Lanes, planeDelta = oh * owp;
        int blocks = RoundUp(outChannels, Block), kh = g.KernelH, c = g.Channels;
        if (_padded is null || _padded.Length < c * plane) _padded = new float[c * plane];
        if (_delta is null || _delta.Length < blocks * planeDelta) _delta = new float[blocks * planeDelta];
        int strideO = g.Rows * Lanes;
        fixed (float* xp = _padded) fixed (float* dp = _delta)
        {
            // Rows of δ padded to whole vectors and channels to whole blocks, with zeros: they add nothing to the sums.
            new Span<float>(dp, blocks * planeDelta).Clear();
            for (int n = n0; n < n1; n++)
            {
                PaddedImage.Fill(images + (long)n * g.ImageLength, g, xp, ph, pw);
                float* dy = gradients + (long)n * outChannels * p;
                for (int o = 0; o < outChannels; o++)
                    for (int y = 0; y < oh; y++)
                        new ReadOnlySpan<float>(dy + (long)o * p + y * ow, ow).CopyTo(new Span<float>(dp + o * planeDelta + y * owp, ow));
                for (int o0 = 0; o0 < outChannels; o0 += Block)
                    for (int ci = 0; ci < c; ci++)
                        for (int i = 0; i < kh; i++)
                            Tile(dp + o0 * planeDelta, planeDelta, owp, xp + ci * plane + i * pw, pw, oh, vectors,
                                partial + (long)o0 * strideO + ((ci * kh + i) * KernelW) * Lanes, strideO);
            }
        }
    }

    /// <summary>Four output channels × the three taps of one kernel row, over every pixel of one image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile(float* delta, int planeDelta, int owp, float* row, int pw, int oh, int vectors, float* partial, int strideO)
    {
        Vector256<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        for (int y = 0; y < oh; y++)
        {
            float* d = delta + y * owp, r = row + y * pw;
            for (int v = 0; v < vectors; v++, d += Lanes, r += Lanes)
            {
                var x0 = Avx.LoadVector256(r); var x1 = Avx.LoadVector256(r + 1); var x2 = Avx.LoadVector256(r + 2);
                var d0 = Avx.LoadVector256(d);
                a00 = Fma.MultiplyAdd(d0, x0, a00); a01 = Fma.MultiplyAdd(d0, x1, a01); a02 = Fma.MultiplyAdd(d0, x2, a02);
                var d1 = Avx.LoadVector256(d + planeDelta);
                a10 = Fma.MultiplyAdd(d1, x0, a10); a11 = Fma.MultiplyAdd(d1, x1, a11); a12 = Fma.MultiplyAdd(d1, x2, a12);
                var d2 = Avx.LoadVector256(d + 2 * planeDelta);
                a20 = Fma.MultiplyAdd(d2, x0, a20); a21 = Fma.MultiplyAdd(d2, x1, a21); a22 = Fma.MultiplyAdd(d2, x2, a22);
                var d3 = Avx.LoadVector256(d + 3 * planeDelta);
                a30 = Fma.MultiplyAdd(d3, x0, a30); a31 = Fma.MultiplyAdd(d3, x1, a31); a32 = Fma.MultiplyAdd(d3, x2, a32);
            }
        }
        Add(partial, a00, a01, a02);
        Add(partial + strideO, a10, a11, a12);
        Add(partial + 2 * strideO, a20, a21, a22);
        Add(partial + 3 * strideO, a30, a31, a32);
    }

    private static unsafe void Add(float* p, Vector256<float> j0, Vector256<float> j1, Vector256<float> j2)
    {
        Avx.Store(p, Avx.Add(Avx.LoadVector256(p), j0));
        Avx.Store(p + Lanes, Avx.Add(Avx.LoadVector256(p + Lanes), j1));
        Avx.Store(p + 2 * Lanes, Avx.Add(Avx.LoadVector256(p + 2 * Lanes), j2));
    }
}
