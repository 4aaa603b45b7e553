using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// Convolution computed straight from the image, without the im2col column matrix, for any stride and dilation (LeNet's
/// layers, ResNet's 3×3 layers, strided ones included). y[n,o,y,x] = Σ w[o,c,i,j]·x[n,c,y·s − p + i·d,x·s − p + j·d] + b[o].
/// </summary>
/// <remarks>
/// Why: with one input channel im2col writes kH·kW floats per output pixel and the product then reads them all back,
/// so the layer is bound by memory traffic, not arithmetic; with more channels the column matrix outgrows the caches
/// (29 MB for a 16-channel 3×3 layer on 28×28 at batch 64). Here each image is first copied into zero-bordered planes
/// (so the inner loop has no edge tests), read as one long row each, and 24 consecutive positions of four output channels
/// live in twelve AVX registers while the taps stream past (see <see cref="Block4x24"/>). The bias starts the sums.
/// Strides and dilations above 1 are served by the same loop through <see cref="FlatPlanes"/>, which deals the padded
/// rows and columns into stride-phase planes so that every tap is still a fixed offset from its output position.
/// Images are handed out to threads one at a time; each writes only its own output planes, so the bits do not depend on
/// the thread count. The plain twin is <see cref="DirectConv2dReference"/>.
/// </remarks>
public static partial class DirectConv2d
{
    private const int Lanes = 8, Group = 4, Block = 3 * Lanes;
    // The 512-bit tile (Block8x48): eight channels × 48 positions.
    private const int WideLanes = 16, WideGroup = 8, WideBlock = 3 * WideLanes;

    /// <summary>True where this kernel beats im2col + product: AVX2 + FMA, at most 640 taps per output (C·kH·kW),
    /// output rows of at least 7 pixels, 8 when strided (narrower rows waste more of each block on the dropped positions).
    /// Measured with <c>race-cnn layers</c> at batch 64, forward, against im2col + GEMM: ResNet's 16→16 3×3 on 28×28 1.32
    /// against 3.15 ms, 32→32 on 14×14 1.49 against 3.02 ms, 64→64 on 7×7 1.77 against 1.99 ms; and LeNet's layers at batch
    /// 256.</summary>
    /// <remarks>Not on the scalar path (<see cref="SimdWidth"/>): there the layers take the column route, whose GEMM has
    /// a scalar twin. A strided layer onto 7-pixel rows (ResNet-8's 32→64 3×3 stride 2, 14×14 → 7×7) computes about
    /// twice the positions it keeps here, and its columns serve the ∂C/∂w after it: <c>race conv-layer --layer
    /// 32,64,14,3,2,1,64</c> (2 threads) forward 0.72–0.74 ms here against 0.54–0.56 through columns, and the ∂C/∂w after
    /// it 0.52–0.54 against 0.37–0.39.</remarks>
    public static bool Suits(Im2ColGeometry g) =>
        Enabled && SimdWidth.Current != SimdPath.Scalar && Avx2.IsSupported && Fma.IsSupported && g.Rows <= 640 && (g.OutWidth >= 8 || g.OutWidth == 7 && g.StrideH == 1 && g.StrideW == 1);

    /// <summary>Set to false to time the layers' column route instead (<c>race pix2pix-layers --routes</c>).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Whether the 512-bit tiles' outputs go to the output rows block by block, from a staging block that stays in
    /// L1 (default), rather than after the whole image from a staging plane per channel; false for A/B timing
    /// (<c>race-cnn resnet --ab block-copies</c>). Same bits.</summary>
    public static bool BlockCopies { get; set; } = true;

    /// <summary>Whether a block's outputs go to their rows through one compress per vector (default) rather than a copy
    /// per run of kept positions (<see cref="CopyBlock"/>, its plain twin); false for A/B timing (<c>race-cnn resnet --ab
    /// compress</c>). Same bits.</summary>
    public static bool CompressesBlocks { get; set; } = true;

    /// <summary>Whether stride-1 planes share their zero columns between rows (<see cref="FlatPlanes"/>'s sharedBorders;
    /// default); false for A/B timing (<c>race-cnn resnet --ab shared-borders</c>). Both give the same bits.</summary>
    public static bool SharedBorders { get; set; } = true;

    /// <summary>
    /// The geometry of a stride-1 convolution's input gradient read as a convolution of its own: ∂C/∂x = conv(δ, w′) with
    /// w′[c,o,i,j] = w[o,c,kH−1−i,kW−1−j] (channels swapped, taps flipped) and padding k − 1 − p, which gives back the
    /// input's size. Null where that reading does not hold (stride or dilation above 1, or padding above k − 1).
    /// </summary>
    public static Im2ColGeometry? InputGradientGeometry(Im2ColGeometry g, int outChannels) =>
        g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1 && g.PadH < g.KernelH && g.PadW < g.KernelW
            ? new Im2ColGeometry(outChannels, g.OutHeight, g.OutWidth, g.KernelH, g.KernelW, 1, 1, g.KernelH - 1 - g.PadH, g.KernelW - 1 - g.PadW)
            : null;

    /// <summary>True where <see cref="InputGradient"/> applies and beats col2im of wᵀδ: input rows of at least 8 pixels,
    /// or fewer than 32 output channels.</summary>
    /// <remarks>On 7-pixel rows the forward kernel computes about twice the positions it keeps, and col2im's product wᵀδ
    /// has the taps' many rows (576 for ResNet's 64→64 3×3), where the GEMM runs well: ResNet-8's 64→64 layer on 7×7
    /// (<c>race conv-layer --layer 64,64,7,3,1,1,64</c>, 2 threads) 1.15 ms here against 0.73 through the whole batch's
    /// columns. Its forward product stays here (1.10 against about 1.4 for im2col + GEMM, whose M is only 64). With few
    /// output channels δ has too few rows for that product: PatchGAN's last layer (256→1, 4×4, 7×7 → 6×6, batch 16)
    /// takes 0.13 ms here against 0.36 off this kernel.</remarks>
    public static bool SuitsInputGradient(Im2ColGeometry g, int outChannels) =>
        InputGradientGeometry(g, outChannels) is { } t && Suits(t) && (t.OutWidth >= MinInputGradientWidth || outChannels < ColumnInputGradientChannels);

    private const int ColumnInputGradientChannels = 32;
    private const int MinInputGradientWidth = 8;

    /// <summary>
    /// inputGradient[N×C×H×W] = ∂C/∂x of the convolution g with weight [O×C×kH×kW], from δ = gradients [N×O×OH×OW]:
    /// the forward kernel run on δ with the flipped, channel-swapped weights (see <see cref="InputGradientGeometry"/>).
    /// </summary>
    /// <remarks>Why: the column route writes and then folds a [C·kH·kW × N·OH·OW] matrix (29 MB for ResNet's 16-channel
    /// layers at batch 64), so it is bound by memory traffic; this route touches each image's planes only. With
    /// <paramref name="adding"/>, inputGradient += ∂C/∂x (onto a residual block's other share).</remarks>
    public static void InputGradient(ReadOnlySpan<float> gradients, int batch, Im2ColGeometry g, ReadOnlySpan<float> weight, int outChannels,
        Span<float> inputGradient, bool adding = false)
    {
        var t = InputGradientGeometry(g, outChannels) is { } tg && Suits(tg)
            ? tg : throw new ArgumentException($"DirectConv2d.InputGradient does not handle this geometry ({g}); check SuitsInputGradient first.");
        if (weight.Length < outChannels * g.Rows)
            throw new ArgumentException($"DirectConv2d.InputGradient needs {outChannels * g.Rows} weights, got {weight.Length}.");
        int c = g.Channels, kh = g.KernelH, kw = g.KernelW, taps = kh * kw;
        var flipped = Scratch.Ensure(ref _flipped, c * outChannels * taps);
        for (int o = 0; o < outChannels; o++)
            for (int ci = 0; ci < c; ci++)
                for (int k = 0; k < taps; k++)
                    flipped[(ci * outChannels + o) * taps + taps - 1 - k] = weight[(o * c + ci) * taps + k];
        Forward(gradients, batch, t, flipped, c, default, inputGradient, adding);
    }

    // Per-thread zero-bordered copy of one image, and the caller's rearranged weights and bias, reused between calls so a
    // steady-state pass allocates no arrays (a ResNet-8 step allocated 0.2 MB of them before).
    [ThreadStatic] private static float[]? _padded, _staged, _transposed, _bias, _flipped, _block;
    // The layout whose zeros _padded holds (null while a deal is under way): the next image of that layout skips them.
    // (The geometry and the planes' row length: one geometry has two layouts, with and without shared borders.)
    [ThreadStatic] private static (Im2ColGeometry G, int Width)? _paddedHolds;
    [ThreadStatic] private static int[]? _offsets;

    /// <summary>output[N×O×OH×OW] = conv(images[N×C×H×W], weight[O×C×kH×kW]) + bias[O] (no bias when empty); with
    /// <paramref name="adding"/>, output += that instead.</summary>
    public static void Forward(ReadOnlySpan<float> images, int batch, Im2ColGeometry g, ReadOnlySpan<float> weight, int outChannels,
        ReadOnlySpan<float> bias, Span<float> output, bool adding = false)
    {
        if (!Suits(g)) throw new ArgumentException($"DirectConv2d does not handle this geometry ({g}); check Suits first.");
        long needOut = (long)batch * outChannels * g.OutPixels;
        if (images.Length < (long)batch * g.ImageLength || weight.Length < outChannels * g.Rows || output.Length < needOut
            || (bias.Length != 0 && bias.Length < outChannels))
            throw new ArgumentException(
                $"DirectConv2d of {batch}×[{g.Channels}×{g.Height}×{g.Width}] → {outChannels} channels needs {(long)batch * g.ImageLength} image, " +
                $"{outChannels * g.Rows} weight and {needOut} output floats; got {images.Length}, {weight.Length} and {output.Length}.");
        // Weights transposed to [tap][o] so one tap's weights for a group of channels are adjacent, and padded with
        // zero channels to a whole number of groups (LeNet's six channels run as eight; the extra two are never stored).
        // At 512 bits a group is eight channels (with four or fewer, half the tile would be padding: those stay at 256).
        int group = SimdWidth.Current == SimdPath.Vector512 && outChannels > Group ? WideGroup : Group;
        int taps = g.Rows, ldw = (outChannels + group - 1) / group * group;
        var wt = Scratch.Ensure(ref _transposed, taps * ldw);
        Array.Clear(wt, 0, taps * ldw);
        for (int o = 0; o < outChannels; o++)
            for (int t = 0; t < taps; t++) wt[t * ldw + o] = weight[o * taps + t];
        var b = Scratch.Ensure(ref _bias, ldw);
        Array.Clear(b, 0, ldw);
        if (bias.Length != 0) bias[..outChannels].CopyTo(b);
        var layout = new FlatPlanes(g, SharedBorders);
        var offsets = Scratch.Ensure(ref _offsets, taps);
        layout.WriteOffsets(offsets);
        unsafe
        {
            fixed (float* px = images) fixed (float* py = output) fixed (float* pw = wt) fixed (float* pb = b) fixed (int* po = offsets)
            {
                long work = (long)batch * outChannels * g.OutPixels * taps;
                // One image per work item, handed out as threads ask: a thread that wakes late takes fewer images
                // instead of leaving the caller to wait for a fixed half (a fixed split cost 0.4–0.6 ms per layer in a step).
                KernelLoop.For(batch, work, (X: (nint)px, Layout: layout, Offsets: (nint)po, W: (nint)pw, B: (nint)pb, Out: outChannels, Ldw: ldw, Y: (nint)py, Adding: adding),
                    static (j, n) => Image((float*)j.X + (long)n * j.Layout.G.ImageLength, j.Layout, (int*)j.Offsets, (float*)j.W, (float*)j.B,
                        j.Out, j.Ldw, (float*)j.Y + (long)n * j.Out * j.Layout.G.OutPixels, j.Adding));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Image(float* x, in FlatPlanes layout, int* offsets, float* wt, float* bias, int outChannels, int ldw, float* y, bool adding)
    {
        var g = layout.G;
        // Decided again here rather than passed down: whatever the width now, a tile of eight channels fits only weights
        // padded to eight, and the staging below is sized for the block chosen here, so the two always agree.
        bool wide = SimdWidth.Current == SimdPath.Vector512 && outChannels > Group && ldw % WideGroup == 0;
        int block = wide ? WideBlock : Block, group = wide ? WideGroup : Group;
        // A last group of five or six channels runs as six × 64 positions (Block6x64) instead of eight × 48 with two or
        // three channels of padding (LeNet's six-channel outputs: a quarter fewer multiply-adds); the staging rows and
        // the planes' tail then fit the longer of the two blocks.
        int sixFrom = wide && outChannels % WideGroup is 5 or 6 ? outChannels - outChannels % WideGroup : outChannels;
        int oh = g.OutHeight, ow = g.OutWidth, p = oh * ow, pw = layout.Width;
        int last = layout.Positions, span = (last + block - 1) / block * block, tail = block;
        if (sixFrom < outChannels) (span, tail) = (Math.Max(span, (last + SixBlock - 1) / SixBlock * SixBlock), SixBlock);
        // The 512-bit tiles hand each block to its rows at once (BlockCopies): no staging plane for them.
        bool blocks = BlockCopies && wide && sixFrom == outChannels;
        int need = g.Channels * layout.ChannelLength + tail, stage = blocks ? 0 : ldw * span;
        fixed (float* pp = Scratch.Ensure(ref _padded, need)) fixed (float* ps = Scratch.Ensure(ref _staged, stage))
        {
            bool zeros = _paddedHolds == (g, layout.Width);
            _paddedHolds = null;
            layout.Fill(x, pp, bordersZero: zeros);
            _paddedHolds = (g, layout.Width);
            // The last block reads up to a block past the last plane (into positions that are dropped): keep it finite.
            new Span<float>(pp + g.Channels * layout.ChannelLength, tail).Clear();
            if (blocks)
            {
                var lanes = !CompressesBlocks ? null : BlockLanes.For(last, pw, ow);
                fixed (float* pk = Scratch.Ensure(ref _block, WideGroup * WideBlock))
                    for (int o0 = 0; o0 < outChannels; o0 += group)
                        for (int q = 0, k = 0; q < last; q += block, k++)
                        {
                            Block8xUpTo48(last - q, pp + q, offsets, g.Rows, wt + o0, ldw, bias + o0, pk, WideBlock);
                            int channels = Math.Min(group, outChannels - o0);
                            if (lanes is not null && lanes.Compresses(k)) lanes.Compress(k, pk, channels, y + (long)o0 * p, p, adding);
                            else CopyBlock(pk, q, Math.Min(block, last - q), channels, pw, ow, y + (long)o0 * p, p, adding);
                        }
                return;
            }
            for (int o0 = 0; o0 < outChannels; o0 += group)
                if (o0 >= sixFrom)
                    for (int q = 0; q < last; q += SixBlock) Block6x64(pp + q, offsets, g.Rows, wt + o0, ldw, bias + o0, ps + (long)o0 * span + q, span);
                else
                    for (int q = 0; q < last; q += block)
                        if (wide) Block8xUpTo48(last - q, pp + q, offsets, g.Rows, wt + o0, ldw, bias + o0, ps + (long)o0 * span + q, span);
                        else Block4x24(pp + q, offsets, g.Rows, wt + o0, ldw, bias + o0, ps + (long)o0 * span + q, span);
            for (int o = 0; o < outChannels; o++)
                for (int r = 0; r < oh; r++)
                    if (adding) ShortRows.Add(ps + (long)o * span + r * pw, y + (long)o * p + r * ow, ow);
                    else ShortRows.Copy(ps + (long)o * span + r * pw, y + (long)o * p + r * ow, ow);
        }
    }

    /// <summary>Moves one staged block (<paramref name="channels"/> rows of <see cref="WideBlock"/> floats, positions
    /// <paramref name="q"/> … q + <paramref name="count"/> − 1 of planes <paramref name="width"/> wide) into the output planes
    /// [channels × p], dropping the positions past each row's <paramref name="outWidth"/>; with <paramref name="adding"/>,
    /// onto them.</summary>
    private static unsafe void CopyBlock(float* staged, int q, int count, int channels, int width, int outWidth, float* y, int p, bool adding)
    {
        for (int pos = q, end = q + count; pos < end;)
        {
            int r = pos / width, x = pos - r * width;
            if (x >= outWidth) { pos = (r + 1) * width; continue; }
            int run = Math.Min(outWidth - x, end - pos);
            float* from = staged + (pos - q), to = y + r * outWidth + x;
            for (int c = 0; c < channels; c++, from += WideBlock, to += p)
                if (adding) ShortRows.Add(from, to, run);
                else ShortRows.Copy(from, to, run);
            pos += run;
        }
    }

    /// <summary>Four output channels × 24 consecutive positions: twelve accumulators; per tap three loads of the plane and
    /// four broadcast weights feed twelve FMAs (the 8×8 block this replaced loaded nine times per eight FMAs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Block4x24(float* src, int* offsets, int taps, float* wt, int ldw, float* bias, float* dst, int ldd)
    {
        var a00 = Vector256.Create(bias[0]); var a01 = a00; var a02 = a00;
        var a10 = Vector256.Create(bias[1]); var a11 = a10; var a12 = a10;
        var a20 = Vector256.Create(bias[2]); var a21 = a20; var a22 = a20;
        var a30 = Vector256.Create(bias[3]); var a31 = a30; var a32 = a30;
        float* w = wt;
        for (int t = 0; t < taps; t++, w += ldw)
        {
            float* row = src + offsets[t];
            var x0 = Avx.LoadVector256(row); var x1 = Avx.LoadVector256(row + Lanes); var x2 = Avx.LoadVector256(row + 2 * Lanes);
            var b = Vector256.Create(w[0]);
            a00 = Fma.MultiplyAdd(b, x0, a00); a01 = Fma.MultiplyAdd(b, x1, a01); a02 = Fma.MultiplyAdd(b, x2, a02);
            b = Vector256.Create(w[1]);
            a10 = Fma.MultiplyAdd(b, x0, a10); a11 = Fma.MultiplyAdd(b, x1, a11); a12 = Fma.MultiplyAdd(b, x2, a12);
            b = Vector256.Create(w[2]);
            a20 = Fma.MultiplyAdd(b, x0, a20); a21 = Fma.MultiplyAdd(b, x1, a21); a22 = Fma.MultiplyAdd(b, x2, a22);
            b = Vector256.Create(w[3]);
            a30 = Fma.MultiplyAdd(b, x0, a30); a31 = Fma.MultiplyAdd(b, x1, a31); a32 = Fma.MultiplyAdd(b, x2, a32);
        }
        Avx.Store(dst, a00); Avx.Store(dst + Lanes, a01); Avx.Store(dst + 2 * Lanes, a02);
        dst += ldd; Avx.Store(dst, a10); Avx.Store(dst + Lanes, a11); Avx.Store(dst + 2 * Lanes, a12);
        dst += ldd; Avx.Store(dst, a20); Avx.Store(dst + Lanes, a21); Avx.Store(dst + 2 * Lanes, a22);
        dst += ldd; Avx.Store(dst, a30); Avx.Store(dst + Lanes, a31); Avx.Store(dst + 2 * Lanes, a32);
    }

    /// <summary>The 512-bit tile: eight output channels × 48 consecutive positions, 24 accumulators of the 32 zmm
    /// registers; per tap three loads of the plane and eight broadcast weights feed 24 FMAs. Each output is the same
    /// fused chain (bias, then the taps in order) as in <see cref="Block4x24"/>, so the bits are the same.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Block8x48(float* src, int* offsets, int taps, float* wt, int ldw, float* bias, float* dst, int ldd)
    {
        var a00 = Vector512.Create(bias[0]); var a01 = a00; var a02 = a00;
        var a10 = Vector512.Create(bias[1]); var a11 = a10; var a12 = a10;
        var a20 = Vector512.Create(bias[2]); var a21 = a20; var a22 = a20;
        var a30 = Vector512.Create(bias[3]); var a31 = a30; var a32 = a30;
        var a40 = Vector512.Create(bias[4]); var a41 = a40; var a42 = a40;
        var a50 = Vector512.Create(bias[5]); var a51 = a50; var a52 = a50;
        var a60 = Vector512.Create(bias[6]); var a61 = a60; var a62 = a60;
        var a70 = Vector512.Create(bias[7]); var a71 = a70; var a72 = a70;
        float* w = wt;
        for (int t = 0; t < taps; t++, w += ldw)
        {
            float* row = src + offsets[t];
            var x0 = Vector512.Load(row); var x1 = Vector512.Load(row + WideLanes); var x2 = Vector512.Load(row + 2 * WideLanes);
            var b = Vector512.Create(w[0]);
            a00 = Vector512.FusedMultiplyAdd(b, x0, a00); a01 = Vector512.FusedMultiplyAdd(b, x1, a01); a02 = Vector512.FusedMultiplyAdd(b, x2, a02);
            b = Vector512.Create(w[1]);
            a10 = Vector512.FusedMultiplyAdd(b, x0, a10); a11 = Vector512.FusedMultiplyAdd(b, x1, a11); a12 = Vector512.FusedMultiplyAdd(b, x2, a12);
            b = Vector512.Create(w[2]);
            a20 = Vector512.FusedMultiplyAdd(b, x0, a20); a21 = Vector512.FusedMultiplyAdd(b, x1, a21); a22 = Vector512.FusedMultiplyAdd(b, x2, a22);
            b = Vector512.Create(w[3]);
            a30 = Vector512.FusedMultiplyAdd(b, x0, a30); a31 = Vector512.FusedMultiplyAdd(b, x1, a31); a32 = Vector512.FusedMultiplyAdd(b, x2, a32);
            b = Vector512.Create(w[4]);
            a40 = Vector512.FusedMultiplyAdd(b, x0, a40); a41 = Vector512.FusedMultiplyAdd(b, x1, a41); a42 = Vector512.FusedMultiplyAdd(b, x2, a42);
            b = Vector512.Create(w[5]);
            a50 = Vector512.FusedMultiplyAdd(b, x0, a50); a51 = Vector512.FusedMultiplyAdd(b, x1, a51); a52 = Vector512.FusedMultiplyAdd(b, x2, a52);
            b = Vector512.Create(w[6]);
            a60 = Vector512.FusedMultiplyAdd(b, x0, a60); a61 = Vector512.FusedMultiplyAdd(b, x1, a61); a62 = Vector512.FusedMultiplyAdd(b, x2, a62);
            b = Vector512.Create(w[7]);
            a70 = Vector512.FusedMultiplyAdd(b, x0, a70); a71 = Vector512.FusedMultiplyAdd(b, x1, a71); a72 = Vector512.FusedMultiplyAdd(b, x2, a72);
        }
        Vector512.Store(a00, dst); Vector512.Store(a01, dst + WideLanes); Vector512.Store(a02, dst + 2 * WideLanes);
        dst += ldd; Vector512.Store(a10, dst); Vector512.Store(a11, dst + WideLanes); Vector512.Store(a12, dst + 2 * WideLanes);
        dst += ldd; Vector512.Store(a20, dst); Vector512.Store(a21, dst + WideLanes); Vector512.Store(a22, dst + 2 * WideLanes);
        dst += ldd; Vector512.Store(a30, dst); Vector512.Store(a31, dst + WideLanes); Vector512.Store(a32, dst + 2 * WideLanes);
        dst += ldd; Vector512.Store(a40, dst); Vector512.Store(a41, dst + WideLanes); Vector512.Store(a42, dst + 2 * WideLanes);
        dst += ldd; Vector512.Store(a50, dst); Vector512.Store(a51, dst + WideLanes); Vector512.Store(a52, dst + 2 * WideLanes);
        dst += ldd; Vector512.Store(a60, dst); Vector512.Store(a61, dst + WideLanes); Vector512.Store(a62, dst + 2 * WideLanes);
        dst += ldd; Vector512.Store(a70, dst); Vector512.Store(a71, dst + WideLanes); Vector512.Store(a72, dst + 2 * WideLanes);
    }
}
