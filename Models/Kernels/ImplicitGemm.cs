namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// A convolution's forward product and ∂C/∂w as one GEMM each over the whole batch, with the column matrix never stored:
/// the GEMM packs its B panels straight from a zero-padded copy of the input (<see cref="GatheredB"/>). For layers with
/// more taps than the direct kernels take (DCGAN's 64→128 and pix2pix's wide 4×4 stride-2 layers).
/// </summary>
/// <remarks>
/// <para>Column r = (c, i, j) of an output position (n, y, x) reads padded[n, c, y·s + i·d, x·s + j·d], an offset that is
/// the sum of a tap's part (c, i, j) and a position's part (n, y, x). Two tables hold the parts, so the column matrix is
/// B[r, q] = padded[taps[r] + positions[q]] for the forward product z = w·B, and the same with the tables swapped for
/// ∂C/∂w = δ·Bᵀ. A 4×4 kernel's 16 taps of one channel are four runs of four floats, one panel of the ∂C/∂w product.</para>
/// <para>Why: <see cref="Im2ColChunks"/> wrote each chunk's columns (16 floats per input float for 4×4 stride 2) and the
/// GEMM read them back to pack them; its ∂C/∂w added one partial per chunk. Here the padded copy is 1.3 times the input,
/// each product is one GEMM over the whole batch on the thread team, and ∂C/∂w needs no partials.</para>
/// <para>Bits: the forward product is the GEMM on the stored column matrix, so the bits of the column route; ∂C/∂w sums
/// over the whole batch's positions in one chain per weight (the column route's bits, not the chunks'). Neither depends
/// on the thread count. The plain twins are <see cref="DirectConv2dReference"/>'s definitions.</para>
/// <para>One reuse: a <see cref="WeightGradient"/> on the input of this instance's last <see cref="Forward"/> (a layer's
/// forward pass and then its backward) takes the padded copy that Forward made.</para>
/// </remarks>
internal sealed class ImplicitGemm
{
    /// <summary>Set to false to time the routes this one replaced (<c>race conv-kernels</c>, A/B).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Set to false to keep the forward product on the column routes while ∂C/∂w stays here (A/B timing).</summary>
    public static bool Forwards { get; set; } = true;

    /// <summary>Output planes of fewer pixels than this keep the forward product on the chunks of images
    /// (<see cref="Im2ColChunks"/>) where that route takes the layer: the same bits (each output one multiply-add chain
    /// over the taps in the same order). 0 puts every suitable layer's forward here, as before (A/B timing:
    /// <c>race gan|pix2pix --ab small-planes</c>).</summary>
    /// <remarks>Why: on DCGAN's 7×7 outputs (D's 64→128 layer, and G's 128→64 transposed layer's backward) a 16-column
    /// B panel spans three output rows and two images, so every panel row is two AVX2 gathers. On an AMD EPYC Zen 5
    /// (family 26 model 2) the product ran at 83 GFLOP per CPU-second against 121 for chunks of 8 images (<c>race
    /// conv-kernels --threads 1</c>, 2026-12-01), and a DCGAN step took 7–10 % less CPU time with those forwards on the
    /// chunks (docs/BENCHMARKS.md, branch <c>dcgan</c>). On the Intel Xeon of 2026-11-30 the two were level
    /// (<c>race gan --ab implicit-forward</c>: 0 %); <c>race gan --ab small-planes</c> checks a machine. Only to the chunks:
    /// pix2pix's small planes at batch 16 would go to the whole-batch columns, which measured no better than here.
    /// 128 rather than 64 (branch <c>p2p32</c>): the 8×8 planes too, where a 16-column panel spans two output rows, so its
    /// rows are gathers as well. pix2pix ngf 32's inference has one such layer (the U-Net's 64→128, 16×16 → 8×8, batch 64):
    /// on a Zen 5, one thread, 7.7 against 9.1 CPU-ms a call on chunks and on the implicit GEMM, and whole inference passes
    /// 1–3 % faster at ngf 32 and 64 (<c>race pix2pix --ab min-pixels</c>, docs/BENCHMARKS.md, branch p2p32). Its training
    /// step's 8×8 layers (batch 16) are too small for the chunks and stay here; the DCGAN has no 8×8 plane.</remarks>
    public static int ForwardMinPixels { get; set; } = 128;

    /// <summary>Whether a forward product takes this route: <see cref="Forwards"/>, <see cref="Suits"/> for a product no
    /// direct kernel takes, and an output plane of at least <see cref="ForwardMinPixels"/> or a layer the chunks do not take.</summary>
    public static bool SuitsForward(in ConvolutionGeometry s) =>
        Forwards && Suits(s, noDirectKernel: true)
        && (s.OutPixels >= ForwardMinPixels || !Im2ColChunks.Suits(s.Window, s.Batch, noDirectKernel: true));

    /// <summary>Layers this route takes: more taps per output than the direct kernels take (640), or, for a product no
    /// direct kernel takes (<paramref name="noDirectKernel"/>), more than <see cref="Convolution.ColumnFreeTaps"/>;
    /// offsets within an int.</summary>
    public static bool Suits(in ConvolutionGeometry s, bool noDirectKernel = false) =>
        Enabled && s.Window.Rows > (noDirectKernel ? Convolution.ColumnFreeTaps : 640) && OffsetsFit(s);

    /// <summary>Whether ∂C/∂w takes this route: as <see cref="Suits"/>, or at any tap count for a product no direct kernel
    /// takes when its columns are read in place channels-last (<see cref="SuitsChannelsLast"/>: no packing of them at all).</summary>
    public static bool SuitsWeightGradient(in ConvolutionGeometry s, bool noDirectKernel) =>
        Suits(s, noDirectKernel) || noDirectKernel && SuitsChannelsLast(s);

    /// <summary>Whether every offset into the padded copy (either layout: the same number of floats) fits an int.</summary>
    private static bool OffsetsFit(in ConvolutionGeometry s) =>
        (long)s.Batch * s.Window.Channels * (s.Window.Height + 2 * s.Window.PadH) * (s.Window.Width + 2 * s.Window.PadW) < int.MaxValue;

    /// <summary>Offset of tap <paramref name="t"/> (row-major in the kernel) from its output position's corner, in pixels of
    /// a padded plane <paramref name="wp"/> wide.</summary>
    private static int TapOffset(in Im2ColGeometry g, int wp, int t) => t / g.KernelW * g.DilationH * wp + t % g.KernelW * g.DilationW;

    private float[]? _padded, _z, _delta;
    private int[]? _taps, _positions;
    private byte[]? _tapKinds, _positionKinds;
    private ConvolutionGeometry _tables, _paddedFor;

    /// <summary>y[N×O×OH×OW] = w ⋆ x + b (no bias when empty).</summary>
    public void Forward(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        var g = s.Window;
        Tables(s);
        var padded = Pad(s, x);
        int cols = s.Columns, p = s.OutPixels;
        var z = Scratch.Ensure(ref _z, s.OutChannels * cols);
        // z = w·a over the whole batch, a read from the padded input.
        Gemm.MultiplyGathered(false, s.OutChannels, cols, g.Rows, weight, g.Rows, padded, _taps, _positions, _positionKinds,
            z, cols);
        // [O × N·P] to NCHW, adding b.
        ColumnLayout.ToImages(z, s.Batch, s.OutChannels, p, bias, y);
    }

    /// <summary>weightGradient[O×C×kH×kW] += δ ⋆ x. <paramref name="sameInput"/>: x is the input of the last call, a
    /// <see cref="Forward"/> of the same geometry, whose padded copy is still held (the caller knows; see the remarks).
    /// <paramref name="channelsLastInput"/>: x already copied channels-last and zero-padded as
    /// <see cref="ChannelsLastImages.Pad"/> lays it out (by <see cref="ChannelsLastForward"/>'s forward pass), or null.</summary>
    public void WeightGradient(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradient, bool sameInput,
        float[]? channelsLastInput = null)
    {
        if (SuitsChannelsLast(s))
        {
            ChannelsLastWeightGradient(s, x, dy, weightGradient, channelsLastInput);
            return;
        }
        var g = s.Window;
        Tables(s);
        var padded = sameInput && _paddedFor == s ? _padded! : Pad(s, x);
        int cols = s.Columns, p = s.OutPixels;
        // ∂C/∂w = δ·aᵀ, aᵀ read from the padded input with the tables' roles swapped; δ's panels packed from NCHW
        // (or from the [O × N·P] copy, the plain twin: see Convolution.PacksDeltaFromImages).
        if (Convolution.PacksDeltaFromImages)
        {
            Gemm.MultiplyGathered(false, s.OutChannels, g.Rows, cols, dy, p, padded, _positions, _taps, _tapKinds,
                weightGradient, g.Rows, accumulate: true, aPlane: p);
            return;
        }
        var delta = Scratch.Ensure(ref _delta, s.OutChannels * cols);
        ColumnLayout.FromImages(dy, s.Batch, s.OutChannels, p, delta);
        Gemm.MultiplyGathered(false, s.OutChannels, g.Rows, cols, delta, cols, padded, _positions, _taps, _tapKinds,
            weightGradient, g.Rows, accumulate: true);
    }

    /// <summary>Set to false to send every ∂C/∂w here through the gathered GEMM (A/B timing: <c>race-cnn resnet --ab
    /// channels-last-dw</c>, <c>race gan|pix2pix --ab channels-last-dw</c>); both give the same bits.</summary>
    public static bool ChannelsLastGradients { get; set; } = true;

    /// <summary>Whether ∂C/∂w reads the columns in place from a channels-last copy (<see cref="GemmInPlaceB"/>): 512-bit
    /// tiles, whole blocks of 16 channels, whole pairs of column panels, few enough output channels that packing B was the
    /// product's cost (at most one packed block of A's rows, 144), and enough output positions (the GEMM's depth) that
    /// the two reorderings of ∂C/∂w between its (channel, tap) and (tap, channel) orders cost little beside it.</summary>
    /// <remarks>Measured on one thread (Zen 4, 2026-12-02, same bits either way): ResNet-8's 64→64 on 7×7 at batch 64
    /// 1.30–1.44× faster, its 32→64 stride-2 layer 1.53× (against the whole-batch columns it took before), DCGAN's and PatchGAN's 64→128 4×4 stride-2 layers level (1.00×, 1.02×; the four-float runs of a 4×4
    /// kernel packed well already); with 256 or 512 output channels slower (0.90×, 0.87×), where a packed panel of B
    /// serves 20 or more tiles and the packed GEMM's rows-outside walk suits the larger A.</remarks>
    public static bool SuitsChannelsLast(in ConvolutionGeometry s) =>
        ChannelsLastGradients && s.Window.Channels % GemmBlocking.NR == 0 && GemmInPlaceB.Suits(s.Window.Rows)
        && s.OutChannels <= GemmBlocking.MC && s.Columns >= MinChannelsLastDepth && OffsetsFit(s);

    /// <summary>The fewest output positions (N·OH·OW) for the channels-last ∂C/∂w: each weight is reordered twice and
    /// costs 2·N·OH·OW flops in the product.</summary>
    public const int MinChannelsLastDepth = 512;

    private float[]? _channelsLast, _reordered;
    private int[]? _positionsLast, _panelsLast;
    private ConvolutionGeometry _tablesLast;

    /// <summary>∂C/∂w = δ·aᵀ with aᵀ read in place from x channels-last: column (t, c) of output position (n, y, x) is
    /// x′[n, y·s + i·d, x·s + j·d, c], so a panel of 16 channels of one tap is 16 consecutive floats. ∂C/∂w is taken into
    /// that (tap, channel) order before the product and back after it, so the product adds to the same floats.</summary>
    private unsafe void ChannelsLastWeightGradient(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradient,
        float[]? channelsLastInput)
    {
        var g = s.Window;
        int c = g.Channels, taps = g.KernelH * g.KernelW, hp = g.Height + 2 * g.PadH, wp = g.Width + 2 * g.PadW, rows = g.Rows;
        if (_positionsLast is null || _tablesLast != s)
        {
            var positions = new int[s.Columns];
            for (int n = 0, q = 0; n < s.Batch; n++)
                for (int y = 0; y < g.OutHeight; y++)
                    for (int xx = 0; xx < g.OutWidth; xx++, q++)
                        positions[q] = ((n * hp + y * g.StrideH) * wp + xx * g.StrideW) * c;
            var panels = new int[rows / GemmBlocking.NR];
            for (int t = 0, q = 0; t < taps; t++)
                for (int c0 = 0; c0 < c; c0 += GemmBlocking.NR, q++)
                    panels[q] = TapOffset(g, wp, t) * c + c0;
            (_positionsLast, _panelsLast, _tablesLast) = (positions, panels, s);
        }
        var image = channelsLastInput;
        if (image is null)
        {
            image = Scratch.Ensure(ref _channelsLast, s.Batch * hp * wp * c);
            fixed (float* from = x) fixed (float* to = image) ChannelsLastImages.Pad(from, s.Batch, g, hp, wp, to);
        }
        var reordered = Scratch.Ensure(ref _reordered, s.OutChannels * rows);
        fixed (float* wg = weightGradient) fixed (float* r = reordered)
        {
            ChannelsLastImages.Reorder(wg, r, s.OutChannels, c, taps, tapsFirst: true);
            GemmInPlaceB.MultiplyImagesA(s.OutChannels, rows, s.Columns, dy, s.OutPixels, image, _positionsLast, _panelsLast,
                reordered, rows, accumulate: true);
            ChannelsLastImages.Reorder(r, wg, s.OutChannels, c, taps, tapsFirst: false);
        }
    }

    /// <summary>The two offset tables and their panel kinds for <paramref name="s"/> (built when the shapes change).</summary>
    private void Tables(in ConvolutionGeometry s)
    {
        if (_taps is not null && _tables == s) return;
        var g = s.Window;
        int hp = g.Height + 2 * g.PadH, wp = g.Width + 2 * g.PadW, plane = hp * wp, taps = g.KernelH * g.KernelW;
        var tapOffsets = new int[g.Rows];
        for (int c = 0; c < g.Channels; c++)
            for (int t = 0; t < taps; t++)
                tapOffsets[c * taps + t] = c * plane + TapOffset(g, wp, t);
        var positionOffsets = new int[s.Columns];
        for (int n = 0, q = 0; n < s.Batch; n++)
            for (int y = 0; y < g.OutHeight; y++)
                for (int x = 0; x < g.OutWidth; x++, q++)
                    positionOffsets[q] = n * g.Channels * plane + y * g.StrideH * wp + x * g.StrideW;
        var tapKinds = new byte[g.Rows / GemmBlocking.NR];
        var positionKinds = new byte[s.Columns / GemmBlocking.NR];
        GatheredB.Classify(tapOffsets, tapKinds);
        GatheredB.Classify(positionOffsets, positionKinds);
        (_taps, _positions, _tapKinds, _positionKinds, _tables) = (tapOffsets, positionOffsets, tapKinds, positionKinds, s);
    }

    /// <summary>x [N×C×H×W] into the padded copy [N×C×(H+2p)×(W+2p)], every float written (the border zero).</summary>
    private unsafe float[] Pad(in ConvolutionGeometry s, ReadOnlySpan<float> x)
    {
        var g = s.Window;
        int hp = g.Height + 2 * g.PadH, wp = g.Width + 2 * g.PadW, plane = hp * wp, planes = s.Batch * g.Channels;
        // 16 floats to spare past the planes: a two-run panel may load them (GatheredB.PanelKind.TwoRuns).
        var padded = Scratch.Ensure(ref _padded, planes * plane + GemmBlocking.NR);
        _paddedFor = s;
        // Planes are independent copies: shared between threads (on one, this was a serial stretch before the product).
        fixed (float* from = x) fixed (float* to = padded)
            KernelLoop.For(planes, (long)planes * plane, new PadJob(from, to, g), static (t, k) => PadPlane(t.X, t.Padded, t.G, k));
        return padded;
    }

    private readonly unsafe struct PadJob(float* x, float* padded, Im2ColGeometry g)
    {
        public readonly float* X = x, Padded = padded;
        public readonly Im2ColGeometry G = g;
    }

    /// <summary>One plane of the padded copy: zeros, then the image's rows inline (<see cref="ShortRows"/>).</summary>
    /// <remarks>Why: clearing the borders and copying each row through library calls cost three calls per row of 7 to 32
    /// floats, about an eighth of the DCGAN's 64→128 ∂C/∂w (which pads its input again, as the forward pass took the chunks).
    /// One clear of the whole plane (one call, in L1) and inline row copies write the same floats: the DCGAN step 1.02–1.03×
    /// and pix2pix ngf 32's 1.03× in process A/Bs (2026-12-02), lossG unchanged.</remarks>
    private static unsafe void PadPlane(float* x, float* padded, in Im2ColGeometry g, int k)
    {
        int wp = g.Width + 2 * g.PadW, plane = (g.Height + 2 * g.PadH) * wp;
        float* to = padded + (long)k * plane + g.PadH * wp + g.PadW;
        new Span<float>(padded + (long)k * plane, plane).Clear();
        float* from = x + (long)k * g.Height * g.Width;
        for (int r = 0; r < g.Height; r++, from += g.Width, to += wp) ShortRows.Copy(from, to, g.Width);
    }
}
