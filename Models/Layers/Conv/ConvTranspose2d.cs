using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>
/// Transposed convolution (the adjoint of <see cref="Conv2d"/>, pix2pix's up-sampling step): each input pixel scatters a
/// weighted copy of the kernel into the output. Weight [in × out × kH × kW] and bias [out], the PyTorch/ONNX layout.
/// </summary>
/// <remarks>
/// Output size: (in − 1)·stride − 2·pad + dilation·(k − 1) + output_padding + 1. Output padding resolves the size
/// ambiguity of a strided convolution (several input sizes give the same output) and must be smaller than the stride.
/// Fast path: cols = wᵀ·x with one GEMM over the batch, then col2im; backward is im2col of δ and two GEMMs. Layers with
/// many taps and a large batch (DCGAN's 128→64 4×4 stride 2) do the same a few images at a time (<see cref="Im2ColChunks"/>).
/// </remarks>
[LayerKind("conv_transpose2d")]
public sealed class ConvTranspose2d : Layer
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private Tensor? _inputMatrix, _columns, _output, _deltaMatrix, _inputGradient, _workspace;
    private Im2ColGeometry _geometry;
    private int _batch;
    // The last input, for ∂C/∂w on the chunked route (the caller keeps it unchanged until Backward, as every layer's input).
    private Tensor? _input;
    private bool _chunked;
    // Tiny planes (the U-Net's 1×1 → 2×2): the last forward pass ran through a twin with the kernel cropped to the taps that
    // ever reach an output pixel (see TapCrop).
    private TapCrop? _crop;
    private ConvTranspose2d? _croppedTwin;

    public ConvTranspose2d(int inChannels, int outChannels, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding,
        (int H, int W) outputPadding, (int H, int W) dilation, bool bias = true, Initializer init = Initializer.He, Random? rng = null)
    {
        if (inChannels <= 0 || outChannels <= 0)
            throw new ArgumentException($"ConvTranspose2d needs positive channel counts, got {inChannels}→{outChannels}.");
        if (outputPadding.H < 0 || outputPadding.W < 0 || outputPadding.H >= stride.H || outputPadding.W >= stride.W)
            throw new ArgumentException($"ConvTranspose2d: output padding {outputPadding.H}×{outputPadding.W} must be non-negative and smaller than the stride {stride.H}×{stride.W}.");
        InChannels = inChannels; OutChannels = outChannels;
        Kernel = kernel; Stride = stride; Padding = padding; OutputPadding = outputPadding; Dilation = dilation; Init = init;
        Geometry(1, 1).Validate("ConvTranspose2d");
        rng ??= new Random(0);
        // Each output pixel sums in·kH·kW / stride² terms on average; fan-in as PyTorch counts it for this layout.
        int fanIn = outChannels * kernel.H * kernel.W, fanOut = inChannels * kernel.H * kernel.W;
        _weight = new Parameter("weight", new Tensor(inChannels, outChannels, kernel.H, kernel.W), decays: true);
        Initializers.Fill(_weight.Value.Span, init, fanIn, fanOut, rng);
        if (bias) _bias = new Parameter("bias", new Tensor(outChannels), decays: false);
    }

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int outputPadding = 0,
        int dilation = 1, bool bias = true, Initializer init = Initializer.He, Random? rng = null)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding), (outputPadding, outputPadding),
            (dilation, dilation), bias, init, rng) { }

    public ConvTranspose2d(LayerSpec spec)
        : this(spec.GetInt("in_channels"), spec.GetInt("out_channels"), ConvShape.Pair(spec, "kernel", 1),
            ConvShape.Pair(spec, "stride", 1), ConvShape.Pair(spec, "padding", 0), ConvShape.Pair(spec, "output_padding", 0),
            ConvShape.Pair(spec, "dilation", 1), spec.GetBool("bias", true), Initializers.Parse(spec.GetString("init", "he"))) { }

    public int InChannels { get; }
    public int OutChannels { get; }
    public (int H, int W) Kernel { get; }
    public (int H, int W) Stride { get; }
    public (int H, int W) Padding { get; }
    public (int H, int W) OutputPadding { get; }
    public (int H, int W) Dilation { get; }
    public Initializer Init { get; }
    public Parameter Weight => _weight;
    public Parameter? Bias => _bias;

    public override IReadOnlyList<Parameter> Parameters => _bias is null ? [_weight] : [_weight, _bias];

    public override LayerSpec Spec => new LayerSpec("conv_transpose2d")
        .With("in_channels", InChannels).With("out_channels", OutChannels)
        .With("kernel", ConvShape.Ints(Kernel)).With("stride", ConvShape.Ints(Stride))
        .With("padding", ConvShape.Ints(Padding)).With("output_padding", ConvShape.Ints(OutputPadding))
        .With("dilation", ConvShape.Ints(Dilation))
        .With("bias", _bias is not null).With("init", Initializers.Name(Init));

    private int OutSize(int size, int k, int s, int p, int op, int d) => (size - 1) * s - 2 * p + d * (k - 1) + op + 1;

    /// <summary>The forward convolution this layer is the transpose of: from our output (size given) back to our input.</summary>
    private Im2ColGeometry Geometry(int inHeight, int inWidth) => new(OutChannels,
        OutSize(inHeight, Kernel.H, Stride.H, Padding.H, OutputPadding.H, Dilation.H),
        OutSize(inWidth, Kernel.W, Stride.W, Padding.W, OutputPadding.W, Dilation.W),
        Kernel.H, Kernel.W, Stride.H, Stride.W, Padding.H, Padding.W, Dilation.H, Dilation.W);

    private Im2ColGeometry CheckedGeometry(int h, int w)
    {
        var g = Geometry(h, w);
        if (g.Height <= 0 || g.Width <= 0)
            throw new ArgumentException($"ConvTranspose2d: input [{InChannels}×{h}×{w}] gives an empty output [{OutChannels}×{g.Height}×{g.Width}] (padding {Padding.H}×{Padding.W} too large).");
        return g;
    }

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        var (_, h, w) = ConvShape.Image("ConvTranspose2d", inputShape, InChannels);
        var g = CheckedGeometry(h, w);
        return [OutChannels, g.Height, g.Width];
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        var (n, _, h, w) = ConvShape.Batch("ConvTranspose2d", x, InChannels);
        var g = CheckedGeometry(h, w);
        _geometry = g; _batch = n; _input = x;
        int p = h * w, cols = n * p;
        _crop = CroppedTwin(g, h, w) is not null ? TapCrop.Of(g) : null;
        if (_crop is { } crop)
        {
            crop.Gather(_weight.Value.Span, InChannels * OutChannels, Kernel.H, Kernel.W, _croppedTwin!._weight.Value.Span);
            _bias?.Value.Span.CopyTo(_croppedTwin._bias!.Value.Span);
            return _croppedTwin.Forward(x, training);
        }
        _chunked = Im2ColChunks.Suits(g, n);
        if (_chunked)
        {
            // Many taps (DCGAN's 128→64 4×4: 1024): col2im(wᵀ·a) a few images at a time, never the whole batch's columns.
            var chunked = Tensor.Ensure(ref _output, n, OutChannels, g.Height, g.Width);
            Im2ColChunks.InputGradient(x.Span, n, g, _weight.Value.Span, InChannels, chunked.Span);
            AddBias(chunked, n, g);
            return chunked;
        }
        // a as [in × N·P]: the batch side by side, so one GEMM serves every image.
        var a = Tensor.Ensure(ref _inputMatrix, InChannels, cols);
        var xs = x.Span; var am = a.Span;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < InChannels; c++)
                xs.Slice((i * InChannels + c) * p, p).CopyTo(am.Slice(c * cols + i * p, p));
        var columns = Tensor.Ensure(ref _columns, g.Rows, cols);
        Gemm.Multiply(true, false, g.Rows, cols, InChannels, _weight.Value.Span, g.Rows, am, cols, columns.Span, cols);
        var y = Tensor.Ensure(ref _output, n, OutChannels, g.Height, g.Width);
        Im2Col.Fold(columns.Span, n, g, y.Span);
        AddBias(y, n, g);
        return y;
    }

    /// <summary>The twin layer with the kernel cropped to the live taps of <paramref name="g"/> (made once, kept while the
    /// crop stays the same), or null where no crop pays or the cropped layer would need an output padding outside [0, stride).</summary>
    private ConvTranspose2d? CroppedTwin(Im2ColGeometry g, int h, int w)
    {
        if (TapCrop.Of(g) is not { } crop) return null;
        var c = crop.Apply(g);
        int opH = g.Height - OutSize(h, c.KernelH, Stride.H, c.PadH, 0, Dilation.H);
        int opW = g.Width - OutSize(w, c.KernelW, Stride.W, c.PadW, 0, Dilation.W);
        if (opH < 0 || opW < 0 || opH >= Stride.H || opW >= Stride.W) return null;
        var twin = _croppedTwin;
        if (twin is null || twin.Kernel != (c.KernelH, c.KernelW) || twin.Padding != (c.PadH, c.PadW) || twin.OutputPadding != (opH, opW))
            _croppedTwin = twin = new ConvTranspose2d(InChannels, OutChannels, (c.KernelH, c.KernelW), Stride, (c.PadH, c.PadW), (opH, opW), Dilation, _bias is not null);
        return twin;
    }

    private void AddBias(Tensor y, int n, Im2ColGeometry g)
    {
        if (_bias is null) return;
        int hw = g.Height * g.Width;
        for (int i = 0; i < n; i++)
            for (int o = 0; o < OutChannels; o++)
            {
                var plane = y.Span.Slice((i * OutChannels + o) * hw, hw);
                TensorPrimitives.Add(plane, _bias.Value[o], plane);
            }
    }

    public override Tensor Backward(Tensor dy)
    {
        var input = _input ?? throw new InvalidOperationException("ConvTranspose2d.Backward called before Forward.");
        var g = _geometry; int n = _batch, p = g.OutPixels, cols = n * p;
        if (!dy.ShapeEquals([n, OutChannels, g.Height, g.Width]))
            throw new ArgumentException($"ConvTranspose2d.Backward expects ∂C/∂y of shape {Tensor.ShapeText([n, OutChannels, g.Height, g.Width])} but got {Tensor.ShapeText(dy.Shape)}.");
        if (_crop is { } crop)
        {
            var twin = _croppedTwin!;
            twin.ParameterGradients = ParameterGradients;
            if (!ParameterGradients) return twin.Backward(dy);
            twin.ZeroGradients();
            var croppedDx = twin.Backward(dy);
            crop.ScatterAdd(twin._weight.Gradient.Span, InChannels * OutChannels, Kernel.H, Kernel.W, _weight.Gradient.Span);
            if (_bias is not null) TensorPrimitives.Add(_bias.Gradient.Span, twin._bias!.Gradient.Span, _bias.Gradient.Span);
            return croppedDx;
        }
        if (_bias is not null && ParameterGradients)
        {
            int hw = g.Height * g.Width;
            for (int i = 0; i < n; i++)
                for (int o = 0; o < OutChannels; o++)
                    _bias.Gradient[o] += TensorPrimitives.Sum(dy.Span.Slice((i * OutChannels + o) * hw, hw));
        }
        if (_chunked)
        {
            // ∂C/∂w = a·δᵀ in column form, and ∂C/∂a = w·im2col(δ): the convolution whose transpose this layer is, run on δ.
            if (ParameterGradients)
            {
                var workspace = Tensor.Ensure(ref _workspace, Im2ColChunks.WorkspaceLength(g, InChannels, n));
                Im2ColChunks.AccumulateWeightGradient(dy.Span, input.Span, n, g, InChannels, _weight.Gradient.Span, workspace.Span);
            }
            var chunkedDx = Tensor.Ensure(ref _inputGradient, n, InChannels, g.OutHeight, g.OutWidth);
            Im2ColChunks.Forward(dy.Span, n, g, _weight.Value.Span, InChannels, default, chunkedDx.Span);
            return chunkedDx;
        }
        var a = _inputMatrix!;
        // The adjoint of col2im is im2col: δ in column form.
        var columns = Tensor.Ensure(ref _columns, g.Rows, cols);
        Im2Col.Unfold(dy.Span, n, g, columns.Span);
        // ∂C/∂w = a·δᵀ (w is [in × out·kH·kW]).
        if (ParameterGradients)
            Gemm.Multiply(false, true, InChannels, g.Rows, cols, a.Span, cols, columns.Span, cols, _weight.Gradient.Span, g.Rows, accumulate: true);
        // ∂C/∂a = w·δ, then back from [in × N·P] to NCHW.
        var da = Tensor.Ensure(ref _deltaMatrix, InChannels, cols);
        Gemm.Multiply(false, false, InChannels, cols, g.Rows, _weight.Value.Span, g.Rows, columns.Span, cols, da.Span, cols);
        var dx = Tensor.Ensure(ref _inputGradient, n, InChannels, g.OutHeight, g.OutWidth);
        var dxs = dx.Span; var das = da.Span;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < InChannels; c++)
                das.Slice(c * cols + i * p, p).CopyTo(dxs.Slice((i * InChannels + c) * p, p));
        return dx;
    }
}
