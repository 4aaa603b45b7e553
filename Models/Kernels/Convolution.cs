namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// A 2-D convolution's three products, each one entry point that chooses its own route and owns its layout copies:
/// the output z = w ⋆ x + b (<see cref="Forward"/>), ∂C/∂w = δ ⋆ x (<see cref="WeightGradient"/>), ∂C/∂x = wᵀ ⋆ δ
/// (<see cref="InputGradient"/>) and ∂C/∂b = Σδ (<see cref="BiasGradient"/>). A transposed convolution is the same three
/// products in other roles (its output is <see cref="InputGradient"/> of its input).
/// </summary>
/// <remarks>
/// <para>Routes, in the order they are tried:</para>
/// <list type="number">
/// <item>Cropped taps (<see cref="TapCrop"/>): on tiny planes (the U-Net's 2×2 → 1×1) the products run with the kernel
/// cropped to the taps that ever read a pixel, through an inner convolution; its ∂C/∂w goes back into the live taps.</item>
/// <item>Pointwise (<see cref="PointwiseConv"/>): all three products of a strided 1×1 kernel without padding (a ResNet's
/// projection shortcut), image by image, at 512 or 256 bits.</item>
/// <item>Channels-last forward (<see cref="ChannelsLastForward"/>): the output, and ∂C/∂x of stride-1 layers, of layers
/// with whole blocks of 16 input and 64 output channels, by tiles of six pixels × 64 channels at 512 bits; at 256 bits
/// six pixels × 16 channels, stride 1 onto rows under 16 pixels only.</item>
/// <item>Phases (<see cref="InputGradientByPhases"/>): ∂C/∂x of a 3×3 or 4×4 layer at stride 2 with padding 1 and 16, 32
/// or 64 input channels (a ResNet's downsampling layer, the DCGAN discriminator's 64→128), image by image, channels-last,
/// at 512 or 256 bits.</item>
/// <item>Tap rows (<see cref="WeightGradientByTapRows"/>): ∂C/∂w of layers with kernels three taps wide and whole blocks
/// of 16 input channels (any stride; 8 at 256 bits), from channels-last copies.</item>
/// <item>Direct (<see cref="DirectConv2d"/>, <see cref="DirectConv2dWeightGradient"/>): layers with at most 640 taps per
/// output (every zoo layer but the widest); no column matrix at all. The output for any stride, ∂C/∂x for stride 1,
/// ∂C/∂w for kernels above 1×1 when the forward pass left no columns behind, strided ones from 64 to 384 taps.</item>
/// <item>Implicit GEMM (<see cref="ImplicitGemm"/>), the output and ∂C/∂w of layers with more than 640 taps (DCGAN's
/// 64→128 4×4 stride 2, pix2pix's wide layers): one GEMM over the whole batch whose B panels are packed straight from a
/// zero-padded copy of the input; no column matrix. A ∂C/∂w right after the Forward of the same input reuses the copy.
/// Also the products no direct kernel takes (a strided layer's ∂C/∂w, a transposed layer's) from
/// <see cref="ColumnFreeTaps"/> taps, and at any tap count a ∂C/∂w whose columns it reads in place from a channels-last
/// copy (<see cref="ImplicitGemm.SuitsChannelsLast"/>: 512 bits, whole blocks of 16 channels, at most 144 output
/// channels; ResNet-8's 7×7 layers).</item>
/// <item>Channels-last (<see cref="ChannelsLastConv"/>): those wide layers with one or two output channels (PatchGAN's
/// last layer), where the GEMM would pack a whole column matrix for one row of output.</item>
/// <item>Chunks (<see cref="Im2ColChunks"/>): column matrices of a few images at a time, never the whole batch's: the
/// output of those wide layers with a large batch, and ∂C/∂x of every layer left whose whole-batch columns would fill two
/// chunks (<see cref="Im2ColChunks.AnyTaps"/>); ∂C/∂w from <see cref="ColumnFreeTaps"/> taps for a strided or
/// transposed layer. Not the products of a kernel over 1 MB (<see cref="Im2ColChunks.KernelTooLarge"/>), which every
/// chunk would stream again.</item>
/// <item>Columns (<see cref="Im2Col"/>): im2col of the whole batch and one product, [O × N·P] = w·cols; ∂C/∂w = δ·colsᵀ,
/// ∂C/∂cols = wᵀ·δ then col2im. Tiny products go through <see cref="Im2ColProducts"/>, the rest through <see cref="Gemm"/>;
/// large kernels' layers share one set of these buffers.</item>
/// </list>
/// <para>One reuse between calls: a <see cref="WeightGradient"/> right after a <see cref="Forward"/> on this instance
/// takes the input that Forward unfolded on the column route instead of unfolding it again, so it must be given the
/// same input (layers pass the input of their last forward pass, which their callers keep unchanged until backward).</para>
/// <para><see cref="ColumnRoutesOnly"/> keeps a transposed layer off the direct kernels and the small products: its
/// products all run on the GEMM (columns, chunks or the implicit GEMM, whose forward product has the column route's bits;
/// its ∂C/∂w sums the whole batch in one chain, where the chunks added per-chunk partials).</para>
/// </remarks>
public sealed class Convolution
{
    private float[]? _columns, _z, _delta, _workspace, _croppedWeight, _croppedGradient, _biasPartial, _planeSums, _flippedWeight, _addend;
    // The whole-batch columns and product of large kernels' layers (Im2ColChunks.KernelTooLarge), shared by all of them.
    [ThreadStatic] private static float[]? t_largeColumns, t_largeProduct;
    // Which copy of its input the previous call left for the WeightGradient after it: none unless it was a Forward.
    private HeldInput _held;
    private ImplicitGemm? _implicit;
    private ChannelsLastConv? _channelsLast;
    private ChannelsLastForward? _channelsLastForward;
    private PointwiseConv? _pointwise;
    private WeightGradientByTapRows? _tapRows;
    private InputGradientByPhases? _phases;
    private Convolution? _cropped;

    /// <param name="columnRoutesOnly">Only the column and chunk routes, with every product through the GEMM.</param>
    public Convolution(bool columnRoutesOnly = false) => ColumnRoutesOnly = columnRoutesOnly;

    public bool ColumnRoutesOnly { get; }

    /// <summary>Taps per output above which a product that no direct kernel takes (a strided layer's ∂C/∂x and ∂C/∂w, every
    /// product of a transposed layer) leaves the whole-batch column matrix for the implicit GEMM or the chunks, as the
    /// layers beyond the direct kernels' 640 taps do. 640 restores the earlier routes (A/B timing: <c>race pix2pix --ab
    /// narrow</c>); the bits do not change, as both routes add the same products in the same order.</summary>
    /// <remarks>Why 384: pix2pix's 512-tap layers (ngf 32: G's and D's 32→64, the 128→32 transposed convolution) wrote
    /// an 8 MB column matrix for each of those products (33 MB for the transposed layer at inference's batch 64).</remarks>
    public static int ColumnFreeTaps { get; set; } = 384;

    /// <summary>Whether the GEMMs that read δ (∂C/∂w = δ·aᵀ on the column, implicit-GEMM and chunk routes, ∂C/∂x = wᵀ·δ on
    /// the column and chunk routes, so also a transposed layer's forward product) pack δ's panels straight from NCHW
    /// (<see cref="Gemm.MultiplyImagesA"/>, <see cref="Gemm.MultiplyImagesB"/>) instead of copying δ to [O × N·P] first
    /// (<see cref="ColumnLayout.FromImages"/>), the plain twin kept for the tests and for A/B timing
    /// (<c>race gan --ab nchw</c>). Packing does no arithmetic, so both give the same bits.</summary>
    public static bool PacksDeltaFromImages { get; set; } = true;

    /// <summary>y[N×O×OH×OW] = w ⋆ x + b (no bias when <paramref name="bias"/> is empty).</summary>
    public void Forward(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        s.Check("Forward", x.Length, y.Length, weight.Length);
        var g = s.Window;
        _held = HeldInput.None;
        if (Crop(s) is { } crop)
        {
            Cropped(s).Forward(crop.Inner, x, CroppedWeight(s, crop.Taps, weight), bias, y);
            return;
        }
        if (!ColumnRoutesOnly && PointwiseConv.Suits(s))
        {
            (_pointwise ??= new PointwiseConv()).Forward(s, x, weight, bias, y);
            _held = HeldInput.Subsampled;
            return;
        }
        if (!ColumnRoutesOnly && ChannelsLastForward.Suits(s))
        {
            (_channelsLastForward ??= new ChannelsLastForward()).Forward(s, x, weight, bias, y);
            _held = HeldInput.ChannelsLast;
            return;
        }
        if (!ColumnRoutesOnly && DirectConv2d.Suits(g))
        {
            DirectConv2d.Forward(x, s.Batch, g, weight, s.OutChannels, bias, y);
            return;
        }
        if (!ColumnRoutesOnly && ChannelsLastConv.Suits(s))
        {
            (_channelsLast ??= new ChannelsLastConv()).Forward(s, x, weight, bias, y);
            return;
        }
        if (ImplicitGemm.SuitsForward(s))
        {
            (_implicit ??= new ImplicitGemm()).Forward(s, x, weight, bias, y);
            _held = HeldInput.Padded;
            return;
        }
        // A large kernel's ∂C/∂w never reads the columns (the implicit GEMM takes it), so they, and z, go in buffers all
        // such layers share instead of each layer keeping its own (pix2pix ngf 64: 1,659 MB at the peak with them kept).
        bool shared = Im2ColChunks.KernelTooLarge(g, s.OutChannels);
        if (!shared && Im2ColChunks.Suits(g, s.Batch, noDirectKernel: true))
        {
            Im2ColChunks.Forward(x, s.Batch, g, weight, s.OutChannels, bias, y);
            return;
        }
        int cols = s.Columns, p = s.OutPixels;
        var columns = shared ? Scratch.Ensure(ref t_largeColumns, g.Rows * cols) : Scratch.Ensure(ref _columns, g.Rows * cols);
        Im2Col.Unfold(x, s.Batch, g, columns);
        _held = shared ? HeldInput.None : HeldInput.Columns;
        // z = w·a over the whole batch at once.
        var z = shared ? Scratch.Ensure(ref t_largeProduct, s.OutChannels * cols) : Scratch.Ensure(ref _z, s.OutChannels * cols);
        if (!ColumnRoutesOnly && Im2ColProducts.SuitsExpand(s.OutChannels, g.Rows))
            Im2ColProducts.Expand(s.OutChannels, cols, g.Rows, weight, g.Rows, columns, cols, z, cols);
        else
            Gemm.Multiply(false, false, s.OutChannels, cols, g.Rows, weight, g.Rows, columns, cols, z, cols);
        // [O × N·P] to NCHW, adding b.
        ColumnLayout.ToImages(z, s.Batch, s.OutChannels, p, bias, y);
    }

    /// <summary>weightGradient[O×C×kH×kW] += δ ⋆ x, from the input x and δ = ∂C/∂y.</summary>
    public void WeightGradient(in ConvolutionGeometry s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradient)
    {
        s.Check("WeightGradient", x.Length, dy.Length, weightGradient.Length);
        var g = s.Window;
        var held = _held;
        _held = HeldInput.None;
        bool columnsHoldInput = held == HeldInput.Columns;
        var channelsLastInput = held == HeldInput.ChannelsLast ? _channelsLastForward!.PaddedInput : null;
        if (Crop(s) is { } crop)
        {
            // The inner convolution's gradient from zero, then into the full kernel's live taps (the dead ones read zeros).
            var inner = Scratch.Ensure(ref _croppedGradient, crop.Inner.WeightLength).AsSpan(0, crop.Inner.WeightLength);
            inner.Clear();
            Cropped(s).WeightGradient(crop.Inner, x, dy, inner);
            crop.Taps.ScatterAdd(inner, s.OutChannels * g.Channels, g.KernelH, g.KernelW, weightGradient);
            return;
        }
        if (!ColumnRoutesOnly && PointwiseConv.Suits(s))
        {
            (_pointwise ??= new PointwiseConv()).WeightGradient(s, x, dy, weightGradient, sameInput: held == HeldInput.Subsampled);
            return;
        }
        if (!ColumnRoutesOnly && ChannelsLastConv.Suits(s))
        {
            (_channelsLast ??= new ChannelsLastConv()).WeightGradient(s, x, dy, weightGradient);
            return;
        }
        if (!ColumnRoutesOnly && WeightGradientByTapRows.Suits(s))
        {
            (_tapRows ??= new WeightGradientByTapRows()).Accumulate(s, x, dy, weightGradient, channelsLastInput);
            return;
        }
        // Below 640 taps the column-free routes take only what no direct kernel takes (a transposed or strided layer's
        // ∂C/∂w), and not when the forward pass left the input unfolded (the column route's product alone is cheaper).
        bool narrowToo = (ColumnRoutesOnly || !DirectConv2dWeightGradient.Suits(g)) && !columnsHoldInput;
        if (ImplicitGemm.SuitsWeightGradient(s, narrowToo))
        {
            (_implicit ??= new ImplicitGemm()).WeightGradient(s, x, dy, weightGradient, sameInput: held == HeldInput.Padded,
                channelsLastInput: channelsLastInput);
            return;
        }
        if (Im2ColChunks.Suits(g, s.Batch, narrowToo))
        {
            var workspace = Scratch.Ensure(ref _workspace, Im2ColChunks.WorkspaceLength(g, s.OutChannels, s.Batch));
            Im2ColChunks.AccumulateWeightGradient(x, dy, s.Batch, g, s.OutChannels, weightGradient, workspace);
            return;
        }
        if (!ColumnRoutesOnly && DirectConv2dWeightGradient.Suits(g) && !columnsHoldInput)
        {
            var workspace = Scratch.Ensure(ref _workspace, DirectConv2dWeightGradient.WorkspaceLength(g, s.OutChannels, s.Batch));
            DirectConv2dWeightGradient.Accumulate(x, dy, s.Batch, g, s.OutChannels, weightGradient, workspace);
            return;
        }
        int cols = s.Columns;
        var columns = Scratch.Ensure(ref _columns, g.Rows * cols);
        if (!columnsHoldInput) Im2Col.Unfold(x, s.Batch, g, columns);
        if (!ColumnRoutesOnly && Im2ColProducts.SuitsReduce(s.OutChannels, g.Rows))
            Im2ColProducts.Reduce(s.OutChannels, g.Rows, cols, Delta(s, dy), cols, columns, cols, weightGradient, g.Rows);
        else if (PacksDeltaFromImages)
            // δ·colsᵀ with δ's panels packed straight from NCHW: no [O × N·P] copy.
            Gemm.MultiplyImagesA(s.OutChannels, g.Rows, cols, dy, s.OutPixels, true, columns, cols, weightGradient, g.Rows, accumulate: true);
        else
            Gemm.Multiply(false, true, s.OutChannels, g.Rows, cols, Delta(s, dy), cols, columns, cols, weightGradient, g.Rows, accumulate: true);
    }

    /// <summary>inputGradient[N×C×H×W] = wᵀ ⋆ δ (overwritten), from δ = ∂C/∂y. Read forwards, the transposed convolution
    /// of δ without its bias.</summary>
    public void InputGradient(in ConvolutionGeometry s, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> inputGradient)
    {
        s.Check("InputGradient", inputGradient.Length, dy.Length, weight.Length);
        InputGradientInto(s, dy, weight, inputGradient, adding: false);
    }

    /// <summary>sum[N×C×H×W] += wᵀ ⋆ δ: <see cref="InputGradient"/>
    /// added onto another ∂C/∂x (a residual block's share from its shortcut), the same sums. A strided 1×1 layer adds onto
    /// the pixels it reads and leaves the rest alone, the direct kernel adds its rows instead of copying them; the other
    /// routes write their ∂C/∂x aside, then add it.</summary>
    public void AddInputGradient(in ConvolutionGeometry s, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> sum)
    {
        s.Check("AddInputGradient", sum.Length, dy.Length, weight.Length);
        InputGradientInto(s, dy, weight, sum, adding: true);
    }

    /// <summary>The routes, in the order they are chosen; <paramref name="adding"/>: onto <paramref name="target"/>.</summary>
    private void InputGradientInto(in ConvolutionGeometry s, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> target, bool adding)
    {
        var g = s.Window;
        _held = HeldInput.None;
        if (Crop(s) is { } crop)
        {
            if (adding) { AddAside(s, dy, weight, target); return; }
            Cropped(s).InputGradient(crop.Inner, dy, CroppedWeight(s, crop.Taps, weight), target);
            return;
        }
        if (!ColumnRoutesOnly && PointwiseConv.Suits(s))
        {
            (_pointwise ??= new PointwiseConv()).InputGradient(s, dy, weight, target, adding);
            return;
        }
        if (!ColumnRoutesOnly && ChannelsLastForward.InputGradientAsForward(s) is { } flipped)
        {
            if (adding) { AddAside(s, dy, weight, target); return; }
            // Stride 1: ∂C/∂x is the forward product of δ with the kernel transposed and flipped, padded by k − 1 − p.
            var kernel = Scratch.Ensure(ref _flippedWeight, s.WeightLength).AsSpan(0, s.WeightLength);
            ChannelsLastForward.Flip(weight, s.OutChannels, g.Channels, g.KernelH, g.KernelW, kernel);
            (_channelsLastForward ??= new ChannelsLastForward()).Forward(flipped, dy, kernel, [], target);
            return;
        }
        if (!ColumnRoutesOnly && InputGradientByPhases.Suits(s))
        {
            if (adding) { AddAside(s, dy, weight, target); return; }
            (_phases ??= new InputGradientByPhases()).InputGradient(s, dy, weight, target);
            return;
        }
        if (!ColumnRoutesOnly && DirectConv2d.SuitsInputGradient(g, s.OutChannels))
        {
            DirectConv2d.InputGradient(dy, s.Batch, g, weight, s.OutChannels, target, adding);
            return;
        }
        if (adding) { AddAside(s, dy, weight, target); return; }
        if (!ColumnRoutesOnly && ChannelsLastConv.Suits(s))
        {
            (_channelsLast ??= new ChannelsLastConv()).InputGradient(s, dy, weight, target);
            return;
        }
        bool shared = Im2ColChunks.KernelTooLarge(g, s.OutChannels);
        if (!shared && Im2ColChunks.SuitsInputGradient(g, s.Batch))
        {
            // col2im(wᵀδ), a few images at a time.
            Im2ColChunks.InputGradient(dy, s.Batch, g, weight, s.OutChannels, target);
            return;
        }
        // wᵀδ in column form, then col2im.
        int cols = s.Columns;
        var wtd = shared ? Scratch.Ensure(ref t_largeColumns, g.Rows * cols) : Scratch.Ensure(ref _columns, g.Rows * cols);
        // No Expand here (unlike the forward): with few rows the team cuts wᵀ·δ into column pieces, and ResNet-8's 16→32
        // shortcut's ∂C/∂x took 0.38 against 0.64 ms that way, the same bits (docs/BENCHMARKS.md, "small ∂C/∂x").
        if (PacksDeltaFromImages)
            // wᵀ·δ with δ's panels packed straight from NCHW: no [O × N·P] copy.
            Gemm.MultiplyImagesB(true, g.Rows, cols, s.OutChannels, weight, g.Rows, dy, s.OutPixels, wtd, cols);
        else
            Gemm.Multiply(true, false, g.Rows, cols, s.OutChannels, weight, g.Rows, Delta(s, dy), cols, wtd, cols);
        Im2Col.Fold(wtd, s.Batch, g, target);
    }

    /// <summary>sum += wᵀ ⋆ δ by a route that only overwrites: ∂C/∂x into a buffer of its own, then added.</summary>
    private unsafe void AddAside(in ConvolutionGeometry s, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> sum)
    {
        int length = s.Batch * s.Window.ImageLength;
        var aside = Scratch.Ensure(ref _addend, length);
        InputGradientInto(s, dy, weight, aside.AsSpan(0, length), adding: false);
        fixed (float* pa = aside, ps = sum)
            Elementwise.For(length, (Aside: (nint)pa, Sum: (nint)ps), static (t, at, n) =>
            {
                var total = new Span<float>((float*)t.Sum + at, n);
                TensorPrimitives.Add(total, new ReadOnlySpan<float>((float*)t.Aside + at, n), total);
            });
    }

    /// <summary>biasGradient[O] += Σδ over the batch and the pixels (<paramref name="pixels"/> per plane of δ [N×O×pixels]).</summary>
    /// <remarks>After a cropped pass the sum goes through a partial first, as the inner layer's own gradient did: the same bits.</remarks>
    public unsafe void BiasGradient(ReadOnlySpan<float> dy, int batch, int channels, int pixels, Span<float> biasGradient, bool cropped)
    {
        if (dy.Length < (long)batch * channels * pixels || biasGradient.Length < channels)
            throw new ArgumentException($"Convolution.BiasGradient of [{batch}×{channels}×{pixels}] needs {(long)batch * channels * pixels} and {channels} floats, got {dy.Length} and {biasGradient.Length}.");
        var target = biasGradient;
        if (cropped)
        {
            target = Scratch.Ensure(ref _biasPartial, channels).AsSpan(0, channels);
            target.Clear();
        }
        // Each plane's sum in memory order, runs of planes shared between threads (a serial stretch of 0.4–0.8 M floats in
        // a DCGAN step otherwise); then each channel adds its images' sums in image order, so the bits never depend on
        // the split. Why not channel by channel: a channel's planes lie a whole image apart (50 KB on the DCGAN's
        // discriminator), and walking them that way was the batch norm's slow pass too (BatchNormPasses).
        int planes = batch * channels;
        var sums = Scratch.Ensure(ref _planeSums, planes);
        fixed (float* d = dy) fixed (float* t = target) fixed (float* ps = sums)
        {
            KernelLoop.ForRuns(planes, PlaneRuns, (long)planes * pixels, new PlaneSums(d, ps, pixels), static (j, from, to) => j.Run(from, to));
            for (int o = 0; o < channels; o++)
                for (int i = 0; i < batch; i++) t[o] += ps[i * channels + o];
        }
        if (cropped) TensorPrimitives.Add(biasGradient[..channels], target, biasGradient[..channels]);
    }

    /// <summary>True when <paramref name="s"/> runs with cropped taps (<see cref="BiasGradient"/> takes it).</summary>
    public static bool IsCropped(in ConvolutionGeometry s) => Crop(s) is not null;

    /// <summary>The live window of the kernel and the inner geometry, when cropping pays (see <see cref="TapCrop.Of"/>).</summary>
    private static (TapCrop Taps, ConvolutionGeometry Inner)? Crop(in ConvolutionGeometry s) =>
        TapCrop.Of(s.Window) is { } crop ? (crop, s with { Window = crop.Apply(s.Window) }) : null;

    private Convolution Cropped(in ConvolutionGeometry s) => _cropped ??= new Convolution(ColumnRoutesOnly);

    /// <summary>The weights of the live taps, gathered for the inner convolution.</summary>
    private ReadOnlySpan<float> CroppedWeight(in ConvolutionGeometry s, TapCrop crop, ReadOnlySpan<float> weight)
    {
        int planes = s.OutChannels * s.Window.Channels, length = planes * crop.Height * crop.Width;
        var cropped = Scratch.Ensure(ref _croppedWeight, length).AsSpan(0, length);
        crop.Gather(weight, planes, s.Window.KernelH, s.Window.KernelW, cropped);
        return cropped;
    }

    /// <summary>δ gathered from NCHW to [O × N·P] for the column route.</summary>
    private float[] Delta(in ConvolutionGeometry s, ReadOnlySpan<float> dy)
    {
        var delta = Scratch.Ensure(ref _delta, s.OutChannels * s.Columns);
        ColumnLayout.FromImages(dy, s.Batch, s.OutChannels, s.OutPixels, delta);
        return delta;
    }

    /// <summary>Runs of neighbouring planes handed to the threads by <see cref="BiasGradient"/>.</summary>
    private const int PlaneRuns = 32;

    /// <summary>sums[q] = Σ of plane q of dy, for the planes of one run.</summary>
    private readonly unsafe struct PlaneSums(float* dy, float* sums, int pixels)
    {
        public void Run(int from, int to)
        {
            for (int q = from; q < to; q++) sums[q] = TensorPrimitives.Sum(new ReadOnlySpan<float>(dy + (long)q * pixels, pixels));
        }
    }

    /// <summary>Where a Forward left its input for the WeightGradient after it: unfolded in <c>_columns</c>, padded in
    /// <c>_implicit</c>, copied channels-last in <c>_channelsLastForward</c>, or subsampled in <c>_pointwise</c>.</summary>
    private enum HeldInput { None, Columns, Padded, ChannelsLast, Subsampled }
}
