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
        if (Padding.H * 2 > Kernel.H || Padding.W * 2 > Kernel.W)
            throw new ArgumentException($"AvgPool2d: padding {Padding.H}×{Padding.W} must be at most half the kernel {Kernel.H}×{Kernel.W}.");
        Geometry(1, Kernel.H, Kernel.W).Validate("AvgPool2d");
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

    private (int H0, int H1, int W0, int W1, float Scale) Window(int i, int j, int h, int w)
    {
        int top = i * Stride.H - Padding.H, left = j * Stride.W - Padding.W;
        int h0 = Math.Max(top, 0), h1 = Math.Min(top + Kernel.H, h), w0 = Math.Max(left, 0), w1 = Math.Min(left + Kernel.W, w);
        int count = CountIncludePad ? Kernel.H * Kernel.W : (h1 - h0) * (w1 - w0);
        return (h0, h1, w0, w1, 1f / count);
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        var (n, c, h, w) = ConvShape.Batch("AvgPool2d", x, 0);
        var g = Geometry(c, h, w);
        g.Validate("AvgPool2d");
        _inputShape = x.ShapeArray();
        int oh = g.OutHeight, ow = g.OutWidth;
        var y = Tensor.Ensure(ref _output, n, c, oh, ow);
        var xs = x.Span; var ys = y.Span;
        for (int pl = 0; pl < n * c; pl++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    var (h0, h1, w0, w1, scale) = Window(i, j, h, w);
                    float sum = 0f;
                    for (int r = h0; r < h1; r++) sum += TensorPrimitives.Sum(xs.Slice(pl * h * w + r * w + w0, w1 - w0));
                    ys[(pl * oh + i) * ow + j] = sum * scale;
                }
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        if (_inputShape.Length == 0) throw new InvalidOperationException("AvgPool2d.Backward called before Forward.");
        if (!dy.ShapeEquals(_output!.Shape))
            throw new ArgumentException($"AvgPool2d.Backward expects ∂C/∂y of shape {Tensor.ShapeText(_output.Shape)} but got {Tensor.ShapeText(dy.Shape)}.");
        int n = _inputShape[0], c = _inputShape[1], h = _inputShape[2], w = _inputShape[3], oh = dy.Dim(2), ow = dy.Dim(3);
        var dx = Tensor.Ensure(ref _inputGradient, _inputShape);
        dx.Clear();
        var dxs = dx.Span; var dys = dy.Span;
        // Each input in the window contributed 1/count of the output, so it gets 1/count of its δ.
        for (int pl = 0; pl < n * c; pl++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    var (h0, h1, w0, w1, scale) = Window(i, j, h, w);
                    float d = dys[(pl * oh + i) * ow + j] * scale;
                    for (int r = h0; r < h1; r++)
                    {
                        var row = dxs.Slice(pl * h * w + r * w + w0, w1 - w0);
                        TensorPrimitives.Add(row, d, row);
                    }
                }
        return dx;
    }
}
