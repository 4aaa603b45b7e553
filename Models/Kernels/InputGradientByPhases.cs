using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// ∂C/∂x of a 3×3 or 4×4 convolution at stride 2 with padding 1 (a ResNet's downsampling layer, a DCGAN
/// discriminator's), image by image, channels-last:
/// ∂C/∂x[h, w, c] = Σ_(i, j) Σ_o w[o, c, i, j]·δ[(h + 1 − i)/2, (w + 1 − j)/2, o] over the taps whose (h + 1 − i) and
/// (w + 1 − j) are even. Input pixels of one row and one column parity share their taps (one, two or four at 3×3,
/// always four at 4×4), so a tile is seven or twelve such pixels: per output channel and tap, one or two loads of the
/// kernel (16 or 32 input channels; 64 as two halves of 32, each reading the group's δ again)
/// against a broadcast of each pixel's δ, the group's pixels reading neighbouring floats of δ copied as rows of its planes
/// [OH + 2 × O × OW + 2] with a border of zeros (so every tap of every pixel reads inside it). ∂C/∂x is built channels-last
/// and transposed back to NCHW.
/// </summary>
/// <remarks>
/// <para>Why: such a layer's ∂C/∂x ran as the GEMM wᵀ·δ into a column matrix of 9·C rows for the whole batch (7.2 MB on
/// ResNet-8's 16→32 layer), folded back afterwards: 0.85–0.90 ms a call on two threads for 116 MFLOP, the fold most of it.
/// Here an image's δ, its ∂C/∂x and the reordered kernel stay in L1/L2: 16→32 0.69 ms, 32→64 0.39 ms (0.90 and 0.85
/// before). Why groups of seven: ResNet-8's rows hold 14 and 7 pixels of a parity, and groups of twelve computed twelve
/// for fourteen or for seven (0.86 and 0.78 ms). With 16 channels a row's fourteen go as one group, fourteen
/// accumulators in flight instead of seven (<c>race conv-layer --layer 16,32,28,3,2,1,64 --threads 1</c>: 1.00 → 0.87
/// ms). Each (tap count, pixel count, channel count) has its own loop, the
/// counts as type parameters: with a loop over the taps around the loop over the output channels the JIT kept the
/// accumulators on the stack, three times slower.</para>
/// <para>Bits: each ∂C/∂x entry is one fused multiply-add chain from zero over its taps in order and the output channels
/// in order, whichever thread takes its image, at either width. The plain twin is <see cref="DirectConv2dReference"/>'s
/// definition.</para>
/// <para>At 256 bits (no AVX-512) the tiles of <c>InputGradientByPhasesNarrow.cs</c>: groups of up to six pixels, 16
/// channels at a time, the same chains. On a Zen 3 (<c>race conv-layer --layer 16,32,28,3,2,1,64</c>, variant "not by
/// phases" in the same process, another process using 0.3–0.8 cores): 16→32 on 28×28 1.33–1.61 ms against 3.4 by the
/// column routes, 32→64 on 14×14 1.06–1.57 against 2.1–3.4; the column routes' best in a quieter run was 1.75 and 1.92.</para>
/// </remarks>
public sealed unsafe partial class InputGradientByPhases
{
    /// <summary>Set to false to time the earlier routes (A/B: <c>race-cnn resnet --ab phases</c>).</summary>
    public static bool Enabled { get; set; } = true;

    // The larger group: a row's pixels of a parity go by fourteens (16 channels) or sevens when they are a multiple of
    // that, else by twelves.
    private const int Lanes = 16, Pixels = 12;

    /// <summary>512-bit or 256-bit (AVX2 and FMA) kernels on, a 3×3 or 4×4 kernel at stride 2 with padding 1, no
    /// dilation, 16, 32 or 64 input channels.</summary>
    /// <remarks>Why 4×4 and 64 channels: the DCGAN discriminator's 64→128 layer on 14×14 took the chunks' GEMM and fold,
    /// 8.96 CPU-ms a call against 8.22 here (Zen 4, 512 bits), and its step 130.9 against 125.5 CPU-ms. pix2pix's 4×4
    /// layers of 16–64 channels come out even (ngf 32 step 275 against 280 CPU-ms, ngf 64 995 against 991: noise).</remarks>
    public static bool Suits(in ConvolutionGeometry s)
    {
        var g = s.Window;
        return Enabled && SimdWidth.Current != SimdPath.Scalar && Avx2.IsSupported && Fma.IsSupported
               && g.KernelH is 3 or 4 && g.KernelW == g.KernelH && g.StrideH == 2 && g.StrideW == 2 && g.PadH == 1 && g.PadW == 1
               && g.DilationH == 1 && g.DilationW == 1 && g.Channels is Lanes or 2 * Lanes or 4 * Lanes && s.OutChannels <= 1024;
    }

    private float[]? _kernel;
    // One image's δ with a border [(OH + 2) × O × (OW + 2)] and ∂C/∂x channels-last [H·W × C], per thread.
    [ThreadStatic] private static float[]? t_delta, t_image;

    /// <summary>inputGradient[N×C×H×W] = wᵀ ⋆ δ (overwritten).</summary>
    public void InputGradient(in ConvolutionGeometry s, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> inputGradient)
    {
        s.Check("InputGradientByPhases", inputGradient.Length, dy.Length, weight.Length);
        if (!Suits(s)) throw new ArgumentException($"InputGradientByPhases does not take {s}; check Suits first.");
        var g = s.Window;
        int c = g.Channels, o = s.OutChannels;
        // w [O × C × k²] → w″ [k² × O × C]: a tap's output channel's C input channels side by side.
        int taps = g.KernelH * g.KernelW;
        var kernel = Scratch.Ensure(ref _kernel, taps * o * c);
        for (int oc = 0; oc < o; oc++)
            for (int ch = 0; ch < c; ch++)
                for (int t = 0; t < taps; t++) kernel[(t * o + oc) * c + ch] = weight[(oc * c + ch) * taps + t];
        fixed (float* pd = dy, pk = kernel, pdx = inputGradient)
        {
            var images = new Images(g, o, pd, pk, pdx);
            KernelLoop.For(s.Batch, 2L * s.Batch * g.ImageLength * o * taps / 4, images, static (j, n) => j.Image(n));
        }
    }

    private readonly struct Images(Im2ColGeometry g, int outChannels, float* dy, float* kernel, float* dx)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Image(int n)
        {
            int c = g.Channels, o = outChannels, oh = g.OutHeight, ow = g.OutWidth, plane = oh * ow, wp = ow + 2;
            // δ as rows of its planes, [OH + 2 × O × OW + 2], at rows and columns 1.. of a grid with a border of zeros (16
            // floats to spare: a group's pixels past its count read on, and their sums are dropped).
            long length = (long)(oh + 2) * o * wp;
            fixed (float* delta = Scratch.Ensure(ref t_delta, checked((int)length + Lanes)))
            fixed (float* image = Scratch.Ensure(ref t_image, g.Height * g.Width * c))
            {
                new Span<float>(delta, (int)length + Lanes).Clear();
                float* from = dy + (long)n * o * plane;
                for (int q = 0; q < o; q++)
                    for (int y = 0; y < oh; y++)
                        new ReadOnlySpan<float>(from + (long)q * plane + y * ow, ow).CopyTo(new Span<float>(delta + ((long)(y + 1) * o + q) * wp + 1, ow));
                bool wide = SimdWidth.Current == SimdPath.Vector512;
                for (int h = 0; h < g.Height; h++)
                    for (int parity = 0; parity < 2; parity++)
                    {
                        int pixels = (g.Width - parity + 1) / 2;
                        if (wide)
                        {
                            int group = c == Lanes && pixels % 14 == 0 ? 14 : pixels % 7 == 0 ? 7 : Pixels;
                            for (int first = 0; first < pixels; first += group)
                                Row(delta, image, h, parity + 2 * first, Math.Min(group, pixels - first), wide);
                        }
                        else
                            for (int groups = NarrowGroups(pixels), k = 0, first = 0; k < groups; k++)
                            {
                                // The first pixels % groups groups take one pixel more.
                                int count = pixels / groups + (k < pixels % groups ? 1 : 0);
                                Row(delta, image, h, parity + 2 * first, count, wide);
                                first += count;
                            }
                    }
                // Back to NCHW.
                GemmTranspose.MatrixAtWidth(image, g.Height * g.Width, c, dx + (long)n * g.ImageLength);
            }
        }

        /// <summary>∂C/∂x of <paramref name="count"/> pixels (h, w0), (h, w0 + 2), … into the channels-last image.</summary>
        private void Row(float* delta, float* image, int h, int w0, int count, bool wide)
        {
            int c = g.Channels, o = outChannels, wp = g.OutWidth + 2;
            // The kernel rows i with h + 1 − i even, and the columns j with w0 + 1 − j even (one or two of each); δ's row
            // (h + 1 − i)/2 and column (w + 1 − j)/2 sit one further in the bordered grid.
            int k = g.KernelH, i0 = (h + 1) % 2, j0 = (w0 + 1) % 2;
            int rows = (k - i0 + 1) / 2, columns = (k - j0 + 1) / 2;
            var taps = new Taps();
            for (int ri = 0, t = 0; ri < rows; ri++)
                for (int cj = 0; cj < columns; cj++, t++)
                {
                    int i = i0 + 2 * ri, j = j0 + 2 * cj;
                    taps.Set(t, delta + (long)((h + 1 - i) / 2 + 1) * o * wp + (w0 + 1 - j) / 2 + 1, kernel + (long)(i * k + j) * o * c);
                }
            float* to = image + ((long)h * g.Width + w0) * c;
            if (!wide) Narrow(taps, rows * columns, c, o, wp, count, to);
            else if (count > Pixels) Fourteen(taps, rows * columns, o, wp, count, to, 2 * c);
            else
                // 64 channels as two halves of 32, each reading the group's δ again from L1.
                for (int half = 0; half < c; half += 2 * Lanes)
                    if (count <= 7) Seven(taps.KernelsFrom(half), rows * columns, c, o, wp, count, to + half);
                    else Twelve(taps.KernelsFrom(half), rows * columns, c, o, wp, count, to + half);
        }
    }

    /// <summary>A group of at most seven pixels, through the loop for its tap count and channel count.</summary>
    private static void Seven(in Taps taps, int tapCount, int c, int o, int ld, int count, float* to)
    {
        switch ((tapCount, c))
        {
            case (1, Lanes): Pixels16<OneTap, SevenPixels>(taps, o, ld, count, to, 2 * c); break;
            case (2, Lanes): Pixels16<TwoTaps, SevenPixels>(taps, o, ld, count, to, 2 * c); break;
            case (4, Lanes): Pixels16<FourTaps, SevenPixels>(taps, o, ld, count, to, 2 * c); break;
            case (1, _): Pixels32<OneTap, SevenPixels>(taps, o, c, ld, count, to, 2 * c); break;
            case (2, _): Pixels32<TwoTaps, SevenPixels>(taps, o, c, ld, count, to, 2 * c); break;
            default: Pixels32<FourTaps, SevenPixels>(taps, o, c, ld, count, to, 2 * c); break;
        }
    }

    /// <summary>A group of eight to twelve pixels, likewise.</summary>
    private static void Twelve(in Taps taps, int tapCount, int c, int o, int ld, int count, float* to)
    {
        switch ((tapCount, c))
        {
            case (1, Lanes): Pixels16<OneTap, TwelvePixels>(taps, o, ld, count, to, 2 * c); break;
            case (2, Lanes): Pixels16<TwoTaps, TwelvePixels>(taps, o, ld, count, to, 2 * c); break;
            case (4, Lanes): Pixels16<FourTaps, TwelvePixels>(taps, o, ld, count, to, 2 * c); break;
            case (1, _): Pixels32<OneTap, TwelvePixels>(taps, o, c, ld, count, to, 2 * c); break;
            case (2, _): Pixels32<TwoTaps, TwelvePixels>(taps, o, c, ld, count, to, 2 * c); break;
            default: Pixels32<FourTaps, TwelvePixels>(taps, o, c, ld, count, to, 2 * c); break;
        }
    }

    /// <summary>A group of 13 or 14 pixels of 16 channels (a 28-pixel row's pixels of one parity, in one go).</summary>
    private static void Fourteen(in Taps taps, int tapCount, int o, int ld, int count, float* to, int step)
    {
        switch (tapCount)
        {
            case 1: Pixels16<OneTap, FourteenPixels>(taps, o, ld, count, to, step); break;
            case 2: Pixels16<TwoTaps, FourteenPixels>(taps, o, ld, count, to, step); break;
            default: Pixels16<FourTaps, FourteenPixels>(taps, o, ld, count, to, step); break;
        }
    }

    /// <summary>Up to four taps of a group of pixels: the first pixel's δ in the tap's row of δ's first plane (pixel r at
    /// + r, output channel q at + q·(OW + 2)), and the tap's kernel [O × C].</summary>
    private struct Taps
    {
        public float* D0, D1, D2, D3, K0, K1, K2, K3;

        public void Set(int t, float* d, float* k)
        {
            switch (t)
            {
                case 0: D0 = d; K0 = k; break;
                case 1: D1 = d; K1 = k; break;
                case 2: D2 = d; K2 = k; break;
                default: D3 = d; K3 = k; break;
            }
        }

        /// <summary>The same taps with each kernel pointer <paramref name="offset"/> floats on (a later group of input
        /// channels).</summary>
        public readonly Taps KernelsFrom(int offset) => this with { K0 = K0 + offset, K1 = K1 + offset, K2 = K2 + offset, K3 = K3 + offset };
    }

    /// <summary>How many taps a group of pixels has (1, 2 or 4), as a type, so that each count gets its own loop with
    /// every accumulator in a register.</summary>
    private interface ITapCount { static abstract int Count { get; } }
    private struct OneTap : ITapCount { public static int Count => 1; }
    private struct TwoTaps : ITapCount { public static int Count => 2; }
    private struct FourTaps : ITapCount { public static int Count => 4; }

    /// <summary>Pixels a group computes: 7 (rows of 14 or 28 pixels, ResNet-8's, split without a wasted lane), 12, or 14
    /// (16 channels only: fourteen accumulators).</summary>
    private interface IPixelCount { static abstract int Count { get; } }
    private struct SevenPixels : IPixelCount { public static int Count => 7; }
    private struct TwelvePixels : IPixelCount { public static int Count => 12; }
    private struct FourteenPixels : IPixelCount { public static int Count => 14; }

    /// <summary>Seven or twelve pixels (<typeparamref name="TPixels"/>; the first <paramref name="count"/> stored, the others
    /// read on along δ's row and dropped) of 16 input channels: for each output channel and tap, the tap's kernel vector
    /// against each pixel's δ (twelve neighbouring floats of δ's row, <paramref name="ld"/> apart from one output channel to
    /// the next); pixel r stored at to + r·<paramref name="step"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixels16<TTaps, TPixels>(in Taps taps, int o, int ld, int count, float* to, int step) where TTaps : struct, ITapCount where TPixels : struct, IPixelCount
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default;
        float* d0 = taps.D0, d1 = taps.D1, d2 = taps.D2, d3 = taps.D3, k0 = taps.K0, k1 = taps.K1, k2 = taps.K2, k3 = taps.K3;
        for (int q = 0; q < o; q++, d0 += ld, d1 += ld, d2 += ld, d3 += ld, k0 += Lanes, k1 += Lanes, k2 += Lanes, k3 += Lanes)
        {
            {
                var v = Vector512.Load(k0);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[0]), v, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[1]), v, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[2]), v, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[3]), v, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[4]), v, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[5]), v, a5);
                a6 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[6]), v, a6);
                if (TPixels.Count > 7) { a7 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[7]), v, a7); }
                if (TPixels.Count > 8) { a8 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[8]), v, a8); }
                if (TPixels.Count > 9) { a9 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[9]), v, a9); }
                if (TPixels.Count > 10) { a10 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[10]), v, a10); }
                if (TPixels.Count > 11) { a11 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[11]), v, a11); }
                if (TPixels.Count > 12) { a12 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[12]), v, a12); }
                if (TPixels.Count > 13) { a13 = Vector512.FusedMultiplyAdd(Vector512.Create(d0[13]), v, a13); }
            }
            if (TTaps.Count > 1)
            {
                var v = Vector512.Load(k1);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[0]), v, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[1]), v, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[2]), v, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[3]), v, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[4]), v, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[5]), v, a5);
                a6 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[6]), v, a6);
                if (TPixels.Count > 7) { a7 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[7]), v, a7); }
                if (TPixels.Count > 8) { a8 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[8]), v, a8); }
                if (TPixels.Count > 9) { a9 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[9]), v, a9); }
                if (TPixels.Count > 10) { a10 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[10]), v, a10); }
                if (TPixels.Count > 11) { a11 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[11]), v, a11); }
                if (TPixels.Count > 12) { a12 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[12]), v, a12); }
                if (TPixels.Count > 13) { a13 = Vector512.FusedMultiplyAdd(Vector512.Create(d1[13]), v, a13); }
            }
            if (TTaps.Count > 2)
            {
                var v = Vector512.Load(k2);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[0]), v, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[1]), v, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[2]), v, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[3]), v, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[4]), v, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[5]), v, a5);
                a6 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[6]), v, a6);
                if (TPixels.Count > 7) { a7 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[7]), v, a7); }
                if (TPixels.Count > 8) { a8 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[8]), v, a8); }
                if (TPixels.Count > 9) { a9 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[9]), v, a9); }
                if (TPixels.Count > 10) { a10 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[10]), v, a10); }
                if (TPixels.Count > 11) { a11 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[11]), v, a11); }
                if (TPixels.Count > 12) { a12 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[12]), v, a12); }
                if (TPixels.Count > 13) { a13 = Vector512.FusedMultiplyAdd(Vector512.Create(d2[13]), v, a13); }
            }
            if (TTaps.Count > 3)
            {
                var v = Vector512.Load(k3);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[0]), v, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[1]), v, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[2]), v, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[3]), v, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[4]), v, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[5]), v, a5);
                a6 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[6]), v, a6);
                if (TPixels.Count > 7) { a7 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[7]), v, a7); }
                if (TPixels.Count > 8) { a8 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[8]), v, a8); }
                if (TPixels.Count > 9) { a9 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[9]), v, a9); }
                if (TPixels.Count > 10) { a10 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[10]), v, a10); }
                if (TPixels.Count > 11) { a11 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[11]), v, a11); }
                if (TPixels.Count > 12) { a12 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[12]), v, a12); }
                if (TPixels.Count > 13) { a13 = Vector512.FusedMultiplyAdd(Vector512.Create(d3[13]), v, a13); }
            }
        }
        a0.Store(to);
        if (count > 1) a1.Store(to + 1 * step);
        if (count > 2) a2.Store(to + 2 * step);
        if (count > 3) a3.Store(to + 3 * step);
        if (count > 4) a4.Store(to + 4 * step);
        if (count > 5) a5.Store(to + 5 * step);
        if (count > 6) a6.Store(to + 6 * step);
        if (count > 7) a7.Store(to + 7 * step);
        if (count > 8) a8.Store(to + 8 * step);
        if (count > 9) a9.Store(to + 9 * step);
        if (count > 10) a10.Store(to + 10 * step);
        if (count > 11) a11.Store(to + 11 * step);
        if (count > 12) a12.Store(to + 12 * step);
        if (count > 13) a13.Store(to + 13 * step);
    }

    /// <summary>The same for 32 input channels (two vectors a pixel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pixels32<TTaps, TPixels>(in Taps taps, int o, int kernelStep, int ld, int count, float* to, int step) where TTaps : struct, ITapCount where TPixels : struct, IPixelCount
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default;
        Vector512<float> b6 = default, b7 = default, b8 = default, b9 = default, b10 = default, b11 = default;
        float* d0 = taps.D0, d1 = taps.D1, d2 = taps.D2, d3 = taps.D3, k0 = taps.K0, k1 = taps.K1, k2 = taps.K2, k3 = taps.K3;
        for (int q = 0; q < o; q++, d0 += ld, d1 += ld, d2 += ld, d3 += ld, k0 += kernelStep, k1 += kernelStep, k2 += kernelStep, k3 += kernelStep)
        {
            {
                var v = Vector512.Load(k0); var u = Vector512.Load(k0 + Lanes);
                Vector512<float> x;
                x = Vector512.Create(d0[0]); a0 = Vector512.FusedMultiplyAdd(x, v, a0); b0 = Vector512.FusedMultiplyAdd(x, u, b0);
                x = Vector512.Create(d0[1]); a1 = Vector512.FusedMultiplyAdd(x, v, a1); b1 = Vector512.FusedMultiplyAdd(x, u, b1);
                x = Vector512.Create(d0[2]); a2 = Vector512.FusedMultiplyAdd(x, v, a2); b2 = Vector512.FusedMultiplyAdd(x, u, b2);
                x = Vector512.Create(d0[3]); a3 = Vector512.FusedMultiplyAdd(x, v, a3); b3 = Vector512.FusedMultiplyAdd(x, u, b3);
                x = Vector512.Create(d0[4]); a4 = Vector512.FusedMultiplyAdd(x, v, a4); b4 = Vector512.FusedMultiplyAdd(x, u, b4);
                x = Vector512.Create(d0[5]); a5 = Vector512.FusedMultiplyAdd(x, v, a5); b5 = Vector512.FusedMultiplyAdd(x, u, b5);
                x = Vector512.Create(d0[6]); a6 = Vector512.FusedMultiplyAdd(x, v, a6); b6 = Vector512.FusedMultiplyAdd(x, u, b6);
                if (TPixels.Count > 7) { x = Vector512.Create(d0[7]); a7 = Vector512.FusedMultiplyAdd(x, v, a7); b7 = Vector512.FusedMultiplyAdd(x, u, b7); }
                if (TPixels.Count > 8) { x = Vector512.Create(d0[8]); a8 = Vector512.FusedMultiplyAdd(x, v, a8); b8 = Vector512.FusedMultiplyAdd(x, u, b8); }
                if (TPixels.Count > 9) { x = Vector512.Create(d0[9]); a9 = Vector512.FusedMultiplyAdd(x, v, a9); b9 = Vector512.FusedMultiplyAdd(x, u, b9); }
                if (TPixels.Count > 10) { x = Vector512.Create(d0[10]); a10 = Vector512.FusedMultiplyAdd(x, v, a10); b10 = Vector512.FusedMultiplyAdd(x, u, b10); }
                if (TPixels.Count > 11) { x = Vector512.Create(d0[11]); a11 = Vector512.FusedMultiplyAdd(x, v, a11); b11 = Vector512.FusedMultiplyAdd(x, u, b11); }
            }
            if (TTaps.Count > 1)
            {
                var v = Vector512.Load(k1); var u = Vector512.Load(k1 + Lanes);
                Vector512<float> x;
                x = Vector512.Create(d1[0]); a0 = Vector512.FusedMultiplyAdd(x, v, a0); b0 = Vector512.FusedMultiplyAdd(x, u, b0);
                x = Vector512.Create(d1[1]); a1 = Vector512.FusedMultiplyAdd(x, v, a1); b1 = Vector512.FusedMultiplyAdd(x, u, b1);
                x = Vector512.Create(d1[2]); a2 = Vector512.FusedMultiplyAdd(x, v, a2); b2 = Vector512.FusedMultiplyAdd(x, u, b2);
                x = Vector512.Create(d1[3]); a3 = Vector512.FusedMultiplyAdd(x, v, a3); b3 = Vector512.FusedMultiplyAdd(x, u, b3);
                x = Vector512.Create(d1[4]); a4 = Vector512.FusedMultiplyAdd(x, v, a4); b4 = Vector512.FusedMultiplyAdd(x, u, b4);
                x = Vector512.Create(d1[5]); a5 = Vector512.FusedMultiplyAdd(x, v, a5); b5 = Vector512.FusedMultiplyAdd(x, u, b5);
                x = Vector512.Create(d1[6]); a6 = Vector512.FusedMultiplyAdd(x, v, a6); b6 = Vector512.FusedMultiplyAdd(x, u, b6);
                if (TPixels.Count > 7) { x = Vector512.Create(d1[7]); a7 = Vector512.FusedMultiplyAdd(x, v, a7); b7 = Vector512.FusedMultiplyAdd(x, u, b7); }
                if (TPixels.Count > 8) { x = Vector512.Create(d1[8]); a8 = Vector512.FusedMultiplyAdd(x, v, a8); b8 = Vector512.FusedMultiplyAdd(x, u, b8); }
                if (TPixels.Count > 9) { x = Vector512.Create(d1[9]); a9 = Vector512.FusedMultiplyAdd(x, v, a9); b9 = Vector512.FusedMultiplyAdd(x, u, b9); }
                if (TPixels.Count > 10) { x = Vector512.Create(d1[10]); a10 = Vector512.FusedMultiplyAdd(x, v, a10); b10 = Vector512.FusedMultiplyAdd(x, u, b10); }
                if (TPixels.Count > 11) { x = Vector512.Create(d1[11]); a11 = Vector512.FusedMultiplyAdd(x, v, a11); b11 = Vector512.FusedMultiplyAdd(x, u, b11); }
            }
            if (TTaps.Count > 2)
            {
                var v = Vector512.Load(k2); var u = Vector512.Load(k2 + Lanes);
                Vector512<float> x;
                x = Vector512.Create(d2[0]); a0 = Vector512.FusedMultiplyAdd(x, v, a0); b0 = Vector512.FusedMultiplyAdd(x, u, b0);
                x = Vector512.Create(d2[1]); a1 = Vector512.FusedMultiplyAdd(x, v, a1); b1 = Vector512.FusedMultiplyAdd(x, u, b1);
                x = Vector512.Create(d2[2]); a2 = Vector512.FusedMultiplyAdd(x, v, a2); b2 = Vector512.FusedMultiplyAdd(x, u, b2);
                x = Vector512.Create(d2[3]); a3 = Vector512.FusedMultiplyAdd(x, v, a3); b3 = Vector512.FusedMultiplyAdd(x, u, b3);
                x = Vector512.Create(d2[4]); a4 = Vector512.FusedMultiplyAdd(x, v, a4); b4 = Vector512.FusedMultiplyAdd(x, u, b4);
                x = Vector512.Create(d2[5]); a5 = Vector512.FusedMultiplyAdd(x, v, a5); b5 = Vector512.FusedMultiplyAdd(x, u, b5);
                x = Vector512.Create(d2[6]); a6 = Vector512.FusedMultiplyAdd(x, v, a6); b6 = Vector512.FusedMultiplyAdd(x, u, b6);
                if (TPixels.Count > 7) { x = Vector512.Create(d2[7]); a7 = Vector512.FusedMultiplyAdd(x, v, a7); b7 = Vector512.FusedMultiplyAdd(x, u, b7); }
                if (TPixels.Count > 8) { x = Vector512.Create(d2[8]); a8 = Vector512.FusedMultiplyAdd(x, v, a8); b8 = Vector512.FusedMultiplyAdd(x, u, b8); }
                if (TPixels.Count > 9) { x = Vector512.Create(d2[9]); a9 = Vector512.FusedMultiplyAdd(x, v, a9); b9 = Vector512.FusedMultiplyAdd(x, u, b9); }
                if (TPixels.Count > 10) { x = Vector512.Create(d2[10]); a10 = Vector512.FusedMultiplyAdd(x, v, a10); b10 = Vector512.FusedMultiplyAdd(x, u, b10); }
                if (TPixels.Count > 11) { x = Vector512.Create(d2[11]); a11 = Vector512.FusedMultiplyAdd(x, v, a11); b11 = Vector512.FusedMultiplyAdd(x, u, b11); }
            }
            if (TTaps.Count > 3)
            {
                var v = Vector512.Load(k3); var u = Vector512.Load(k3 + Lanes);
                Vector512<float> x;
                x = Vector512.Create(d3[0]); a0 = Vector512.FusedMultiplyAdd(x, v, a0); b0 = Vector512.FusedMultiplyAdd(x, u, b0);
                x = Vector512.Create(d3[1]); a1 = Vector512.FusedMultiplyAdd(x, v, a1); b1 = Vector512.FusedMultiplyAdd(x, u, b1);
                x = Vector512.Create(d3[2]); a2 = Vector512.FusedMultiplyAdd(x, v, a2); b2 = Vector512.FusedMultiplyAdd(x, u, b2);
                x = Vector512.Create(d3[3]); a3 = Vector512.FusedMultiplyAdd(x, v, a3); b3 = Vector512.FusedMultiplyAdd(x, u, b3);
                x = Vector512.Create(d3[4]); a4 = Vector512.FusedMultiplyAdd(x, v, a4); b4 = Vector512.FusedMultiplyAdd(x, u, b4);
                x = Vector512.Create(d3[5]); a5 = Vector512.FusedMultiplyAdd(x, v, a5); b5 = Vector512.FusedMultiplyAdd(x, u, b5);
                x = Vector512.Create(d3[6]); a6 = Vector512.FusedMultiplyAdd(x, v, a6); b6 = Vector512.FusedMultiplyAdd(x, u, b6);
                if (TPixels.Count > 7) { x = Vector512.Create(d3[7]); a7 = Vector512.FusedMultiplyAdd(x, v, a7); b7 = Vector512.FusedMultiplyAdd(x, u, b7); }
                if (TPixels.Count > 8) { x = Vector512.Create(d3[8]); a8 = Vector512.FusedMultiplyAdd(x, v, a8); b8 = Vector512.FusedMultiplyAdd(x, u, b8); }
                if (TPixels.Count > 9) { x = Vector512.Create(d3[9]); a9 = Vector512.FusedMultiplyAdd(x, v, a9); b9 = Vector512.FusedMultiplyAdd(x, u, b9); }
                if (TPixels.Count > 10) { x = Vector512.Create(d3[10]); a10 = Vector512.FusedMultiplyAdd(x, v, a10); b10 = Vector512.FusedMultiplyAdd(x, u, b10); }
                if (TPixels.Count > 11) { x = Vector512.Create(d3[11]); a11 = Vector512.FusedMultiplyAdd(x, v, a11); b11 = Vector512.FusedMultiplyAdd(x, u, b11); }
            }
        }
        { a0.Store(to); b0.Store(to + Lanes); }
        if (count > 1) { a1.Store(to + 1 * step); b1.Store(to + 1 * step + Lanes); }
        if (count > 2) { a2.Store(to + 2 * step); b2.Store(to + 2 * step + Lanes); }
        if (count > 3) { a3.Store(to + 3 * step); b3.Store(to + 3 * step + Lanes); }
        if (count > 4) { a4.Store(to + 4 * step); b4.Store(to + 4 * step + Lanes); }
        if (count > 5) { a5.Store(to + 5 * step); b5.Store(to + 5 * step + Lanes); }
        if (count > 6) { a6.Store(to + 6 * step); b6.Store(to + 6 * step + Lanes); }
        if (count > 7) { a7.Store(to + 7 * step); b7.Store(to + 7 * step + Lanes); }
        if (count > 8) { a8.Store(to + 8 * step); b8.Store(to + 8 * step + Lanes); }
        if (count > 9) { a9.Store(to + 9 * step); b9.Store(to + 9 * step + Lanes); }
        if (count > 10) { a10.Store(to + 10 * step); b10.Store(to + 10 * step + Lanes); }
        if (count > 11) { a11.Store(to + 11 * step); b11.Store(to + 11 * step + Lanes); }
    }
}
