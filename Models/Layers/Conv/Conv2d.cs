using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>
/// 2-D convolution (cross-correlation, as in every framework): z[n,o] = Σ_c w[o,c] ⋆ x[n,c] + b[o],
/// with stride, zero padding and dilation. Weight [out × in × kH × kW] and bias [out], the PyTorch/ONNX layout.
/// </summary>
/// <remarks>
/// Two routes, chosen per geometry. Column route: im2col of the whole batch, then one GEMM:
/// Z[out × N·P] = W[out × in·kH·kW] · cols[in·kH·kW × N·P]; backward uses the same matrices: ∂C/∂w = δ·colsᵀ,
/// ∂C/∂cols = wᵀ·δ, then col2im gives ∂C/∂x. Direct route, for layers with at most 640 taps per output (every zoo layer
/// but the widest): <see cref="DirectConv2d"/> for the output (any stride and dilation) and, for stride 1, for ∂C/∂x (a
/// convolution of δ with the flipped weights); <see cref="DirectConv2dWeightGradient"/> for ∂C/∂w of stride-1 kernels
/// above 1×1 with rows at least 8 pixels wide. Whatever the direct route does not cover, backward does through columns,
/// unfolding the input then. Layers with more taps and a large batch (DCGAN's 64→128 4×4 stride 2) run all three products
/// through <see cref="Im2ColChunks"/>: column matrices of a few images at a time, never the whole batch's.
/// </remarks>
[LayerKind("conv2d")]
public sealed class Conv2d : Layer
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private Tensor? _columns, _z, _output, _delta, _inputGradient, _weightTransposed, _workspace;
    private Im2ColGeometry _geometry;
    private int _batch;
    // The last input, which Backward reads for ∂C/∂w (the caller keeps it unchanged until then, as every layer's input),
    // and whether _columns still holds its unfolded form from the forward pass.
    private Tensor? _input;
    private bool _columnsHoldInput, _deltaGathered;
    // Whether the last forward pass took the chunked route (Backward follows the same route).
    private bool _chunked;
    // Tiny planes (the U-Net's 2×2 → 1×1): the last forward pass ran this layer with its kernel cropped to the taps that
    // ever read a pixel, through a twin layer that holds the cropped weights (see TapCrop).
    private TapCrop? _crop;
    private Conv2d? _croppedTwin;

    public Conv2d(int inChannels, int outChannels, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding,
        (int H, int W) dilation, bool bias = true, Initializer init = Initializer.He, Random? rng = null)
    {
        if (inChannels <= 0 || outChannels <= 0)
            throw new ArgumentException($"Conv2d needs positive channel counts, got {inChannels}→{outChannels}.");
        InChannels = inChannels; OutChannels = outChannels;
        Kernel = kernel; Stride = stride; Padding = padding; Dilation = dilation; Init = init;
        // Validates kernel/stride/dilation/padding signs with a nominal input large enough for the window.
        Geometry(Dilation.H * (kernel.H - 1) + 1, Dilation.W * (kernel.W - 1) + 1).Validate("Conv2d");
        rng ??= new Random(0);
        int fanIn = inChannels * kernel.H * kernel.W, fanOut = outChannels * kernel.H * kernel.W;
        _weight = new Parameter("weight", new Tensor(outChannels, inChannels, kernel.H, kernel.W), decays: true);
        Initializers.Fill(_weight.Value.Span, init, fanIn, fanOut, rng);
        // Biases start at zero: with He initialisation the ReLU units are then symmetric around their threshold.
        if (bias) _bias = new Parameter("bias", new Tensor(outChannels), decays: false);
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int dilation = 1,
        bool bias = true, Initializer init = Initializer.He, Random? rng = null)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding), (dilation, dilation), bias, init, rng) { }

    public Conv2d(LayerSpec spec)
        : this(spec.GetInt("in_channels"), spec.GetInt("out_channels"), ConvShape.Pair(spec, "kernel", 1),
            ConvShape.Pair(spec, "stride", 1), ConvShape.Pair(spec, "padding", 0), ConvShape.Pair(spec, "dilation", 1),
            spec.GetBool("bias", true), Initializers.Parse(spec.GetString("init", "he")))
    {
        InputGradient = spec.GetBool("input_gradient", true);
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public (int H, int W) Kernel { get; }
    public (int H, int W) Stride { get; }
    public (int H, int W) Padding { get; }
    public (int H, int W) Dilation { get; }
    public Initializer Init { get; }
    /// <summary>
    /// False for a network's first layer, whose ∂C/∂x nobody reads: backward then skips the wᵀδ product and col2im
    /// (a third of the layer's work) and returns zeros. Saved in the spec so a reloaded network keeps the saving.
    /// </summary>
    public bool InputGradient { get; set; } = true;

    /// <summary>
    /// False while the caller will throw ∂C/∂w and ∂C/∂b away (a GAN's generator half runs back through a discriminator it
    /// does not update): backward then computes ∂C/∂x alone. This layer's view of <see cref="Layer.ParameterGradients"/>.
    /// </summary>
    public bool WeightGradient { get => ParameterGradients; set => ParameterGradients = value; }

    public Parameter Weight => _weight;
    /// <summary>Null when the layer was built without a bias (a batch-norm follows it).</summary>
    public Parameter? Bias => _bias;

    public override IReadOnlyList<Parameter> Parameters => _bias is null ? [_weight] : [_weight, _bias];

    public override LayerSpec Spec
    {
        get
        {
            var spec = new LayerSpec("conv2d")
                .With("in_channels", InChannels).With("out_channels", OutChannels)
                .With("kernel", ConvShape.Ints(Kernel)).With("stride", ConvShape.Ints(Stride))
                .With("padding", ConvShape.Ints(Padding)).With("dilation", ConvShape.Ints(Dilation))
                .With("bias", _bias is not null).With("init", Initializers.Name(Init));
            return InputGradient ? spec : spec.With("input_gradient", false);
        }
    }

    private Im2ColGeometry Geometry(int height, int width) =>
        new(InChannels, height, width, Kernel.H, Kernel.W, Stride.H, Stride.W, Padding.H, Padding.W, Dilation.H, Dilation.W);

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        var (_, h, w) = ConvShape.Image("Conv2d", inputShape, InChannels);
        var g = Geometry(h, w);
        g.Validate("Conv2d");
        return [OutChannels, g.OutHeight, g.OutWidth];
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        var (n, _, h, w) = ConvShape.Batch("Conv2d", x, InChannels);
        var g = Geometry(h, w);
        g.Validate("Conv2d");
        _geometry = g; _batch = n; _input = x;
        int p = g.OutPixels, cols = n * p;
        _chunked = false;
        _crop = TapCrop.Of(g);
        if (_crop is { } crop) return ForwardCropped(x, training, crop.Apply(g));
        if (DirectConv2d.Suits(g))
        {
            // The direct kernel beats im2col + product (16→16 3×3 at 28×28, batch 64, training: 1.32 against 3.15 ms) and
            // leaves no column matrix behind; Backward works from the input itself (direct ∂C/∂w) or unfolds it then.
            _columnsHoldInput = false;
            var direct = Tensor.Ensure(ref _output, n, OutChannels, g.OutHeight, g.OutWidth);
            DirectConv2d.Forward(x.Span, n, g, _weight.Value.Span, OutChannels, _bias is null ? default : _bias.Value.Span, direct.Span);
            return direct;
        }
        _columnsHoldInput = false;
        _chunked = Im2ColChunks.Suits(g, n);
        if (_chunked)
        {
            // Many taps (DCGAN's 64→128 4×4: 1024): columns of a few images at a time instead of the whole batch's.
            var chunked = Tensor.Ensure(ref _output, n, OutChannels, g.OutHeight, g.OutWidth);
            Im2ColChunks.Forward(x.Span, n, g, _weight.Value.Span, OutChannels, _bias is null ? default : _bias.Value.Span, chunked.Span);
            return chunked;
        }
        var columns = Tensor.Ensure(ref _columns, g.Rows, cols);
        Im2Col.Unfold(x.Span, n, g, columns.Span);
        _columnsHoldInput = true;
        // z = w·a over the whole batch at once.
        var z = Tensor.Ensure(ref _z, OutChannels, cols);
        if (Im2ColProducts.SuitsExpand(OutChannels, g.Rows))
            Im2ColProducts.Expand(OutChannels, cols, g.Rows, _weight.Value.Span, g.Rows, columns.Span, cols, z.Span, cols);
        else
            Gemm.Multiply(false, false, OutChannels, cols, g.Rows, _weight.Value.Span, g.Rows, columns.Span, cols, z.Span, cols);
        // Scatter [out × N·P] to NCHW, adding b.
        var y = Tensor.Ensure(ref _output, n, OutChannels, g.OutHeight, g.OutWidth);
        var zs = z.Span; var ys = y.Span;
        for (int i = 0; i < n; i++)
            for (int o = 0; o < OutChannels; o++)
            {
                var src = zs.Slice(o * cols + i * p, p);
                var dst = ys.Slice((i * OutChannels + o) * p, p);
                if (_bias is null) src.CopyTo(dst);
                else TensorPrimitives.Add(src, _bias.Value[o], dst);
            }
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        var input = _input ?? throw new InvalidOperationException("Conv2d.Backward called before Forward.");
        var g = _geometry; int n = _batch, p = g.OutPixels, cols = n * p;
        if (!dy.ShapeEquals([n, OutChannels, g.OutHeight, g.OutWidth]))
            throw new ArgumentException($"Conv2d.Backward expects ∂C/∂y of shape {Tensor.ShapeText([n, OutChannels, g.OutHeight, g.OutWidth])} but got {Tensor.ShapeText(dy.Shape)}.");
        if (_crop is { } crop) return BackwardCropped(dy, crop);
        var dys = dy.Span;
        // ∂C/∂b = Σ δ over batch and pixels.
        if (_bias is not null && WeightGradient)
            for (int i = 0; i < n; i++)
                for (int o = 0; o < OutChannels; o++)
                    _bias.Gradient[o] += TensorPrimitives.Sum(dys.Slice((i * OutChannels + o) * p, p));
        _deltaGathered = false;
        bool chunked = _chunked;
        // ∂C/∂w = δ·aᵀ, with a the unfolded input.
        if (!WeightGradient) { }
        else if (chunked)
        {
            var workspace = Tensor.Ensure(ref _workspace, Im2ColChunks.WorkspaceLength(g, OutChannels, n));
            Im2ColChunks.AccumulateWeightGradient(input.Span, dys, n, g, OutChannels, _weight.Gradient.Span, workspace.Span);
        }
        else if (DirectConv2dWeightGradient.Suits(g) && !_columnsHoldInput)
        {
            var workspace = Tensor.Ensure(ref _workspace, DirectConv2dWeightGradient.WorkspaceLength(g, OutChannels, n));
            DirectConv2dWeightGradient.Accumulate(input.Span, dys, n, g, OutChannels, _weight.Gradient.Span, workspace.Span);
        }
        else
        {
            var columns = Tensor.Ensure(ref _columns, g.Rows, cols);
            if (!_columnsHoldInput) Im2Col.Unfold(input.Span, n, g, columns.Span);
            _columnsHoldInput = true;
            if (Im2ColProducts.SuitsReduce(OutChannels, g.Rows))
                Im2ColProducts.Reduce(OutChannels, g.Rows, cols, Delta(dy), cols, columns.Span, cols, _weight.Gradient.Span, g.Rows);
            else
                Gemm.Multiply(false, true, OutChannels, g.Rows, cols, Delta(dy), cols, columns.Span, cols, _weight.Gradient.Span, g.Rows, accumulate: true);
        }
        var dx = Tensor.Ensure(ref _inputGradient, n, InChannels, g.Height, g.Width);
        if (!InputGradient)
        {
            dx.Clear();
            return dx;
        }
        if (DirectConv2d.SuitsInputGradient(g, OutChannels))
        {
            DirectConv2d.InputGradient(dys, n, g, _weight.Value.Span, OutChannels, dx.Span);
            return dx;
        }
        if (chunked)
        {
            // col2im(wᵀδ), a few images at a time.
            Im2ColChunks.InputGradient(dys, n, g, _weight.Value.Span, OutChannels, dx.Span);
            return dx;
        }
        // wᵀδ in column form, then col2im; the columns are no longer needed, so their buffer takes it.
        var wtd = Tensor.Ensure(ref _columns, g.Rows, cols);
        _columnsHoldInput = false;
        if (Im2ColProducts.SuitsExpand(g.Rows, OutChannels))
        {
            // wᵀ is small: transpose it once so the product streams δ's rows.
            var wt = Tensor.Ensure(ref _weightTransposed, g.Rows, OutChannels);
            var w = _weight.Value.Span;
            for (int o = 0; o < OutChannels; o++)
                for (int r = 0; r < g.Rows; r++) wt[r * OutChannels + o] = w[o * g.Rows + r];
            Im2ColProducts.Expand(g.Rows, cols, OutChannels, wt.Span, OutChannels, Delta(dy), cols, wtd.Span, cols);
        }
        else
            Gemm.Multiply(true, false, g.Rows, cols, OutChannels, _weight.Value.Span, g.Rows, Delta(dy), cols, wtd.Span, cols);
        Im2Col.Fold(wtd.Span, n, g, dx.Span);
        return dx;
    }

    /// <summary>The same convolution with the live taps only: the twin's weights are this layer's, cropped, each pass.</summary>
    private Tensor ForwardCropped(Tensor x, bool training, Im2ColGeometry cropped)
    {
        var twin = _croppedTwin;
        if (twin is null || twin.Kernel != (cropped.KernelH, cropped.KernelW) || twin.Padding != (cropped.PadH, cropped.PadW))
            _croppedTwin = twin = new Conv2d(InChannels, OutChannels, (cropped.KernelH, cropped.KernelW), Stride, (cropped.PadH, cropped.PadW), Dilation, _bias is not null);
        twin.InputGradient = InputGradient;
        twin.WeightGradient = WeightGradient;
        _crop!.Value.Gather(_weight.Value.Span, OutChannels * InChannels, Kernel.H, Kernel.W, twin._weight.Value.Span);
        _bias?.Value.Span.CopyTo(twin._bias!.Value.Span);
        return twin.Forward(x, training);
    }

    /// <summary>The twin's backward pass; its gradients go back into the full kernel's live taps (the dead ones get none: they read zeros).</summary>
    private Tensor BackwardCropped(Tensor dy, TapCrop crop)
    {
        var twin = _croppedTwin!;
        twin.WeightGradient = WeightGradient;
        if (!WeightGradient) return twin.Backward(dy);
        twin.ZeroGradients();
        var dx = twin.Backward(dy);
        crop.ScatterAdd(twin._weight.Gradient.Span, OutChannels * InChannels, Kernel.H, Kernel.W, _weight.Gradient.Span);
        if (_bias is not null) TensorPrimitives.Add(_bias.Gradient.Span, twin._bias!.Gradient.Span, _bias.Gradient.Span);
        return dx;
    }

    /// <summary>δ gathered from NCHW to [out × N·P] for the column route, at most once per backward pass.</summary>
    private Span<float> Delta(Tensor dy)
    {
        int n = _batch, p = _geometry.OutPixels, cols = n * p;
        var delta = Tensor.Ensure(ref _delta, OutChannels, cols).Span;
        if (_deltaGathered) return delta;
        var dys = dy.Span;
        for (int i = 0; i < n; i++)
            for (int o = 0; o < OutChannels; o++)
                dys.Slice((i * OutChannels + o) * p, p).CopyTo(delta.Slice(o * cols + i * p, p));
        _deltaGathered = true;
        return delta;
    }
}
