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
/// The layer is the convolution g (<see cref="Geometry"/>, from our output back to our input) read backwards, so its
/// three products are <see cref="Convolution"/>'s in other roles: y = ∂C/∂x of g applied to x, ∂C/∂x = g's output
/// applied to δ, ∂C/∂w = g's ∂C/∂w with δ as its input and x as its δ.
/// </remarks>
[LayerKind("conv_transpose2d")]
public sealed class ConvTranspose2d : Layer
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private readonly Parameter[] _parameters;
    // GEMM routes only (no direct kernels or small products): see Convolution.ColumnRoutesOnly.
    private readonly Convolution _convolution = new(columnRoutesOnly: true);
    private Tensor? _output, _inputGradient;
    private ConvolutionGeometry _shape;
    // The last input, for ∂C/∂w (the caller keeps it unchanged until Backward, as every layer's input).
    private Tensor? _input;

    /// <param name="rng">Draws the initial weights. Without one the layer draws from a new <c>Random(0)</c> (the trainer's seed
    /// does not reach it), so two layers of one shape start with equal weights: pass one <c>Random(seed)</c> to every layer.</param>
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
        _parameters = _bias is null ? [_weight] : [_weight, _bias];
    }

    /// <param name="rng">Draws the initial weights. Without one the layer draws from a new <c>Random(0)</c> (the trainer's seed
    /// does not reach it), so two layers of one shape start with equal weights: pass one <c>Random(seed)</c> to every layer.</param>
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

    public override IReadOnlyList<Parameter> Parameters => _parameters;

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
        // g's output channels are our input's: g runs from our output [Out×H'×W'] back to our input [In×H×W].
        _shape = new ConvolutionGeometry(n, InChannels, g);
        _input = x;
        // y = wᵀ ⋆ x + b: each input pixel scatters a weighted copy of the kernel.
        var y = Tensor.Ensure(ref _output, n, OutChannels, g.Height, g.Width);
        _convolution.InputGradient(_shape, x.Span, _weight.Value.Span, y.Span);
        if (_bias is not null) AddBias(y.Span, n, g.Height * g.Width);
        return y;
    }

    private void AddBias(Span<float> y, int n, int pixels)
    {
        for (int i = 0; i < n; i++)
            for (int o = 0; o < OutChannels; o++)
            {
                var plane = y.Slice((i * OutChannels + o) * pixels, pixels);
                TensorPrimitives.Add(plane, _bias!.Value[o], plane);
            }
    }

    public override Tensor Backward(Tensor dy)
    {
        var x = _input ?? throw new InvalidOperationException("ConvTranspose2d.Backward called before Forward.");
        var s = _shape; var g = s.Window;
        if (!dy.ShapeEquals([s.Batch, OutChannels, g.Height, g.Width]))
            throw new ArgumentException($"ConvTranspose2d.Backward expects ∂C/∂y of shape {Tensor.ShapeText([s.Batch, OutChannels, g.Height, g.Width])} but got {Tensor.ShapeText(dy.Shape)}.");
        var delta = dy.Span;
        // ∂C/∂x = w ⋆ δ: the convolution whose transpose this layer is, run on δ.
        var dx = Tensor.Ensure(ref _inputGradient, s.Batch, InChannels, g.OutHeight, g.OutWidth);
        _convolution.Forward(s, delta, _weight.Value.Span, default, dx.Span);
        if (ParameterGradients)
        {
            // ∂C/∂b = Σ δ over the batch and the pixels
            if (_bias is not null)
                _convolution.BiasGradient(delta, s.Batch, OutChannels, g.Height * g.Width, _bias.Gradient.Span, Convolution.IsCropped(s));
            // ∂C/∂w = x ⋆ δ (right after the forward product, which unfolded δ for it)
            _convolution.WeightGradient(s, delta, x.Span, _weight.Gradient.Span);
        }
        return dx;
    }
}
