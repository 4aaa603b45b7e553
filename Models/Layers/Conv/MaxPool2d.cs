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
        if (Padding.H * 2 > Kernel.H || Padding.W * 2 > Kernel.W)
            throw new ArgumentException($"MaxPool2d: padding {Padding.H}×{Padding.W} must be at most half the kernel {Kernel.H}×{Kernel.W}, or a window could hold only padding.");
        Geometry(1, Kernel.H, Kernel.W).Validate("MaxPool2d");
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
        _inputShape = x.ShapeArray();
        int oh = g.OutHeight, ow = g.OutWidth, planes = n * c;
        var y = Tensor.Ensure(ref _output, n, c, oh, ow);
        if (!training)
        {
            // Inference needs no winners (they only route δ backward): the common 2×2/2 pool becomes a plain maximum.
            if (Kernel == (2, 2) && Stride == (2, 2) && Padding == (0, 0))
            {
                MaxOf2x2(x.Span, planes, h, w, y.Span, oh, ow);
                _winnersLater = x;
                return y;
            }
        }
        _winnersLater = null;
        Winners(x, y, g);
        return y;
    }

    /// <summary>y = the maximum of each 2×2 block (stride 2, no padding): two rows at a time, no bookkeeping.</summary>
    private static void MaxOf2x2(ReadOnlySpan<float> xs, int planes, int h, int w, Span<float> ys, int oh, int ow)
    {
        for (int pl = 0; pl < planes; pl++)
        {
            var plane = xs.Slice(pl * h * w, h * w);
            var output = ys.Slice(pl * oh * ow, oh * ow);
            for (int i = 0; i < oh; i++)
            {
                var top = plane.Slice(2 * i * w, w); var bottom = plane.Slice((2 * i + 1) * w, w);
                var row = output.Slice(i * ow, ow);
                for (int j = 0; j < ow; j++)
                    row[j] = MathF.Max(MathF.Max(top[2 * j], top[2 * j + 1]), MathF.Max(bottom[2 * j], bottom[2 * j + 1]));
            }
        }
    }

    private void Winners(Tensor x, Tensor y, Im2ColGeometry g)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        int oh = g.OutHeight, ow = g.OutWidth, planes = n * c;
        if (_argmax.Length < y.Length) _argmax = new int[y.Length];
        var xs = x.Span; var ys = y.Span;
        for (int pl = 0; pl < planes; pl++)
        {
            int inBase = pl * h * w, outBase = pl * oh * ow;
            for (int i = 0; i < oh; i++)
            {
                int h0 = Math.Max(i * Stride.H - Padding.H, 0), h1 = Math.Min(i * Stride.H - Padding.H + Kernel.H, h);
                for (int j = 0; j < ow; j++)
                {
                    int w0 = Math.Max(j * Stride.W - Padding.W, 0), w1 = Math.Min(j * Stride.W - Padding.W + Kernel.W, w);
                    int best = inBase + h0 * w + w0;
                    float max = xs[best];
                    for (int r = h0; r < h1; r++)
                        for (int s = w0; s < w1; s++)
                        {
                            int k = inBase + r * w + s;
                            if (xs[k] > max) { max = xs[k]; best = k; }
                        }
                    ys[outBase + i * ow + j] = max;
                    _argmax[outBase + i * ow + j] = best;
                }
            }
        }
    }

    public override Tensor Backward(Tensor dy)
    {
        if (_inputShape.Length == 0) throw new InvalidOperationException("MaxPool2d.Backward called before Forward.");
        if (dy.Length != _output!.Length)
            throw new ArgumentException($"MaxPool2d.Backward expects ∂C/∂y of shape {Tensor.ShapeText(_output.Shape)} but got {Tensor.ShapeText(dy.Shape)}.");
        if (_winnersLater is { } input)
        {
            // Backward after an inference pass (rare: saliency, checks): find the winners it skipped.
            var (_, c, h, w) = ConvShape.Batch("MaxPool2d", input, 0);
            Winners(input, _output, Geometry(c, h, w));
            _winnersLater = null;
        }
        var dx = Tensor.Ensure(ref _inputGradient, _inputShape);
        dx.Clear();
        var dxs = dx.Span; var dys = dy.Span;
        // Only the winner of each window influenced C, so only it receives that window's δ.
        for (int k = 0; k < dys.Length; k++) dxs[_argmax[k]] += dys[k];
        return dx;
    }
}
