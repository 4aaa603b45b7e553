using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// ∂C/∂w of a convolution with kernels three taps wide, from a zero-padded channels-last copy of the input (the
/// channels-last forward pass's, or each image's own, made by the thread that takes it) and δ taken channels-last one
/// image at a time: ∂C/∂w[o, c, i, j] = Σ_(n, y, x) x′[n, y·s + i, x·s + j, c]·δ[n, y, x, o], one
/// row of three taps at a time, with 16 output channels to a register: per output pixel one to four loads of δ and
/// 24 FMAs whose input values are broadcast straight from the copy.
/// </summary>
/// <remarks>
/// <para>Why: ResNet-8's 16→16 layers (28×28) took their ∂C/∂w through <see cref="DirectConv2dWeightGradient"/>'s dot
/// products over NCHW planes (seven loads per twelve 256-bit FMAs, unaligned tap offsets) and its 32→32 and 64→64 layers
/// through the GEMM with B read in place (<see cref="GemmInPlaceB"/>): 94–135 GFLOP/s on one thread against a
/// 205 GFLOP/s ceiling (its strided 16→32 and 32→64 layers through those two as well). A register-only probe of this tile (three taps × eight channels × sixteen output channels, the
/// input broadcast from memory) ran at 186–196 GFLOP/s on one thread of the same Zen 5.</para>
/// <para>Tiles: 16 output channels (one vector) by 8 input channels, 32 by 4, or 64 by 2, each by the three taps of a
/// kernel row; the accumulators are added into the slice's partial sums after each image. Bits: the batch is cut into
/// <see cref="Slices"/> fixed slices, each summed by one thread in image order, and the slices are added in order, so the
/// bits never depend on the threads. 512-bit only; the plain twin is <see cref="DirectConv2dReference"/>'s definition.</para>
/// </remarks>
public sealed unsafe class WeightGradientByTapRows
{
    /// <summary>Set to false to time the earlier routes (A/B: <c>race-cnn resnet --ab tap-rows</c>; the bits differ, the sums run in another order).</summary>
    public static bool Enabled { get; set; } = true;

    private const int Lanes = 16, Slices = 8;

    /// <summary>The largest ∂C/∂w taken (taps·C·O floats): each slice keeps its own partial sums.</summary>
    public const int MaxWeights = 1 << 17;

    /// <summary>512-bit kernels on, no dilation, kernels three taps wide (any stride), whole blocks of 16 input channels
    /// (the vectorized channels-last copy), 16, 32 or a multiple of 64 output channels, and at most
    /// <see cref="MaxWeights"/> weights.</summary>
    public static bool Suits(in ConvolutionGeometry s)
    {
        var g = s.Window;
        return Enabled && SimdWidth.Current == SimdPath.Vector512 && Avx512F.IsSupported
               && g.KernelW == 3 && g.DilationH == 1 && g.DilationW == 1
               && g.Channels % Lanes == 0 && (s.OutChannels is Lanes or 2 * Lanes || s.OutChannels > 0 && s.OutChannels % (4 * Lanes) == 0)
               && (long)g.Rows * s.OutChannels <= MaxWeights;
    }

    private float[]? _partials;
    // One image's δ channels-last [P × O], and its input padded channels-last when the forward pass left no copy, per thread.
    [ThreadStatic] private static float[]? t_delta, t_padded;

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
        // The slices in order, then into ∂C/∂w's [O × C × taps] order.
        var total = partials.AsSpan(0, weights);
        for (int k = 1; k < slices; k++) TensorPrimitives.Add(total, partials.AsSpan(k * weights, weights), total);
        for (int oc = 0; oc < o; oc++)
            for (int ch = 0; ch < c; ch++)
            {
                var target = weightGradient.Slice((oc * c + ch) * taps, taps);
                for (int t = 0; t < taps; t++) target[t] += total[(t * c + ch) * o + oc];
            }
    }

    private readonly struct Job(Im2ColGeometry g, int batch, int outChannels, int hp, int wp, float* x, float* padded, float* dy, float* partials, int slices, int weights)
    {
        /// <summary>Slice <paramref name="k"/>: images [batch·k/slices, batch·(k+1)/slices) into its partial
        /// [taps × C × O].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Slice(int k)
        {
            int c = g.Channels, o = outChannels, plane = g.OutPixels, n0 = batch * k / slices, n1 = batch * (k + 1) / slices;
            float* partial = partials + (long)k * weights;
            new Span<float>(partial, weights).Clear();
            fixed (float* delta = Scratch.Ensure(ref t_delta, plane * o))
            fixed (float* own = padded == null ? Scratch.Ensure(ref t_padded, hp * wp * c) : null)
                for (int n = n0; n < n1; n++)
                {
                    GemmTranspose.Matrix16(dy + (long)n * o * plane, o, plane, delta);
                    float* image = padded + (long)n * hp * wp * c;
                    if (padded == null) ChannelsLastImages.Pad(x + (long)n * g.ImageLength, 1, g, hp, wp, image = own);
                    for (int i = 0; i < g.KernelH; i++)
                    {
                        float* tapRow = partial + (long)i * 3 * c * o;
                        if (o == Lanes)
                            for (int c0 = 0; c0 < c; c0 += 8) Tile16(image + (long)i * wp * c + c0, delta, tapRow + c0 * o);
                        else if (o == 2 * Lanes)
                            for (int c0 = 0; c0 < c; c0 += 4) Tile32(image + (long)i * wp * c + c0, delta, tapRow + c0 * o);
                        else
                            for (int o0 = 0; o0 < o; o0 += 4 * Lanes)
                                for (int c0 = 0; c0 < c; c0 += 2) Tile64(image + (long)i * wp * c + c0, delta + o0, tapRow + c0 * o + o0);
                    }
                }
        }

        // Each tile: the image's output pixels row by row; x points at the pixel's first tap in the kernel row, δ at its
        // output channels. Tap j of channel ch is x[j·C + ch]; the partial sum of (tap j, channel ch, o) is at
        // sums[(j·C + ch)·O + o].

        /// <summary>Three taps × eight channels × 16 output channels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Tile16(float* x, float* delta, float* sums)
        {
            int c = g.Channels, o = outChannels, height = g.OutHeight, width = g.OutWidth;
            long row = (long)g.StrideH * wp * c, step = (long)g.StrideW * c;
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default, a05 = default, a06 = default, a07 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default, a16 = default, a17 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default, a25 = default, a26 = default, a27 = default;
            float* d = delta;
            for (int y = 0; y < height; y++)
            {
                float* x0 = x + y * row, x1 = x0 + c, x2 = x1 + c;
                for (int xx = 0; xx < width; xx++, x0 += step, x1 += step, x2 += step, d += o)
                {
                    var v = Vector512.Load(d);
                    a00 = Vector512.FusedMultiplyAdd(Vector512.Create(x0[0]), v, a00); a01 = Vector512.FusedMultiplyAdd(Vector512.Create(x0[1]), v, a01); a02 = Vector512.FusedMultiplyAdd(Vector512.Create(x0[2]), v, a02); a03 = Vector512.FusedMultiplyAdd(Vector512.Create(x0[3]), v, a03);
                    a04 = Vector512.FusedMultiplyAdd(Vector512.Create(x0[4]), v, a04); a05 = Vector512.FusedMultiplyAdd(Vector512.Create(x0[5]), v, a05); a06 = Vector512.FusedMultiplyAdd(Vector512.Create(x0[6]), v, a06); a07 = Vector512.FusedMultiplyAdd(Vector512.Create(x0[7]), v, a07);
                    a10 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[0]), v, a10); a11 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[1]), v, a11); a12 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[2]), v, a12); a13 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[3]), v, a13);
                    a14 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[4]), v, a14); a15 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[5]), v, a15); a16 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[6]), v, a16); a17 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[7]), v, a17);
                    a20 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[0]), v, a20); a21 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[1]), v, a21); a22 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[2]), v, a22); a23 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[3]), v, a23);
                    a24 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[4]), v, a24); a25 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[5]), v, a25); a26 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[6]), v, a26); a27 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[7]), v, a27);
                }
            }
            long tap = (long)c * o;
            Add8(sums, o, a00, a01, a02, a03, a04, a05, a06, a07);
            Add8(sums + tap, o, a10, a11, a12, a13, a14, a15, a16, a17);
            Add8(sums + 2 * tap, o, a20, a21, a22, a23, a24, a25, a26, a27);
        }

        /// <summary>Three taps × four channels × 32 output channels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Tile32(float* x, float* delta, float* sums)
        {
            int c = g.Channels, o = outChannels, height = g.OutHeight, width = g.OutWidth;
            long row = (long)g.StrideH * wp * c, step = (long)g.StrideW * c;
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, b00 = default, b01 = default, b02 = default, b03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, b10 = default, b11 = default, b12 = default, b13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, b20 = default, b21 = default, b22 = default, b23 = default;
            float* d = delta;
            for (int y = 0; y < height; y++)
            {
                float* x0 = x + y * row, x1 = x0 + c, x2 = x1 + c;
                for (int xx = 0; xx < width; xx++, x0 += step, x1 += step, x2 += step, d += o)
                {
                    var v = Vector512.Load(d); var w = Vector512.Load(d + Lanes);
                    Vector512<float> s;
                    s = Vector512.Create(x0[0]); a00 = Vector512.FusedMultiplyAdd(s, v, a00); b00 = Vector512.FusedMultiplyAdd(s, w, b00);
                    s = Vector512.Create(x0[1]); a01 = Vector512.FusedMultiplyAdd(s, v, a01); b01 = Vector512.FusedMultiplyAdd(s, w, b01);
                    s = Vector512.Create(x0[2]); a02 = Vector512.FusedMultiplyAdd(s, v, a02); b02 = Vector512.FusedMultiplyAdd(s, w, b02);
                    s = Vector512.Create(x0[3]); a03 = Vector512.FusedMultiplyAdd(s, v, a03); b03 = Vector512.FusedMultiplyAdd(s, w, b03);
                    s = Vector512.Create(x1[0]); a10 = Vector512.FusedMultiplyAdd(s, v, a10); b10 = Vector512.FusedMultiplyAdd(s, w, b10);
                    s = Vector512.Create(x1[1]); a11 = Vector512.FusedMultiplyAdd(s, v, a11); b11 = Vector512.FusedMultiplyAdd(s, w, b11);
                    s = Vector512.Create(x1[2]); a12 = Vector512.FusedMultiplyAdd(s, v, a12); b12 = Vector512.FusedMultiplyAdd(s, w, b12);
                    s = Vector512.Create(x1[3]); a13 = Vector512.FusedMultiplyAdd(s, v, a13); b13 = Vector512.FusedMultiplyAdd(s, w, b13);
                    s = Vector512.Create(x2[0]); a20 = Vector512.FusedMultiplyAdd(s, v, a20); b20 = Vector512.FusedMultiplyAdd(s, w, b20);
                    s = Vector512.Create(x2[1]); a21 = Vector512.FusedMultiplyAdd(s, v, a21); b21 = Vector512.FusedMultiplyAdd(s, w, b21);
                    s = Vector512.Create(x2[2]); a22 = Vector512.FusedMultiplyAdd(s, v, a22); b22 = Vector512.FusedMultiplyAdd(s, w, b22);
                    s = Vector512.Create(x2[3]); a23 = Vector512.FusedMultiplyAdd(s, v, a23); b23 = Vector512.FusedMultiplyAdd(s, w, b23);
                }
            }
            long tap = (long)c * o;
            Add4x2(sums, o, a00, b00, a01, b01, a02, b02, a03, b03);
            Add4x2(sums + tap, o, a10, b10, a11, b11, a12, b12, a13, b13);
            Add4x2(sums + 2 * tap, o, a20, b20, a21, b21, a22, b22, a23, b23);
        }

        /// <summary>Three taps × two channels × 64 output channels (of a block of 64).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Tile64(float* x, float* delta, float* sums)
        {
            int c = g.Channels, o = outChannels, height = g.OutHeight, width = g.OutWidth;
            long row = (long)g.StrideH * wp * c, step = (long)g.StrideW * c;
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, b00 = default, b01 = default, b02 = default, b03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, b10 = default, b11 = default, b12 = default, b13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, b20 = default, b21 = default, b22 = default, b23 = default;
            float* d = delta;
            for (int y = 0; y < height; y++)
            {
                float* x0 = x + y * row, x1 = x0 + c, x2 = x1 + c;
                for (int xx = 0; xx < width; xx++, x0 += step, x1 += step, x2 += step, d += o)
                {
                    var v0 = Vector512.Load(d); var v1 = Vector512.Load(d + Lanes); var v2 = Vector512.Load(d + 2 * Lanes); var v3 = Vector512.Load(d + 3 * Lanes);
                    Vector512<float> s;
                    // a: channel 0, b: channel 1; the digit after the tap is the vector of output channels.
                    s = Vector512.Create(x0[0]); a00 = Vector512.FusedMultiplyAdd(s, v0, a00); a01 = Vector512.FusedMultiplyAdd(s, v1, a01); a02 = Vector512.FusedMultiplyAdd(s, v2, a02); a03 = Vector512.FusedMultiplyAdd(s, v3, a03);
                    s = Vector512.Create(x0[1]); b00 = Vector512.FusedMultiplyAdd(s, v0, b00); b01 = Vector512.FusedMultiplyAdd(s, v1, b01); b02 = Vector512.FusedMultiplyAdd(s, v2, b02); b03 = Vector512.FusedMultiplyAdd(s, v3, b03);
                    s = Vector512.Create(x1[0]); a10 = Vector512.FusedMultiplyAdd(s, v0, a10); a11 = Vector512.FusedMultiplyAdd(s, v1, a11); a12 = Vector512.FusedMultiplyAdd(s, v2, a12); a13 = Vector512.FusedMultiplyAdd(s, v3, a13);
                    s = Vector512.Create(x1[1]); b10 = Vector512.FusedMultiplyAdd(s, v0, b10); b11 = Vector512.FusedMultiplyAdd(s, v1, b11); b12 = Vector512.FusedMultiplyAdd(s, v2, b12); b13 = Vector512.FusedMultiplyAdd(s, v3, b13);
                    s = Vector512.Create(x2[0]); a20 = Vector512.FusedMultiplyAdd(s, v0, a20); a21 = Vector512.FusedMultiplyAdd(s, v1, a21); a22 = Vector512.FusedMultiplyAdd(s, v2, a22); a23 = Vector512.FusedMultiplyAdd(s, v3, a23);
                    s = Vector512.Create(x2[1]); b20 = Vector512.FusedMultiplyAdd(s, v0, b20); b21 = Vector512.FusedMultiplyAdd(s, v1, b21); b22 = Vector512.FusedMultiplyAdd(s, v2, b22); b23 = Vector512.FusedMultiplyAdd(s, v3, b23);
                }
            }
            long tap = (long)c * o;
            Add1x4(sums, a00, a01, a02, a03); Add1x4(sums + o, b00, b01, b02, b03);
            Add1x4(sums + tap, a10, a11, a12, a13); Add1x4(sums + tap + o, b10, b11, b12, b13);
            Add1x4(sums + 2 * tap, a20, a21, a22, a23); Add1x4(sums + 2 * tap + o, b20, b21, b22, b23);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* to, Vector512<float> v) => (Vector512.Load(to) + v).Store(to);

    /// <summary>Eight channels' sums (rows <paramref name="ld"/> apart) of one tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add8(float* to, int ld, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3,
        Vector512<float> s4, Vector512<float> s5, Vector512<float> s6, Vector512<float> s7)
    {
        Add(to, s0); Add(to + ld, s1); Add(to + 2 * ld, s2); Add(to + 3 * ld, s3);
        Add(to + 4 * ld, s4); Add(to + 5 * ld, s5); Add(to + 6 * ld, s6); Add(to + 7 * ld, s7);
    }

    /// <summary>Four channels' sums of one tap, two vectors of output channels each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add4x2(float* to, int ld, Vector512<float> a0, Vector512<float> b0, Vector512<float> a1, Vector512<float> b1,
        Vector512<float> a2, Vector512<float> b2, Vector512<float> a3, Vector512<float> b3)
    {
        Add(to, a0); Add(to + Lanes, b0); Add(to + ld, a1); Add(to + ld + Lanes, b1);
        Add(to + 2 * ld, a2); Add(to + 2 * ld + Lanes, b2); Add(to + 3 * ld, a3); Add(to + 3 * ld + Lanes, b3);
    }

    /// <summary>One channel's sums of one tap, four vectors of output channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add1x4(float* to, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3)
    {
        Add(to, s0); Add(to + Lanes, s1); Add(to + 2 * Lanes, s2); Add(to + 3 * Lanes, s3);
    }
}
