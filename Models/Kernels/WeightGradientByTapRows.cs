using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// ∂C/∂w of a convolution with kernels three taps wide, from a zero-padded channels-last copy of the input (the
/// channels-last forward pass's, or each image's own, made by the thread that takes it) and δ as it is, NCHW:
/// ∂C/∂w[o, c, i, j] = Σ_(n, y, x) x′[n, y·s + i, x·s + j, c]·δ[n, o, y, x], one row of three taps at a time, 16 input
/// channels to a register: per output pixel three loads of the copy and eight values of δ broadcast feed 24 FMAs.
/// </summary>
/// <remarks>
/// <para>Why: ResNet-8's 16→16 layers (28×28) took their ∂C/∂w through <see cref="DirectConv2dWeightGradient"/>'s dot
/// products over NCHW planes (seven loads per twelve 256-bit FMAs, unaligned tap offsets) and its 32→32 and 64→64 layers
/// through the GEMM with B read in place (<see cref="GemmInPlaceB"/>): 94–135 GFLOP/s on one thread against a
/// 205 GFLOP/s ceiling (its strided 16→32 and 32→64 layers through those two as well). A register-only probe of a tile of
/// this size (three taps × eight × sixteen, one operand broadcast from memory) ran at 186–196 GFLOP/s on one thread of
/// the same Zen 5.</para>
/// <para>The tile is three taps × 16 input channels × eight output channels. It had been three taps × eight (four, two)
/// input channels × 16 (32, 64) output channels, with the input broadcast and δ copied channels-last first: one to four
/// loads and 12–24 broadcasts per 24 FMAs, and a transpose of δ per image; this one reads δ in place (<c>race-cnn
/// resnet</c>, the two alternating: 0.3–0.6 ms a step less, the same bits). The accumulators are added into the slice's
/// partial sums after each image. Bits: each (tap, channel, output channel) sum is one chain over an image's pixels in
/// order; the batch is cut into <see cref="Slices"/> fixed slices, each summed by one thread in image order, and the
/// slices are added in order, so the bits never depend on the threads (nor on the width: the 256-bit tile, three taps ×
/// 8 input channels × four output channels, sums each chain in the same order). The plain twin is
/// <see cref="DirectConv2dReference"/>'s definition.</para>
/// </remarks>
public sealed unsafe class WeightGradientByTapRows
{
    /// <summary>Set to false to time the earlier routes (A/B: <c>race-cnn resnet --ab tap-rows</c>; the bits differ, the sums run in another order).</summary>
    public static bool Enabled { get; set; } = true;

    private const int Lanes = 16, Slices = 8, Group = 8;
    // The 256-bit tile: three taps × 8 input channels × four output channels, twelve of the sixteen ymm registers.
    private const int NarrowLanes = 8, NarrowGroup = 4;

    /// <summary>The largest ∂C/∂w taken (taps·C·O floats): each slice keeps its own partial sums.</summary>
    public const int MaxWeights = 1 << 17;

    /// <summary>SIMD kernels on, no dilation, kernels three taps wide (any stride), at most <see cref="MaxWeights"/>
    /// weights, and at 512 bits whole blocks of 16 input channels (the vectorized channels-last copy) and 16, 32 or a
    /// multiple of 64 output channels; at 256 bits (no AVX-512) whole blocks of 8 input and 4 output channels.</summary>
    public static bool Suits(in ConvolutionGeometry s)
    {
        var g = s.Window;
        if (!Enabled || g.KernelW != 3 || g.DilationH != 1 || g.DilationW != 1 || (long)g.Rows * s.OutChannels > MaxWeights || s.OutChannels <= 0)
            return false;
        if (SimdWidth.Current == SimdPath.Vector512 && Avx512F.IsSupported)
            return g.Channels % Lanes == 0 && (s.OutChannels is Lanes or 2 * Lanes || s.OutChannels % (4 * Lanes) == 0);
        return SimdWidth.Current == SimdPath.Vector256 && Avx2.IsSupported && Fma.IsSupported
               && g.Channels % NarrowLanes == 0 && s.OutChannels % NarrowGroup == 0;
    }

    private float[]? _partials;
    // One image's input padded channels-last when the forward pass left no copy, per thread.
    [ThreadStatic] private static float[]? t_padded;

    /// <summary>weightGradient[O×C×kH×3] += δ ⋆ x. <paramref name="paddedInput"/>: x already copied channels-last with
    /// this geometry's padding (<see cref="ChannelsLastForward.PaddedInput"/>), or null to copy it here.</summary>
    public void Accumulate(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradient, float[]? paddedInput)
    {
        s.Check("WeightGradientByTapRows", x.Length, dy.Length, weightGradient.Length);
        if (!Suits(s)) throw new ArgumentException($"WeightGradientByTapRows does not take {s}; check Suits first.");
        if (s.Batch == 0) return;
        var g = s.Window;
        int c = g.Channels, o = s.OutChannels, taps = g.KernelH * g.KernelW, weights = taps * c * o;
        int hp = g.Height + 2 * g.PadH, wp = g.Width + 2 * g.PadW, slices = Math.Min(Slices, s.Batch);
        var partials = Scratch.Ensure(ref _partials, slices * weights);
        // Without the forward pass's copy, each image is padded by the thread that takes it, into a buffer of its own
        // that stays in L2 while the image's tiles read it (a whole-batch copy wrote and re-read 3.7 MB on 16→16).
        var padded = paddedInput is not null && paddedInput.Length >= (long)s.Batch * hp * wp * c ? paddedInput : null;
        fixed (float* px = x, pp = padded, pd = dy, pw = partials)
        {
            var job = new Job(g, s.Batch, o, hp, wp, px, pp, pd, pw, slices, weights);
            KernelLoop.For(slices, 2L * s.Batch * s.OutPixels * weights, job, static (j, k) => j.Slice(k));
        }
        // The slices in order, then into ∂C/∂w's [O × C × taps] order from [taps × O × C].
        var total = partials.AsSpan(0, weights);
        for (int k = 1; k < slices; k++) TensorPrimitives.Add(total, partials.AsSpan(k * weights, weights), total);
        for (int oc = 0; oc < o; oc++)
            for (int ch = 0; ch < c; ch++)
            {
                var target = weightGradient.Slice((oc * c + ch) * taps, taps);
                for (int t = 0; t < taps; t++) target[t] += total[(t * o + oc) * c + ch];
            }
    }

    private readonly struct Job(Im2ColGeometry g, int batch, int outChannels, int hp, int wp, float* x, float* padded, float* dy, float* partials, int slices, int weights)
    {
        /// <summary>Slice <paramref name="k"/>: images [batch·k/slices, batch·(k+1)/slices) into its partial
        /// [taps × O × C].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Slice(int k)
        {
            int c = g.Channels, o = outChannels, plane = g.OutPixels, n0 = batch * k / slices, n1 = batch * (k + 1) / slices;
            float* partial = partials + (long)k * weights;
            new Span<float>(partial, weights).Clear();
            bool wide = SimdWidth.Current == SimdPath.Vector512;
            int lanes = wide ? Lanes : NarrowLanes, group = wide ? Group : NarrowGroup;
            fixed (float* own = padded == null ? Scratch.Ensure(ref t_padded, hp * wp * c) : null)
                for (int n = n0; n < n1; n++)
                {
                    float* image = padded + (long)n * hp * wp * c;
                    if (padded == null) ChannelsLastImages.Pad(x + (long)n * g.ImageLength, 1, g, hp, wp, image = own);
                    for (int i = 0; i < g.KernelH; i++)
                    {
                        float* tapRow = partial + (long)i * 3 * c * o;
                        for (int c0 = 0; c0 < c; c0 += lanes)
                            for (int o0 = 0; o0 < o; o0 += group)
                            {
                                float* xs = image + (long)i * wp * c + c0, d = dy + ((long)n * o + o0) * plane, sums = tapRow + o0 * c + c0;
                                if (wide) Tile(xs, d, sums);
                                else Tile4x8(xs, d, sums);
                            }
                    }
                }
        }

        /// <summary>Three taps × 16 input channels (one vector of the channels-last copy; x at the kernel row's first tap
        /// of the first output pixel) × eight output channels, each value of δ broadcast straight from its own plane (d at
        /// the first of the eight). The sums land in [taps × O × C]: sums[(j·O + o)·C + ch].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Tile(float* x, float* d, float* sums)
        {
            int c = g.Channels, o = outChannels, height = g.OutHeight, width = g.OutWidth;
            nint p1 = height * width, p2 = 2 * p1, p3 = 3 * p1;
            long row = (long)g.StrideH * wp * c, step = (long)g.StrideW * c;
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default, a05 = default, a06 = default, a07 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default, a16 = default, a17 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default, a25 = default, a26 = default, a27 = default;
            // δ of output channels 0–3 at d, 4–7 at e.
            float* e = d + 4 * p1;
            for (int y = 0; y < height; y++)
            {
                float* x0 = x + y * row;
                for (int xx = 0; xx < width; xx++, x0 += step, d++, e++)
                {
                    var v0 = Vector512.Load(x0); var v1 = Vector512.Load(x0 + c); var v2 = Vector512.Load(x0 + 2 * c);
                    Vector512<float> s;
                    s = Vector512.Create(d[0]); a00 = Vector512.FusedMultiplyAdd(v0, s, a00); a10 = Vector512.FusedMultiplyAdd(v1, s, a10); a20 = Vector512.FusedMultiplyAdd(v2, s, a20);
                    s = Vector512.Create(d[p1]); a01 = Vector512.FusedMultiplyAdd(v0, s, a01); a11 = Vector512.FusedMultiplyAdd(v1, s, a11); a21 = Vector512.FusedMultiplyAdd(v2, s, a21);
                    s = Vector512.Create(d[p2]); a02 = Vector512.FusedMultiplyAdd(v0, s, a02); a12 = Vector512.FusedMultiplyAdd(v1, s, a12); a22 = Vector512.FusedMultiplyAdd(v2, s, a22);
                    s = Vector512.Create(d[p3]); a03 = Vector512.FusedMultiplyAdd(v0, s, a03); a13 = Vector512.FusedMultiplyAdd(v1, s, a13); a23 = Vector512.FusedMultiplyAdd(v2, s, a23);
                    s = Vector512.Create(e[0]); a04 = Vector512.FusedMultiplyAdd(v0, s, a04); a14 = Vector512.FusedMultiplyAdd(v1, s, a14); a24 = Vector512.FusedMultiplyAdd(v2, s, a24);
                    s = Vector512.Create(e[p1]); a05 = Vector512.FusedMultiplyAdd(v0, s, a05); a15 = Vector512.FusedMultiplyAdd(v1, s, a15); a25 = Vector512.FusedMultiplyAdd(v2, s, a25);
                    s = Vector512.Create(e[p2]); a06 = Vector512.FusedMultiplyAdd(v0, s, a06); a16 = Vector512.FusedMultiplyAdd(v1, s, a16); a26 = Vector512.FusedMultiplyAdd(v2, s, a26);
                    s = Vector512.Create(e[p3]); a07 = Vector512.FusedMultiplyAdd(v0, s, a07); a17 = Vector512.FusedMultiplyAdd(v1, s, a17); a27 = Vector512.FusedMultiplyAdd(v2, s, a27);
                }
            }
            long tap = (long)o * c;
            Add8(sums, c, a00, a01, a02, a03, a04, a05, a06, a07);
            Add8(sums + tap, c, a10, a11, a12, a13, a14, a15, a16, a17);
            Add8(sums + 2 * tap, c, a20, a21, a22, a23, a24, a25, a26, a27);
        }

        /// <summary>The 256-bit tile: three taps × 8 input channels × four output channels, per output pixel three loads of
        /// the copy and four values of δ broadcast for twelve FMAs. Each sum is the same chain over the image's pixels as
        /// in <see cref="Tile"/>, so both widths give the same bits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Tile4x8(float* x, float* d, float* sums)
        {
            int c = g.Channels, o = outChannels, height = g.OutHeight, width = g.OutWidth;
            nint p1 = height * width, p2 = 2 * p1, p3 = 3 * p1;
            long row = (long)g.StrideH * wp * c, step = (long)g.StrideW * c;
            Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
            for (int y = 0; y < height; y++)
            {
                float* x0 = x + y * row;
                for (int xx = 0; xx < width; xx++, x0 += step, d++)
                {
                    var v0 = Avx.LoadVector256(x0); var v1 = Avx.LoadVector256(x0 + c); var v2 = Avx.LoadVector256(x0 + 2 * c);
                    Vector256<float> s;
                    s = Vector256.Create(d[0]); a00 = Fma.MultiplyAdd(v0, s, a00); a10 = Fma.MultiplyAdd(v1, s, a10); a20 = Fma.MultiplyAdd(v2, s, a20);
                    s = Vector256.Create(d[p1]); a01 = Fma.MultiplyAdd(v0, s, a01); a11 = Fma.MultiplyAdd(v1, s, a11); a21 = Fma.MultiplyAdd(v2, s, a21);
                    s = Vector256.Create(d[p2]); a02 = Fma.MultiplyAdd(v0, s, a02); a12 = Fma.MultiplyAdd(v1, s, a12); a22 = Fma.MultiplyAdd(v2, s, a22);
                    s = Vector256.Create(d[p3]); a03 = Fma.MultiplyAdd(v0, s, a03); a13 = Fma.MultiplyAdd(v1, s, a13); a23 = Fma.MultiplyAdd(v2, s, a23);
                }
            }
            long tap = (long)o * c;
            Add4(sums, c, a00, a01, a02, a03);
            Add4(sums + tap, c, a10, a11, a12, a13);
            Add4(sums + 2 * tap, c, a20, a21, a22, a23);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* to, Vector256<float> v) => Avx.Store(to, Avx.Add(Avx.LoadVector256(to), v));

    /// <summary>Four output channels' sums (rows <paramref name="ld"/> apart) of one tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add4(float* to, int ld, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3)
    {
        Add(to, s0); Add(to + ld, s1); Add(to + 2 * ld, s2); Add(to + 3 * ld, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* to, Vector512<float> v) => (Vector512.Load(to) + v).Store(to);

    /// <summary>Eight output channels' sums (rows <paramref name="ld"/> apart) of one tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add8(float* to, int ld, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3,
        Vector512<float> s4, Vector512<float> s5, Vector512<float> s6, Vector512<float> s7)
    {
        Add(to, s0); Add(to + ld, s1); Add(to + 2 * ld, s2); Add(to + 3 * ld, s3);
        Add(to + 4 * ld, s4); Add(to + 5 * ld, s5); Add(to + 6 * ld, s6); Add(to + 7 * ld, s7);
    }
}
