using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>Average pooling over k×k windows.</summary>
/// <remarks>
/// Padding is excluded from the count by default (each output divides by the number of real pixels in its window):
/// this is ONNX AveragePool's default (count_include_pad = 0), so the export needs no extra attribute; PyTorch's default
/// is the opposite. Pass <c>countIncludePad: true</c> to divide by k·k always. Without padding both agree.
/// </remarks>
[LayerKind("avg_pool2d")]
public sealed class AvgPool2d : Layer
{
    private Tensor? _output, _inputGradient;
    private int[] _inputShape = [];

    public AvgPool2d((int H, int W) kernel, (int H, int W)? stride = null, (int H, int W)? padding = null, bool countIncludePad = false)
    {
        Kernel = kernel; Stride = stride ?? kernel; Padding = padding ?? (0, 0); CountIncludePad = countIncludePad;
        // Signs first: a negative kernel was otherwise blamed on its padding ("padding 0×0 must be at most half the kernel -2×-2").
        Geometry(1, Kernel.H, Kernel.W).Validate("AvgPool2d");
        if (Padding.H * 2 > Kernel.H || Padding.W * 2 > Kernel.W)
            throw new ArgumentException($"AvgPool2d: padding {Padding.H}×{Padding.W} must be at most half the kernel {Kernel.H}×{Kernel.W}.");
    }

    public AvgPool2d(int kernel, int? stride = null, int padding = 0, bool countIncludePad = false)
        : this((kernel, kernel), (stride ?? kernel, stride ?? kernel), (padding, padding), countIncludePad) { }

    public AvgPool2d(LayerSpec spec) : this(ConvShape.Pair(spec, "kernel", 2),
        spec.Args.ContainsKey("stride") ? ConvShape.Pair(spec, "stride", 2) : null, ConvShape.Pair(spec, "padding", 0),
        spec.GetBool("count_include_pad", false)) { }

    public (int H, int W) Kernel { get; }
    public (int H, int W) Stride { get; }
    public (int H, int W) Padding { get; }
    public bool CountIncludePad { get; }

    public override LayerSpec Spec => new LayerSpec("avg_pool2d")
        .With("kernel", ConvShape.Ints(Kernel)).With("stride", ConvShape.Ints(Stride)).With("padding", ConvShape.Ints(Padding))
        .With("count_include_pad", CountIncludePad);

    private Im2ColGeometry Geometry(int c, int h, int w) => new(c, h, w, Kernel.H, Kernel.W, Stride.H, Stride.W, Padding.H, Padding.W);

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        var (c, h, w) = ConvShape.Image("AvgPool2d", inputShape, 0);
        var g = Geometry(c, h, w);
        g.Validate("AvgPool2d");
        return [c, g.OutHeight, g.OutWidth];
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        var (n, c, h, w) = ConvShape.Batch("AvgPool2d", x, 0);
        var g = Geometry(c, h, w);
        g.Validate("AvgPool2d");
        if (!x.ShapeEquals(_inputShape)) _inputShape = x.ShapeArray();
        var y = Tensor.Ensure(ref _output, n, c, g.OutHeight, g.OutWidth);
        Pooling.AverageForward(x.Span, Geometry(n * c, h, w), CountIncludePad, y.Span);
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        if (_inputShape.Length == 0) throw new InvalidOperationException("AvgPool2d.Backward called before Forward.");
        if (!dy.ShapeEquals(_output!.Shape))
            throw new ArgumentException($"AvgPool2d.Backward expects ∂C/∂y of shape {Tensor.ShapeText(_output.Shape)} but got {Tensor.ShapeText(dy.Shape)}.");
        var dx = Tensor.Ensure(ref _inputGradient, _inputShape);
        // Each input in the window contributed 1/count of the output, so it gets 1/count of its δ.
        Pooling.AverageBackward(dy.Span, Geometry(_inputShape[0] * _inputShape[1], _inputShape[2], _inputShape[3]), CountIncludePad, dx.Span);
        return dx;
    }
}
