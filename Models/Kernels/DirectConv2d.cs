using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// Convolution computed straight from the image, without the im2col column matrix, for layers with few input taps
/// (LeNet's layers: 1 channel 5×5 and 6 channels 5×5; a ResNet stem: 1 channel, 3×3). y[n,o] = Σ w[o,c,i,j]·x[n,c,·+i,·+j] + b[o].
/// </summary>
/// <remarks>
/// Why: with one input channel im2col writes kH·kW floats per output pixel and the product then reads them all back,
/// so the layer is bound by memory traffic, not arithmetic. Here each image is first copied into a zero-bordered plane
/// (so the inner loop has no edge tests), and then eight adjacent output pixels of up to eight output channels live in
/// eight AVX registers while the taps stream past: one unaligned load of the image row and one broadcast weight per
/// channel and tap. The bias starts the sums. Stride 1 and dilation 1 only (see <see cref="Suits"/>).
/// Images are shared out between threads; each writes only its own output planes, so the bits do not depend on the
/// thread count. The plain twin is <see cref="DirectConv2dReference"/>.
/// </remarks>
public static class DirectConv2d
{
    private const int Lanes = 8, Group = 8;

    /// <summary>True where this kernel beats im2col + product: stride and dilation 1, at most 320 taps per output (C·kH·kW),
    /// an output at least one vector wide. Measured at batch 256 (<c>race-cnn lenet-layers</c>): LeNet's first layer
    /// (25 taps) and second (6×5×5 = 150 taps on 14×14, 3.40 → 1.37 ms, although its 10-pixel rows fill 10 of 16 lanes);
    /// at batch 64 (<c>race-cnn layers</c>) ResNet's 32→32 3×3 on 14×14 (288 taps, 3.02 → 1.86 ms). Not 64→64 3×3 on
    /// 7×7 (576 taps, 7-pixel rows: 2.01 → 2.31 ms).</summary>
    public static bool Suits(Im2ColGeometry g) =>
        Avx2.IsSupported && Fma.IsSupported && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1
        && g.Rows <= 320 && g.OutWidth >= Lanes;

    /// <summary>
    /// The geometry of a stride-1 convolution's input gradient read as a convolution of its own: ∂C/∂x = conv(δ, w′) with
    /// w′[c,o,i,j] = w[o,c,kH−1−i,kW−1−j] (channels swapped, taps flipped) and padding k − 1 − p, which gives back the
    /// input's size. Null where that reading does not hold (stride or dilation above 1, or padding above k − 1).
    /// </summary>
    public static Im2ColGeometry? InputGradientGeometry(Im2ColGeometry g, int outChannels) =>
        g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1 && g.PadH < g.KernelH && g.PadW < g.KernelW
            ? new Im2ColGeometry(outChannels, g.OutHeight, g.OutWidth, g.KernelH, g.KernelW, 1, 1, g.KernelH - 1 - g.PadH, g.KernelW - 1 - g.PadW)
            : null;

    /// <summary>True where <see cref="InputGradient"/> applies and beats col2im of wᵀδ.</summary>
    public static bool SuitsInputGradient(Im2ColGeometry g, int outChannels) => InputGradientGeometry(g, outChannels) is { } t && Suits(t);

    /// <summary>
    /// inputGradient[N×C×H×W] = ∂C/∂x of the convolution g with weight [O×C×kH×kW], from δ = gradients [N×O×OH×OW]:
    /// the forward kernel run on δ with the flipped, channel-swapped weights (see <see cref="InputGradientGeometry"/>).
    /// </summary>
    /// <remarks>Why: the column route writes and then folds a [C·kH·kW × N·OH·OW] matrix (29 MB for ResNet's 16-channel
    /// layers at batch 64), so it is bound by memory traffic; this route touches each image's planes only.</remarks>
    public static void InputGradient(ReadOnlySpan<float> gradients, int batch, Im2ColGeometry g, ReadOnlySpan<float> weight, int outChannels,
        Span<float> inputGradient)
    {
        var t = InputGradientGeometry(g, outChannels) is { } tg && Suits(tg)
            ? tg : throw new ArgumentException($"DirectConv2d.InputGradient does not handle this geometry ({g}); check SuitsInputGradient first.");
        if (weight.Length < outChannels * g.Rows)
            throw new ArgumentException($"DirectConv2d.InputGradient needs {outChannels * g.Rows} weights, got {weight.Length}.");
        int c = g.Channels, kh = g.KernelH, kw = g.KernelW, taps = kh * kw;
        var flipped = Scratch(ref _flipped, c * outChannels * taps);
        for (int o = 0; o < outChannels; o++)
            for (int ci = 0; ci < c; ci++)
                for (int k = 0; k < taps; k++)
                    flipped[(ci * outChannels + o) * taps + taps - 1 - k] = weight[(o * c + ci) * taps + k];
        Forward(gradients, batch, t, flipped, c, default, inputGradient);
    }

    // Per-thread zero-bordered copy of one image, and the caller's rearranged weights and bias, reused between calls so a
    // steady-state pass allocates no arrays (a ResNet-8 step allocated 0.2 MB of them before).
    [ThreadStatic] private static float[]? _padded, _transposed, _bias, _flipped;

    private static float[] Scratch(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new float[length];
        return buffer;
    }

    /// <summary>output[N×O×OH×OW] = conv(images[N×C×H×W], weight[O×C×kH×kW]) + bias[O] (no bias when empty).</summary>
    public static void Forward(ReadOnlySpan<float> images, int batch, Im2ColGeometry g, ReadOnlySpan<float> weight, int outChannels,
        ReadOnlySpan<float> bias, Span<float> output)
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
        int taps = g.Rows, ldw = (outChannels + Group - 1) / Group * Group;
        var wt = Scratch(ref _transposed, taps * ldw);
        Array.Clear(wt, 0, taps * ldw);
        for (int o = 0; o < outChannels; o++)
            for (int t = 0; t < taps; t++) wt[t * ldw + o] = weight[o * taps + t];
        var b = Scratch(ref _bias, ldw);
        Array.Clear(b, 0, ldw);
        if (bias.Length != 0) bias[..outChannels].CopyTo(b);
        unsafe
        {
            fixed (float* px = images) fixed (float* py = output) fixed (float* pw = wt) fixed (float* pb = b)
            {
                nint ix = (nint)px, iy = (nint)py, iw = (nint)pw, ib = (nint)pb;
                long work = (long)batch * outChannels * g.OutPixels * taps;
                int threads = work < (1 << 18) ? 1 : Math.Min(Environment.ProcessorCount, batch);
                void Share(int t)
                {
                    int n0 = (int)((long)batch * t / threads), n1 = (int)((long)batch * (t + 1) / threads);
                    for (int n = n0; n < n1; n++)
                        Image((float*)ix + (long)n * g.ImageLength, g, (float*)iw, (float*)ib, outChannels, ldw,
                            (float*)iy + (long)n * outChannels * g.OutPixels);
                }
                if (threads == 1) Share(0);
                else Parallel.For(0, threads, Share);
            }
        }
    }

    private static unsafe void Image(float* x, Im2ColGeometry g, float* wt, float* bias, int outChannels, int ldw, float* y)
    {
        int oh = g.OutHeight, ow = g.OutWidth, p = oh * ow;
        var (ph, pw) = PaddedImage.PlaneSize(g, Lanes);
        int plane = ph * pw, need = g.Channels * plane;
        if (_padded is null || _padded.Length < need) _padded = new float[need];
        fixed (float* pp = _padded)
        {
            PaddedImage.Fill(x, g, pp, ph, pw);
            float* tail = stackalloc float[Lanes * Group];
            for (int o0 = 0; o0 < outChannels; o0 += Group)
            {
                int group = Math.Min(Group, outChannels - o0);
                for (int r = 0; r < oh; r++)
                    for (int x0 = 0; x0 < ow; x0 += Lanes)
                    {
                        bool full = x0 + Lanes <= ow;
                        Block8(pp + r * pw + x0, g, pw, plane, wt + o0, ldw, bias + o0, group,
                            full ? y + (long)o0 * p + r * ow + x0 : tail, full ? p : Lanes);
                        if (!full)
                            for (int o = 0; o < group; o++)
                                new ReadOnlySpan<float>(tail + o * Lanes, ow - x0).CopyTo(new Span<float>(y + (long)(o0 + o) * p + r * ow + x0, ow - x0));
                    }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Block8(float* src, Im2ColGeometry g, int pw, int plane, float* wt, int ldw, float* bias, int rows, float* dst, int ldd)
    {
        var a0 = Vector256.Create(bias[0]); var a1 = Vector256.Create(bias[1]); var a2 = Vector256.Create(bias[2]); var a3 = Vector256.Create(bias[3]);
        var a4 = Vector256.Create(bias[4]); var a5 = Vector256.Create(bias[5]); var a6 = Vector256.Create(bias[6]); var a7 = Vector256.Create(bias[7]);
        float* w = wt;
        for (int c = 0; c < g.Channels; c++)
            for (int i = 0; i < g.KernelH; i++)
            {
                float* row = src + c * plane + i * pw;
                for (int j = 0; j < g.KernelW; j++, w += ldw)
                {
                    var v = Avx.LoadVector256(row + j);
                    a0 = Fma.MultiplyAdd(Vector256.Create(w[0]), v, a0); a1 = Fma.MultiplyAdd(Vector256.Create(w[1]), v, a1);
                    a2 = Fma.MultiplyAdd(Vector256.Create(w[2]), v, a2); a3 = Fma.MultiplyAdd(Vector256.Create(w[3]), v, a3);
                    a4 = Fma.MultiplyAdd(Vector256.Create(w[4]), v, a4); a5 = Fma.MultiplyAdd(Vector256.Create(w[5]), v, a5);
                    a6 = Fma.MultiplyAdd(Vector256.Create(w[6]), v, a6); a7 = Fma.MultiplyAdd(Vector256.Create(w[7]), v, a7);
                }
            }
        // Only the group's real channels are stored (the padding channels computed zeros nobody wants).
        Avx.Store(dst, a0);
        if (rows > 1) Avx.Store(dst + ldd, a1);
        if (rows > 2) Avx.Store(dst + 2 * ldd, a2);
        if (rows > 3) Avx.Store(dst + 3 * ldd, a3);
        if (rows > 4) Avx.Store(dst + 4 * ldd, a4);
        if (rows > 5) Avx.Store(dst + 5 * ldd, a5);
        if (rows > 6) Avx.Store(dst + 6 * ldd, a6);
        if (rows > 7) Avx.Store(dst + 7 * ldd, a7);
    }
}
