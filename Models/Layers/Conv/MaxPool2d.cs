using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>Max pooling: each output is the largest input in its window; padding never wins (it counts as −∞).</summary>
/// <remarks>Backward routes each δ to the input that won the forward pass (the first one on ties), as PyTorch and ONNX do.</remarks>
[LayerKind("max_pool2d")]
public sealed class MaxPool2d : Layer
{
    private Tensor? _output, _inputGradient;
    private int[] _argmax = [];
    private int[] _inputShape = [];
    // Set when an inference pass kept no winners: Backward then finds them in this input first.
    private Tensor? _winnersLater;

    public MaxPool2d((int H, int W) kernel, (int H, int W)? stride = null, (int H, int W)? padding = null)
    {
        Kernel = kernel; Stride = stride ?? kernel; Padding = padding ?? (0, 0);
        // Signs first: a negative kernel was otherwise blamed on its padding ("padding 0×0 must be at most half the kernel -2×-2").
        Geometry(1, Kernel.H, Kernel.W).Validate("MaxPool2d");
        if (Padding.H * 2 > Kernel.H || Padding.W * 2 > Kernel.W)
            throw new ArgumentException($"MaxPool2d: padding {Padding.H}×{Padding.W} must be at most half the kernel {Kernel.H}×{Kernel.W}, or a window could hold only padding.");
    }

    public MaxPool2d(int kernel, int? stride = null, int padding = 0)
        : this((kernel, kernel), (stride ?? kernel, stride ?? kernel), (padding, padding)) { }

    public MaxPool2d(LayerSpec spec) : this(ConvShape.Pair(spec, "kernel", 2),
        spec.Args.ContainsKey("stride") ? ConvShape.Pair(spec, "stride", 2) : null, ConvShape.Pair(spec, "padding", 0)) { }

    public (int H, int W) Kernel { get; }
    public (int H, int W) Stride { get; }
    public (int H, int W) Padding { get; }

    public override LayerSpec Spec => new LayerSpec("max_pool2d")
        .With("kernel", ConvShape.Ints(Kernel)).With("stride", ConvShape.Ints(Stride)).With("padding", ConvShape.Ints(Padding));

    private Im2ColGeometry Geometry(int c, int h, int w) => new(c, h, w, Kernel.H, Kernel.W, Stride.H, Stride.W, Padding.H, Padding.W);

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        var (c, h, w) = ConvShape.Image("MaxPool2d", inputShape, 0);
        var g = Geometry(c, h, w);
        g.Validate("MaxPool2d");
        return [c, g.OutHeight, g.OutWidth];
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        var (n, c, h, w) = ConvShape.Batch("MaxPool2d", x, 0);
        var g = Geometry(c, h, w);
        g.Validate("MaxPool2d");
        if (!x.ShapeEquals(_inputShape)) _inputShape = x.ShapeArray();
        var y = Tensor.Ensure(ref _output, n, c, g.OutHeight, g.OutWidth);
        // Inference needs no winners (they only route δ backward): the common 2×2/2 pool becomes a plain maximum.
        if (!training && Kernel == (2, 2) && Stride == (2, 2) && Padding == (0, 0))
        {
            Pooling.Max2x2(x.Span, Geometry(n * c, h, w), y.Span);
            _winnersLater = x;
            return y;
        }
        _winnersLater = null;
        Winners(x, y);
        return y;
    }

    private void Winners(Tensor x, Tensor y)
    {
        if (_argmax.Length < y.Length) _argmax = new int[y.Length];
        Pooling.MaxForward(x.Span, Geometry(x.Dim(0) * x.Dim(1), x.Dim(2), x.Dim(3)), y.Span, _argmax);
    }

    public override Tensor Backward(Tensor dy)
    {
        if (_inputShape.Length == 0) throw new InvalidOperationException("MaxPool2d.Backward called before Forward.");
        if (dy.Length != _output!.Length)
            throw new ArgumentException($"MaxPool2d.Backward expects ∂C/∂y of shape {Tensor.ShapeText(_output.Shape)} but got {Tensor.ShapeText(dy.Shape)}.");
        // Backward after an inference pass (rare: saliency, checks): find the winners it skipped.
        if (_winnersLater is { } input)
        {
            Winners(input, _output);
            _winnersLater = null;
        }
        var dx = Tensor.Ensure(ref _inputGradient, _inputShape);
        // Only the winner of each window influenced C, so only it receives that window's δ.
        Pooling.MaxBackward(dy.Span, _argmax, Geometry(_inputShape[0] * _inputShape[1], _inputShape[2], _inputShape[3]), dx.Span);
        return dx;
    }
}
