using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>
/// 2-D convolution (cross-correlation, as in every framework): z[n,o] = Σ_c w[o,c] ⋆ x[n,c] + b[o],
/// with stride, zero padding and dilation. Weight [out × in × kH × kW] and bias [out], the PyTorch/ONNX layout.
/// </summary>
/// <remarks>
/// The products and the choice of how to compute them (direct kernels, column matrices of a few images or of the whole
/// batch, cropped taps on tiny planes) are <see cref="Convolution"/>'s; this layer holds the parameters and reads as the
/// backprop equations.
/// </remarks>
[LayerKind("conv2d")]
public sealed class Conv2d : Layer, IAddsInputGradient
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    // One cached array: the training step reads this every batch and must not allocate.
    private readonly Parameter[] _parameters;
    private readonly Convolution _convolution = new();
    private Tensor? _output, _inputGradient;
    private ConvolutionGeometry _shape;
    // The last input, which Backward reads for ∂C/∂w (the caller keeps it unchanged until then, as every layer's input).
    private Tensor? _input;

    /// <param name="rng">Draws the initial weights. Without one the layer draws from a new <c>Random(0)</c> (the trainer's seed
    /// does not reach it), so two layers of one shape start with equal weights: pass one <c>Random(seed)</c> to every layer.</param>
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
        _parameters = _bias is null ? [_weight] : [_weight, _bias];
    }

    /// <param name="rng">Draws the initial weights. Without one the layer draws from a new <c>Random(0)</c> (the trainer's seed
    /// does not reach it), so two layers of one shape start with equal weights: pass one <c>Random(seed)</c> to every layer.</param>
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

    public Parameter Weight => _weight;
    /// <summary>Null when the layer was built without a bias (a batch-norm follows it).</summary>
    public Parameter? Bias => _bias;

    public override IReadOnlyList<Parameter> Parameters => _parameters;

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
        _shape = new ConvolutionGeometry(n, OutChannels, g);
        _input = x;
        // z = w ⋆ a + b
        var z = Tensor.Ensure(ref _output, n, OutChannels, g.OutHeight, g.OutWidth);
        _convolution.Forward(_shape, x.Span, _weight.Value.Span, _bias is null ? default : _bias.Value.Span, z.Span);
        return z;
    }

    public override Tensor Backward(Tensor dy)
    {
        ParameterGradientsFrom(dy);
        var s = _shape; var g = s.Window;
        var dx = Tensor.Ensure(ref _inputGradient, s.Batch, InChannels, g.Height, g.Width);
        // ∂C/∂aˡ⁻¹ = wᵀ ⋆ δ (the full correlation with the flipped kernel), unless nobody reads it.
        if (InputGradient) _convolution.InputGradient(s, dy.Span, _weight.Value.Span, dx.Span);
        else dx.Clear();
        return dx;
    }

    bool IAddsInputGradient.AddsInputGradient => InputGradient;

    /// <summary>Backward with ∂C/∂aˡ⁻¹ = wᵀ ⋆ δ added onto <paramref name="sum"/> (a residual block's ∂C/∂x).</summary>
    void IAddsInputGradient.BackwardAdding(Tensor dy, Tensor sum)
    {
        if (!InputGradient) throw new InvalidOperationException("Conv2d.BackwardAdding: this layer computes no ∂C/∂x.");
        ParameterGradientsFrom(dy);
        var s = _shape; var g = s.Window;
        if (!sum.ShapeEquals([s.Batch, InChannels, g.Height, g.Width]))
            throw new ArgumentException($"Conv2d.BackwardAdding adds ∂C/∂x of shape {Tensor.ShapeText([s.Batch, InChannels, g.Height, g.Width])} onto {Tensor.ShapeText(sum.Shape)}.");
        _convolution.AddInputGradient(s, dy.Span, _weight.Value.Span, sum.Span);
    }

    /// <summary>Checks δ against the last forward pass and adds ∂C/∂b and ∂C/∂w.</summary>
    private void ParameterGradientsFrom(Tensor dy)
    {
        var a = _input ?? throw new InvalidOperationException("Conv2d.Backward called before Forward.");
        var s = _shape; var g = s.Window;
        if (!dy.ShapeEquals([s.Batch, OutChannels, g.OutHeight, g.OutWidth]))
            throw new ArgumentException($"Conv2d.Backward expects ∂C/∂y of shape {Tensor.ShapeText([s.Batch, OutChannels, g.OutHeight, g.OutWidth])} but got {Tensor.ShapeText(dy.Shape)}.");
        if (!ParameterGradients) return;
        var delta = dy.Span;
        // ∂C/∂b = Σ δ over the batch and the pixels
        if (_bias is not null)
            _convolution.BiasGradient(delta, s.Batch, OutChannels, s.OutPixels, _bias.Gradient.Span, Convolution.IsCropped(s));
        // ∂C/∂w = δ ⋆ aˡ⁻¹
        _convolution.WeightGradient(s, a.Span, delta, _weight.Gradient.Span);
    }
}
