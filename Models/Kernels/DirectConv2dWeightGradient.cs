using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// ∂C/∂w of a convolution computed straight from the images and δ, without the im2col column matrix:
/// ∂C/∂w[o,c,i,j] = Σ_n Σ_y,x δ[n,o,y,x]·x[n,c,y·s+i·d−p,x·s+j·d−p].
/// </summary>
/// <remarks>
/// Why: through columns this is a product whose inner dimension is N·OH·OW (50 176 for ResNet's 28×28 layers at batch 64)
/// over a column matrix of 29 MB that one pass writes and the next reads back; the layer is then bound by memory traffic.
/// Here each image is dealt into the layout of the forward kernel (<see cref="FlatPlanes"/>: tap t of output position q
/// is at q + offset[t]) and δ is copied into the same positions, zero where a position is dropped, so every tap's sum is
/// one long dot product over q. A tile of four output channels by three taps keeps twelve vector accumulators (eight
/// positions each) in registers while the positions stream past: per eight positions, three loads of the planes, four
/// of δ, twelve FMAs. The lanes are summed once at the end. Images are cut into a fixed number of slices, each reduced
/// into its own partial sums, and the partials are added in slice order, so the bits do not depend on the thread count.
/// The plain twin is <see cref="DirectConv2dReference.WeightGradient"/>.
/// </remarks>
public static partial class DirectConv2dWeightGradient
{
    private const int Lanes = 8, Block = 4, Taps = 3, Slices = 8;
    // The 512-bit tile (TileWide): eight channels, as four pairs whose two 8-lane sums share one zmm register.
    private const int WideBlock = 8;

    /// <summary>True where this kernel pays (it is correct for any geometry, and tested so): AVX2 + FMA, a kernel larger
    /// than 1×1, output rows at least one vector wide, and stride 1 or a strided layer of 64 to 384 taps. Measured in a
    /// ResNet-8 step (<c>race-cnn profile</c>), against unfolding + GEMM: better on the 16→16 and 32→32 3×3 layers
    /// (backward 3.25 → 3.0 ms); worse on 7-pixel rows (each tile runs only a few vector steps between its twelve
    /// read-add-writes: 4.0 against 5.5 ms) and on the 1×1 projection.</summary>
    /// <remarks>Strided layers (<c>race conv-layer</c>, batch 64 unless named, 2 threads, ms per call after the forward
    /// pass, once <see cref="FlatPlanes"/> dealt phases eight floats at a time): ResNet's 16→32 3×3 stride 2 (144 taps)
    /// 0.57–0.71 against 0.97–1.18 through columns; DCGAN's 1→64 4×4 stride 2 (16 taps) 0.24 against 0.21; pix2pix's
    /// 32→64 (512 taps, batch 16) 1.33 against 0.87 on the implicit GEMM, which takes strided layers from
    /// <see cref="Convolution.ColumnFreeTaps"/> taps. Before that deal, the strided layers lost here (3.9 against 4.5 ms a
    /// step). pix2pix's discriminator opens with a 48-tap layer (3→32, 4×4 stride 2, on 64×64) that would gain too (0.22
    /// against 0.41 ms a call, about 0.4 ms of an 80 ms step), but its sums in this order put every documented
    /// colorization run on another trajectory: the long tier's rerun of <c>colorize p2p-64-d4</c> left its band on the
    /// chroma's departure from L1 alone (0.0126 against 0.0107 ± 0.0016, docs/EXPERIMENTS.md). So strided layers start
    /// at 64 taps, which keeps the documented GAN and pix2pix runs' bits.</remarks>
    public static bool Suits(Im2ColGeometry g) =>
        SimdWidth.Current != SimdPath.Scalar && Avx2.IsSupported && Fma.IsSupported && g.KernelH * g.KernelW > 1 && g.OutWidth >= Lanes
        && (g.StrideH == 1 && g.StrideW == 1 || TakesStrided && g.Rows is >= MinStridedTaps and <= MaxStridedTaps);

    private const int MinStridedTaps = 64, MaxStridedTaps = 384;

    /// <summary>Set to false to leave strided layers' ∂C/∂w to the column routes, as before (A/B timing: <c>race-cnn resnet
    /// --ab strided</c>). The sums run in another order there, so the bits differ.</summary>
    public static bool TakesStrided { get; set; } = true;

    /// <summary>Floats of the workspace <see cref="Accumulate"/> needs: one set of lane-wise partial sums per slice.</summary>
    public static int WorkspaceLength(Im2ColGeometry g, int outChannels, int batch) =>
        Math.Min(Slices, Math.Max(batch, 1)) * SliceLength(g, outChannels);

    // Channels padded to whole 512-bit tiles (eight) whatever the width, so a workspace sized once fits every width; taps
    // padded to whole groups of three and of four (the six-channel tile's), so every tile's last group fits.
    private static int SliceLength(Im2ColGeometry g, int outChannels) => RoundUp(outChannels, WideBlock) * TapStride(g.Rows) * Lanes;

    private static int TapStride(int rows) => RoundUp(rows, Taps * SixTaps);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    // Per-thread copies of one image and of its δ in the flat layout, reused so a steady-state pass allocates no arrays.
    [ThreadStatic] private static float[]? _planes, _delta, _pairs;
    [ThreadStatic] private static int[]? _offsets;

    /// <summary>weightGradient[O×C×kH×kW] += ∂C/∂w from images [N×C×H×W] and gradients δ [N×O×OH×OW].</summary>
    public static void Accumulate(ReadOnlySpan<float> images, ReadOnlySpan<float> gradients, int batch, Im2ColGeometry g, int outChannels,
        Span<float> weightGradient, Span<float> workspace)
    {
        if (!Avx2.IsSupported || !Fma.IsSupported) throw new PlatformNotSupportedException("DirectConv2dWeightGradient needs AVX2 and FMA; check Suits first.");
        long needX = (long)batch * g.ImageLength, needDy = (long)batch * outChannels * g.OutPixels;
        int slices = Math.Min(Slices, batch), sliceLength = SliceLength(g, outChannels);
        if (images.Length < needX || gradients.Length < needDy || weightGradient.Length < outChannels * g.Rows
            || workspace.Length < slices * sliceLength)
            throw new ArgumentException(
                $"DirectConv2dWeightGradient of {batch}×[{g.Channels}×{g.Height}×{g.Width}] → {outChannels} channels needs {needX} image, " +
                $"{needDy} gradient, {outChannels * g.Rows} weight-gradient and {slices * sliceLength} workspace floats; " +
                $"got {images.Length}, {gradients.Length}, {weightGradient.Length} and {workspace.Length}.");
        if (batch == 0) return;
        var layout = new FlatPlanes(g);
        // Tap offsets in the flat layout, padded to whole tiles with a harmless offset (its sums are dropped).
        int rows = g.Rows, taps = TapStride(rows);
        var offsets = Scratch.Ensure(ref _offsets, taps);
        layout.WriteOffsets(offsets);
        for (int t = rows; t < taps; t++) offsets[t] = 0;
        unsafe
        {
            fixed (float* px = images) fixed (float* pd = gradients) fixed (float* pw = workspace) fixed (int* po = offsets)
            {
                long work = (long)batch * outChannels * g.OutPixels * rows;
                // Slices are handed out as threads ask (a thread that wakes late takes fewer); each has its own partial sums.
                KernelLoop.For(slices, work, (X: (nint)px, D: (nint)pd, Batch: batch, Slices: slices, Layout: layout, Offsets: (nint)po, Taps: taps,
                        Out: outChannels, W: (nint)pw, Length: sliceLength),
                    static (j, s) => Slice((float*)j.X, (float*)j.D, j.Batch * s / j.Slices, j.Batch * (s + 1) / j.Slices, j.Layout, (int*)j.Offsets,
                        j.Taps, j.Out, (float*)j.W + (long)s * j.Length));
            }
        }
        // Slices into the first, in order, eight lanes at a time; then the lanes of each weight.
        var total = workspace[..sliceLength];
        for (int s = 1; s < slices; s++) TensorPrimitives.Add(total, workspace.Slice(s * sliceLength, sliceLength), total);
        for (int o = 0; o < outChannels; o++)
            for (int r = 0; r < rows; r++)
            {
                var lanes = total.Slice((o * taps + r) * Lanes, Lanes);
                float sum = 0;
                for (int l = 0; l < Lanes; l++) sum += lanes[l];
                weightGradient[o * rows + r] += sum;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Slice(float* images, float* gradients, int n0, int n1, in FlatPlanes layout, int* offsets, int taps,
        int outChannels, float* partial)
    {
        var g = layout.G;
        // At 512 bits with more than four channels (with four or fewer, half of each eight-channel tile would be padding).
        bool wide = SimdWidth.Current == SimdPath.Vector512 && outChannels > Block;
        new Span<float>(partial, RoundUp(outChannels, WideBlock) * taps * Lanes).Clear();
        int oh = g.OutHeight, ow = g.OutWidth, p = oh * ow, width = layout.Width;
        int vectors = (layout.Positions + Lanes - 1) / Lanes, planeDelta = vectors * Lanes;
        int blocks = RoundUp(outChannels, wide ? WideBlock : Block), planes = g.Channels * layout.ChannelLength + planeDelta;
        int strideO = taps * Lanes, taps3 = RoundUp(g.Rows, Taps), taps4 = RoundUp(g.Rows, SixTaps);
        // A last group of five or six channels runs as six channels × four taps (TileSix) instead of eight × three with
        // two or three channels of padding.
        int sixFrom = wide && outChannels % WideBlock is 5 or 6 ? outChannels - outChannels % WideBlock : outChannels;
        fixed (float* xp = Scratch.Ensure(ref _planes, planes)) fixed (float* dp = wide ? null : Scratch.Ensure(ref _delta, blocks * planeDelta))
        fixed (float* ip = wide ? Scratch.Ensure(ref _pairs, blocks * planeDelta) : null)
        {
            // δ at the flat positions, zero at the dropped ones and in the padding channels: those add nothing to the sums.
            // Only the kept positions are written per image, so the zeros written here hold for the whole slice; likewise
            // the planes' zero borders after the first image's deal. The planes' tail past the last channel is read by
            // the last vectors of the far taps: keep it finite.
            new Span<float>(wide ? ip : dp, blocks * planeDelta).Clear();
            new Span<float>(xp + g.Channels * layout.ChannelLength, planeDelta).Clear();
            for (int n = n0; n < n1; n++)
            {
                layout.Fill(images + (long)n * g.ImageLength, xp, bordersZero: n > n0);
                float* dy = gradients + (long)n * outChannels * p;
                if (wide)
                {
                    for (int o = 0; o < outChannels; o++)
                        for (int y = 0; y < oh; y++) Weave(dy + (long)o * p + y * ow, ip + (o & ~1) * planeDelta + (o & 1) * Lanes, y * width, ow);
                    for (int o0 = 0; o0 < outChannels; o0 += WideBlock)
                        if (o0 >= sixFrom)
                            for (int t = 0; t < taps4; t += SixTaps)
                                TileSix(ip + o0 * planeDelta, 2 * planeDelta, xp + offsets[t], xp + offsets[t + 1], xp + offsets[t + 2], xp + offsets[t + 3],
                                    vectors, partial + (long)o0 * strideO + t * Lanes, strideO);
                        else
                            for (int t = 0; t < taps3; t += Taps)
                                TileWide(ip + o0 * planeDelta, 2 * planeDelta, xp + offsets[t], xp + offsets[t + 1], xp + offsets[t + 2], vectors,
                                    partial + (long)o0 * strideO + t * Lanes, strideO);
                }
                else
                {
                    for (int o = 0; o < outChannels; o++)
                        for (int y = 0; y < oh; y++) ShortRows.Copy(dy + (long)o * p + y * ow, dp + o * planeDelta + y * width, ow);
                    for (int o0 = 0; o0 < outChannels; o0 += Block)
                        for (int t = 0; t < taps3; t += Taps)
                            Tile(dp + o0 * planeDelta, planeDelta, xp + offsets[t], xp + offsets[t + 1], xp + offsets[t + 2], vectors,
                                partial + (long)o0 * strideO + t * Lanes, strideO);
                }
            }
        }
    }

    /// <summary>One row of δ (<paramref name="length"/> floats) to flat positions q0 … q0 + length − 1 of its channel in
    /// the woven layout <see cref="TileWide"/> reads: channels 2P and 2P+1 eight positions at a time ([2P: q..q+7 | 2P+1:
    /// q..q+7], ...), so one 512-bit load holds both channels' eight lanes. <paramref name="channel"/> points at the
    /// channel's first eight lanes (the pair's start, plus eight for the odd channel).</summary>
    private static unsafe void Weave(float* row, float* channel, int q0, int length)
    {
        for (int q = q0, end = q0 + length; q < end;)
        {
            // The run of positions up to the next multiple of eight lies in one eight-lane group.
            int stop = Math.Min(end, (q & ~(Lanes - 1)) + Lanes), run = stop - q;
            float* dst = channel + (q >> 3) * 2 * Lanes + (q & (Lanes - 1));
            if (run == Lanes) Vector256.Store(Vector256.Load(row), dst);
            else for (int k = 0; k < run; k++) dst[k] = row[k];
            row += run;
            q = stop;
        }
    }

    /// <summary>The 512-bit tile: eight output channels × three taps over every position of one image, twelve zmm
    /// accumulators. Each register holds two channels' eight lanes for one tap (a pair of δ planes woven by
    /// <see cref="Weave"/>, times the tap's eight positions broadcast to both halves), so every lane sums exactly
    /// the products it sums in <see cref="Tile"/>, in the same order: the bits are the 256-bit tile's. Per eight
    /// positions: three loads of the planes, four of δ, twelve 512-bit FMAs (the 256-bit tile needs fourteen loads for
    /// the same work).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TileWide(float* pairs, int pairStride, float* t0, float* t1, float* t2, int vectors, float* partial, int strideO)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        float* d = pairs;
        for (int v = 0, q = 0; v < vectors; v++, q += Lanes, d += 2 * Lanes)
        {
            var x0 = WideLoads.Twice(t0 + q); var x1 = WideLoads.Twice(t1 + q);
            var x2 = WideLoads.Twice(t2 + q);
            var d0 = Vector512.Load(d);
            a00 = Vector512.FusedMultiplyAdd(d0, x0, a00); a01 = Vector512.FusedMultiplyAdd(d0, x1, a01); a02 = Vector512.FusedMultiplyAdd(d0, x2, a02);
            var d1 = Vector512.Load(d + pairStride);
            a10 = Vector512.FusedMultiplyAdd(d1, x0, a10); a11 = Vector512.FusedMultiplyAdd(d1, x1, a11); a12 = Vector512.FusedMultiplyAdd(d1, x2, a12);
            var d2 = Vector512.Load(d + 2 * pairStride);
            a20 = Vector512.FusedMultiplyAdd(d2, x0, a20); a21 = Vector512.FusedMultiplyAdd(d2, x1, a21); a22 = Vector512.FusedMultiplyAdd(d2, x2, a22);
            var d3 = Vector512.Load(d + 3 * pairStride);
            a30 = Vector512.FusedMultiplyAdd(d3, x0, a30); a31 = Vector512.FusedMultiplyAdd(d3, x1, a31); a32 = Vector512.FusedMultiplyAdd(d3, x2, a32);
        }
        Add(partial, a00.GetLower(), a01.GetLower(), a02.GetLower());
        Add(partial + strideO, a00.GetUpper(), a01.GetUpper(), a02.GetUpper());
        Add(partial + 2 * strideO, a10.GetLower(), a11.GetLower(), a12.GetLower());
        Add(partial + 3 * strideO, a10.GetUpper(), a11.GetUpper(), a12.GetUpper());
        Add(partial + 4 * strideO, a20.GetLower(), a21.GetLower(), a22.GetLower());
        Add(partial + 5 * strideO, a20.GetUpper(), a21.GetUpper(), a22.GetUpper());
        Add(partial + 6 * strideO, a30.GetLower(), a31.GetLower(), a32.GetLower());
        Add(partial + 7 * strideO, a30.GetUpper(), a31.GetUpper(), a32.GetUpper());
    }

    /// <summary>Four output channels × three taps, over every position of one image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile(float* delta, int planeDelta, float* t0, float* t1, float* t2, int vectors, float* partial, int strideO)
    {
        Vector256<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        float* d = delta;
        for (int v = 0, q = 0; v < vectors; v++, q += Lanes, d += Lanes)
        {
            var x0 = Avx.LoadVector256(t0 + q); var x1 = Avx.LoadVector256(t1 + q); var x2 = Avx.LoadVector256(t2 + q);
            var d0 = Avx.LoadVector256(d);
            a00 = Fma.MultiplyAdd(d0, x0, a00); a01 = Fma.MultiplyAdd(d0, x1, a01); a02 = Fma.MultiplyAdd(d0, x2, a02);
            var d1 = Avx.LoadVector256(d + planeDelta);
            a10 = Fma.MultiplyAdd(d1, x0, a10); a11 = Fma.MultiplyAdd(d1, x1, a11); a12 = Fma.MultiplyAdd(d1, x2, a12);
            var d2 = Avx.LoadVector256(d + 2 * planeDelta);
            a20 = Fma.MultiplyAdd(d2, x0, a20); a21 = Fma.MultiplyAdd(d2, x1, a21); a22 = Fma.MultiplyAdd(d2, x2, a22);
            var d3 = Avx.LoadVector256(d + 3 * planeDelta);
            a30 = Fma.MultiplyAdd(d3, x0, a30); a31 = Fma.MultiplyAdd(d3, x1, a31); a32 = Fma.MultiplyAdd(d3, x2, a32);
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
