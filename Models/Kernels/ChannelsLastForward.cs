using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// A convolution's output z = w ⋆ x + b computed from a channels-last copy of the input, six output pixels by 64 output
/// channels at a time: z[q, o] = b[o] + Σ_(t, c) x′[pixel(q) + offset(t) + c]·w′[t, c, o], one AVX-512 register of
/// 16 output channels per pixel per 16 columns, each input value broadcast straight from the image (no column matrix, no
/// packing of A), the kernel reordered to [taps·C × O] so that a k step's output channels are contiguous.
/// </summary>
/// <remarks>
/// <para>Why: ResNet-8's small planes (7×7, 14×14 at stride 2) ran their forward products at 106–175 GFLOP/s on a Zen 5
/// (the direct kernels' rows of 7 pixels fill few lanes, and the implicit GEMM gathers every tap of every pixel into
/// packed panels: 1.8 M floats for 64→64 on 7×7, as many as the arithmetic can hide). Channels-last, the six pixels of a
/// tile are any six output pixels of the batch (a row pointer each, into the zero-padded copy), so no lane is wasted at the
/// end of a row, and each k step is six broadcasts from memory against four loads of the reordered kernel for 24 FMAs, as
/// in the GEMM's 12×32 tile. Without AVX-512 the tile is six pixels × 16 channels in 256-bit registers (<see
/// cref="Tile6x16"/>), the GEMM's 6×16 shape, on the layers where the direct kernel wastes most lanes.</para>
/// <para>∂C/∂x of a stride-1 layer is the same product of δ with the kernel transposed and flipped
/// (<see cref="InputGradientAsForward"/>, <see cref="Flip"/>): ResNet-8's 64→64 on 7×7 0.90 against 1.13 ms by the chunks.</para>
/// <para>Bits: each output element is one fused multiply-add chain from b over the taps in order and the channels in
/// order within a tap, whichever thread computes its tile; the plain twin is <see cref="DirectConv2dReference"/>'s
/// definition (within rounding: other order). Tiles are shared between threads in runs by <see cref="KernelLoop"/>.</para>
/// </remarks>
public sealed unsafe class ChannelsLastForward
{
    /// <summary>Set to false to time the earlier routes, for the output and for ∂C/∂x (A/B: <c>race-cnn resnet --ab
    /// channels-last-forward</c>).</summary>
    public static bool Enabled { get; set; } = true;

    private const int Pixels = 6, Lanes = 16, TileRuns = 64;
    // The 256-bit tile: six pixels × 16 output channels (two vectors), twelve of the sixteen ymm registers.
    private const int NarrowLanes = 8;

    /// <summary>512-bit kernels on, whole blocks of 16 input channels (the vectorized channels-last copy) and of 64 output
    /// channels, no dilation, and a reordered kernel of at most <see cref="MaxKernelFloats"/>. At 256 bits (no AVX-512):
    /// whole blocks of 8 input and 16 output channels, half that kernel (a Zen 3 core has 512 KiB of L2), and only the
    /// layers of <see cref="NarrowRowsSuit"/>.</summary>
    /// <remarks>Why 64 output channels: the 6×32 tile (12 accumulators, eight loads for twelve FMAs) measured slower than
    /// the direct kernels on ResNet-8's 32-channel layers (32→32 on 14×14 1.00 against 0.91 ms, 16→32 stride 2 0.81
    /// against 0.65).</remarks>
    public static bool Suits(in ConvolutionGeometry s)
    {
        var g = s.Window;
        if (!Enabled || g.DilationH != 1 || g.DilationW != 1) return false;
        if (SimdWidth.Current == SimdPath.Vector512 && Avx512F.IsSupported)
            return g.Channels % Lanes == 0 && s.OutChannels % (4 * Lanes) == 0 && (long)g.Rows * s.OutChannels <= MaxKernelFloats;
        return SimdWidth.Current == SimdPath.Vector256 && Avx.IsSupported && Fma.IsSupported
               && g.Channels % NarrowLanes == 0 && s.OutChannels % (2 * NarrowLanes) == 0
               && (long)g.Rows * s.OutChannels <= MaxKernelFloats / 2 && NarrowRowsSuit(g);
    }

    /// <summary>Which layers the 256-bit tile takes: stride 1 onto rows under 16 pixels, where the direct kernel's
    /// 24-position blocks over rows padded by k − 1 waste the most lanes (ResNet-8's 7×7 and 14×14 layers).</summary>
    /// <remarks>Measured on a Zen 3 (family 25 model 1, 2026-12-03). One layer (<c>race conv-layer</c>, 2 threads, in-process
    /// against the routes before): 64→64 on 7×7 forward 1.86 against 2.77 ms, ∂C/∂x 2.00 against 2.63; 32→32 on 14×14
    /// forward level (1.85, 1.81), ∂C/∂x 1.84 against 2.03; 16→16 on 28×28 forward 2.10 against 1.90 (rows of 28 fill
    /// the direct kernel's blocks; the transposes in and out cost more than the lanes saved). Strided layers' forward
    /// products ran faster here too (32→64 stride 2 1.03 against 1.43), but their ∂C/∂w then lost the column matrix the
    /// column route's forward leaves it, and ResNet-8's step (<c>race-cnn resnet --ab channels-last-forward</c>, three
    /// runs each) came out level with them (medians −0.3, −1.7, +1.3 ms) and 0.1–3.8 ms faster without them.</remarks>
    private static bool NarrowRowsSuit(in Im2ColGeometry g) => g.StrideH == 1 && g.StrideW == 1 && g.OutWidth < 16;

    /// <summary>The largest reordered kernel (taps·C × O floats) taken: every tile streams all of it, so it must stay in
    /// a core's L2 (1 MiB on Zen 4 and 5). 512 KiB takes the DCGAN's 64→128 4×4 layer; pix2pix's 256→512 (8 MiB) ran
    /// its step 1.3× slower here, streaming the kernel from memory for every six pixels.</summary>
    public const long MaxKernelFloats = 1 << 17;

    /// <summary>For a stride-1 layer whose ∂C/∂x this route can take as a forward product, that product's geometry: δ's
    /// O channels in, the layer's C out, the same kernel size padded by k − 1 − p (so the output is the input's size);
    /// otherwise null.</summary>
    public static ConvolutionGeometry? InputGradientAsForward(in ConvolutionGeometry s)
    {
        var g = s.Window;
        if (g.StrideH != 1 || g.StrideW != 1 || g.PadH >= g.KernelH || g.PadW >= g.KernelW) return null;
        var flipped = new ConvolutionGeometry(s.Batch, g.Channels, new Im2ColGeometry(s.OutChannels, g.OutHeight, g.OutWidth,
            g.KernelH, g.KernelW, 1, 1, g.KernelH - 1 - g.PadH, g.KernelW - 1 - g.PadW, g.DilationH, g.DilationW));
        return Suits(flipped) && flipped.Window.OutHeight == g.Height && flipped.Window.OutWidth == g.Width ? flipped : null;
    }

    /// <summary>w [O × C × kH × kW] → w″ [C × O × kH × kW], w″[c, o, i, j] = w[o, c, kH − 1 − i, kW − 1 − j]: the kernel of
    /// ∂C/∂x = w″ ⋆ δ at stride 1.</summary>
    public static void Flip(ReadOnlySpan<float> w, int outChannels, int channels, int kernelH, int kernelW, Span<float> flipped)
    {
        int taps = kernelH * kernelW;
        for (int o = 0; o < outChannels; o++)
            for (int c = 0; c < channels; c++)
            {
                var from = w.Slice((o * channels + c) * taps, taps);
                var to = flipped.Slice((c * outChannels + o) * taps, taps);
                for (int t = 0; t < taps; t++) to[taps - 1 - t] = from[t];
            }
    }

    private float[]? _padded, _kernel, _pixels;
    private int[]? _offsets;

    /// <summary>The last <see cref="Forward"/>'s input, zero-padded channels-last [N × H + 2·padH × W + 2·padW × C] (as
    /// <see cref="ChannelsLastImages.Pad"/> writes it), for the ∂C/∂w that follows it on the same input.</summary>
    internal float[]? PaddedInput => _padded;

    /// <summary>y[N×O×OH×OW] = w ⋆ x + b (no bias when empty).</summary>
    public void Forward(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        s.Check("ChannelsLastForward", x.Length, y.Length, weight.Length);
        var g = s.Window;
        int c = g.Channels, o = s.OutChannels, taps = g.KernelH * g.KernelW, k = taps * c;
        int hp = g.Height + 2 * g.PadH, wp = g.Width + 2 * g.PadW, pixels = s.Columns;
        var padded = Scratch.Ensure(ref _padded, checked(s.Batch * hp * wp * c));
        var kernel = Scratch.Ensure(ref _kernel, k * o);
        var z = Scratch.Ensure(ref _pixels, checked(pixels * o));
        var offsets = Scratch.Ensure(ref _offsets, taps);
        // Tap (i, j) reads c floats at (i·W′ + j)·C past the pixel's window corner.
        for (int i = 0, t = 0; i < g.KernelH; i++)
            for (int j = 0; j < g.KernelW; j++, t++) offsets[t] = (i * wp + j) * c;
        fixed (float* px = x, pw = weight, pb = bias, py = y, pp = padded, pk = kernel, pz = z)
        fixed (int* po = offsets)
        {
            ChannelsLastImages.Pad(px, s.Batch, g, hp, wp, pp);
            Reorder(pw, o, c, taps, pk);
            var tiles = new Tiles(g, s.Batch, o, hp, wp, pp, po, pk, bias.IsEmpty ? null : pb, pz);
            KernelLoop.ForRuns(tiles.Count, TileRuns, 2L * pixels * o * k, tiles, static (t, from, to) => t.Run(from, to));
            ToImages(pz, s.Batch, o, g.OutPixels, py);
        }
    }

    /// <summary>w [O × C × taps] → w′ [taps·C × O]: w′[(t·C + c)·O + o] = w[(o·C + c)·taps + t], rows of w′ shared between
    /// threads (serial, the DCGAN's 64→128 4×4 kernel, 131,072 floats gathered one by one, kept the partner idle).</summary>
    private static void Reorder(float* w, int outChannels, int channels, int taps, float* to)
    {
        int rows = taps * channels;
        KernelLoop.ForRuns(rows, TileRuns, 2L * rows * outChannels, (W: (nint)w, To: (nint)to, O: outChannels, C: channels, Taps: taps),
            static (j, from, end) =>
            {
                // One output channel's taps are C·taps floats apart in w.
                long step = (long)j.C * j.Taps;
                for (int r = from; r < end; r++)
                {
                    int t = r / j.C, ch = r - t * j.C;
                    float* row = (float*)j.To + (long)r * j.O, source = (float*)j.W + (long)ch * j.Taps + t;
                    for (int o = 0; o < j.O; o++) row[o] = source[o * step];
                }
            });
    }

    /// <summary>z [N·P × O] (pixel-major) → y [N × O × P], a 16×16 block at a time in registers, images shared between
    /// threads.</summary>
    private static void ToImages(float* z, int batch, int outChannels, int plane, float* y) =>
        KernelLoop.For(batch, 2L * batch * plane * outChannels, new Transposing(z, y, outChannels, plane), static (t, n) => t.Image(n));

    private readonly struct Transposing(float* z, float* y, int outChannels, int plane)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Image(int n)
        {
            GemmTranspose.MatrixAtWidth(z + (long)n * plane * outChannels, plane, outChannels, y + (long)n * outChannels * plane);
        }
    }

    /// <summary>The call's tiles: six consecutive output pixels of the batch (the last tile fewer) by every block of 64
    /// output channels.</summary>
    private readonly struct Tiles(Im2ColGeometry g, int batch, int outChannels, int hp, int wp, float* padded, int* offsets,
        float* kernel, float* bias, float* z)
    {
        // The output's size, worked out once: the geometry computes it from the input's on every read (divisions), and
        // Corner runs six times a tile (0.3% of a ResNet-8 step went to the properties).
        private readonly int _outPixels = g.OutPixels, _outWidth = g.OutWidth;

        private int PixelCount => batch * _outPixels;

        public int Count => (PixelCount + Pixels - 1) / Pixels;

        /// <summary>Tiles <paramref name="from"/>..<paramref name="to"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int from, int to)
        {
            int c = g.Channels, taps = g.KernelH * g.KernelW;
            bool wide = SimdWidth.Current == SimdPath.Vector512;
            float* r0, r1, r2, r3, r4, r5;
            for (int tile = from; tile < to; tile++)
            {
                int q = tile * Pixels, rows = Math.Min(Pixels, PixelCount - q);
                // Missing rows of the last tile repeat its first pixel; they are computed and not stored.
                r0 = Corner(q);
                r1 = rows > 1 ? Corner(q + 1) : r0; r2 = rows > 2 ? Corner(q + 2) : r0;
                r3 = rows > 3 ? Corner(q + 3) : r0; r4 = rows > 4 ? Corner(q + 4) : r0; r5 = rows > 5 ? Corner(q + 5) : r0;
                float* out0 = z + (long)q * outChannels;
                if (wide)
                    for (int o0 = 0; o0 < outChannels; o0 += 4 * Lanes)
                        Tile6x64(r0, r1, r2, r3, r4, r5, offsets, taps, c, kernel + o0, outChannels, bias == null ? null : bias + o0, out0 + o0, rows);
                else
                    for (int o0 = 0; o0 < outChannels; o0 += 2 * NarrowLanes)
                        Tile6x16(r0, r1, r2, r3, r4, r5, offsets, taps, c, kernel + o0, outChannels, bias == null ? null : bias + o0, out0 + o0, rows);
            }
        }

        /// <summary>Where output pixel <paramref name="q"/> (of the batch) has its window's top-left corner in the padded copy.</summary>
        private float* Corner(int q)
        {
            int n = q / _outPixels, p = q - n * _outPixels, oy = p / _outWidth, ox = p - oy * _outWidth;
            return padded + ((long)(n * hp + oy * g.StrideH) * wp + ox * g.StrideW) * g.Channels;
        }
    }

    /// <summary>Six pixels (corners r0..r5) × 64 output channels: z[r, 0..64) = b + Σ_t Σ_c r[offset_t + c]·w′[(t·C + c)·O + 0..64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x64(float* r0, float* r1, float* r2, float* r3, float* r4, float* r5, int* offsets, int taps, int c,
        float* w, int ldw, float* bias, float* z, int rows)
    {
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
        if (bias != null) { b0 = Vector512.Load(bias); b1 = Vector512.Load(bias + Lanes); b2 = Vector512.Load(bias + 2 * Lanes); b3 = Vector512.Load(bias + 3 * Lanes); }
        Vector512<float> c00 = b0, c01 = b1, c02 = b2, c03 = b3, c10 = b0, c11 = b1, c12 = b2, c13 = b3, c20 = b0, c21 = b1, c22 = b2, c23 = b3;
        Vector512<float> c30 = b0, c31 = b1, c32 = b2, c33 = b3, c40 = b0, c41 = b1, c42 = b2, c43 = b3, c50 = b0, c51 = b1, c52 = b2, c53 = b3;
        for (int t = 0; t < taps; t++)
        {
            int off = offsets[t];
            float* a0 = r0 + off, a1 = r1 + off, a2 = r2 + off, a3 = r3 + off, a4 = r4 + off, a5 = r5 + off;
            float* wk = w + (nint)t * c * ldw;
            for (int ch = 0; ch < c; ch++, wk += ldw)
            {
                var w0 = Vector512.Load(wk); var w1 = Vector512.Load(wk + Lanes); var w2 = Vector512.Load(wk + 2 * Lanes); var w3 = Vector512.Load(wk + 3 * Lanes);
                Vector512<float> v;
                v = Vector512.Create(a0[ch]); c00 = Vector512.FusedMultiplyAdd(v, w0, c00); c01 = Vector512.FusedMultiplyAdd(v, w1, c01); c02 = Vector512.FusedMultiplyAdd(v, w2, c02); c03 = Vector512.FusedMultiplyAdd(v, w3, c03);
                v = Vector512.Create(a1[ch]); c10 = Vector512.FusedMultiplyAdd(v, w0, c10); c11 = Vector512.FusedMultiplyAdd(v, w1, c11); c12 = Vector512.FusedMultiplyAdd(v, w2, c12); c13 = Vector512.FusedMultiplyAdd(v, w3, c13);
                v = Vector512.Create(a2[ch]); c20 = Vector512.FusedMultiplyAdd(v, w0, c20); c21 = Vector512.FusedMultiplyAdd(v, w1, c21); c22 = Vector512.FusedMultiplyAdd(v, w2, c22); c23 = Vector512.FusedMultiplyAdd(v, w3, c23);
                v = Vector512.Create(a3[ch]); c30 = Vector512.FusedMultiplyAdd(v, w0, c30); c31 = Vector512.FusedMultiplyAdd(v, w1, c31); c32 = Vector512.FusedMultiplyAdd(v, w2, c32); c33 = Vector512.FusedMultiplyAdd(v, w3, c33);
                v = Vector512.Create(a4[ch]); c40 = Vector512.FusedMultiplyAdd(v, w0, c40); c41 = Vector512.FusedMultiplyAdd(v, w1, c41); c42 = Vector512.FusedMultiplyAdd(v, w2, c42); c43 = Vector512.FusedMultiplyAdd(v, w3, c43);
                v = Vector512.Create(a5[ch]); c50 = Vector512.FusedMultiplyAdd(v, w0, c50); c51 = Vector512.FusedMultiplyAdd(v, w1, c51); c52 = Vector512.FusedMultiplyAdd(v, w2, c52); c53 = Vector512.FusedMultiplyAdd(v, w3, c53);
            }
        }
        int ld = ldw;
        Store4(z, c00, c01, c02, c03); if (rows > 1) Store4(z + ld, c10, c11, c12, c13); if (rows > 2) Store4(z + 2 * ld, c20, c21, c22, c23);
        if (rows > 3) Store4(z + 3 * ld, c30, c31, c32, c33); if (rows > 4) Store4(z + 4 * ld, c40, c41, c42, c43); if (rows > 5) Store4(z + 5 * ld, c50, c51, c52, c53);
    }

    /// <summary>The 256-bit tile, six pixels × 16 output channels: twelve accumulators, two loads of the reordered kernel and
    /// six broadcasts a k step (the GEMM's 6×16 tile, A read in place). Each output is the same chain as in
    /// <see cref="Tile6x64"/> (from b, the taps in order, the channels in order), so both widths give the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x16(float* r0, float* r1, float* r2, float* r3, float* r4, float* r5, int* offsets, int taps, int c,
        float* w, int ldw, float* bias, float* z, int rows)
    {
        Vector256<float> b0 = default, b1 = default;
        if (bias != null) { b0 = Avx.LoadVector256(bias); b1 = Avx.LoadVector256(bias + NarrowLanes); }
        Vector256<float> c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1, c40 = b0, c41 = b1, c50 = b0, c51 = b1;
        for (int t = 0; t < taps; t++)
        {
            int off = offsets[t];
            float* a0 = r0 + off, a1 = r1 + off, a2 = r2 + off, a3 = r3 + off, a4 = r4 + off, a5 = r5 + off;
            float* wk = w + (nint)t * c * ldw;
            for (int ch = 0; ch < c; ch++, wk += ldw)
            {
                var w0 = Avx.LoadVector256(wk); var w1 = Avx.LoadVector256(wk + NarrowLanes);
                Vector256<float> v;
                v = Vector256.Create(a0[ch]); c00 = Fma.MultiplyAdd(v, w0, c00); c01 = Fma.MultiplyAdd(v, w1, c01);
                v = Vector256.Create(a1[ch]); c10 = Fma.MultiplyAdd(v, w0, c10); c11 = Fma.MultiplyAdd(v, w1, c11);
                v = Vector256.Create(a2[ch]); c20 = Fma.MultiplyAdd(v, w0, c20); c21 = Fma.MultiplyAdd(v, w1, c21);
                v = Vector256.Create(a3[ch]); c30 = Fma.MultiplyAdd(v, w0, c30); c31 = Fma.MultiplyAdd(v, w1, c31);
                v = Vector256.Create(a4[ch]); c40 = Fma.MultiplyAdd(v, w0, c40); c41 = Fma.MultiplyAdd(v, w1, c41);
                v = Vector256.Create(a5[ch]); c50 = Fma.MultiplyAdd(v, w0, c50); c51 = Fma.MultiplyAdd(v, w1, c51);
            }
        }
        int ld = ldw;
        Store2(z, c00, c01); if (rows > 1) Store2(z + ld, c10, c11); if (rows > 2) Store2(z + 2 * ld, c20, c21);
        if (rows > 3) Store2(z + 3 * ld, c30, c31); if (rows > 4) Store2(z + 4 * ld, c40, c41); if (rows > 5) Store2(z + 5 * ld, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(float* z, Vector256<float> a, Vector256<float> b)
    {
        Avx.Store(z, a); Avx.Store(z + NarrowLanes, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* z, Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        a.Store(z); b.Store(z + Lanes); c.Store(z + 2 * Lanes); d.Store(z + 3 * Lanes);
    }
}
