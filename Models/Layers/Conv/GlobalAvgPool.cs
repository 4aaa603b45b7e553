using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>Averages each channel over all its pixels: [N×C×H×W] → [N×C×1×1] (ONNX GlobalAveragePool; follow with Flatten).</summary>
/// <remarks>Used by GoogLeNet and ResNet instead of large fully connected heads: no parameters, any input size.</remarks>
[LayerKind("global_avg_pool")]
public sealed class GlobalAvgPool : Layer
{
    private Tensor? _output, _inputGradient;
    private int[] _inputShape = [];

    public GlobalAvgPool() { }

    public GlobalAvgPool(LayerSpec spec) { }

    public override LayerSpec Spec => new("global_avg_pool");

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        var (c, _, _) = ConvShape.Image("GlobalAvgPool", inputShape, 0);
        return [c, 1, 1];
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        var (n, c, h, w) = ConvShape.Batch("GlobalAvgPool", x, 0);
        if (!x.ShapeEquals(_inputShape)) _inputShape = x.ShapeArray();
        int hw = h * w;
        var y = Tensor.Ensure(ref _output, n, c, 1, 1);
        for (int pl = 0; pl < n * c; pl++) y[pl] = TensorPrimitives.Sum(x.Span.Slice(pl * hw, hw)) / hw;
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        if (_inputShape.Length == 0) throw new InvalidOperationException("GlobalAvgPool.Backward called before Forward.");
        int planes = _inputShape[0] * _inputShape[1], hw = _inputShape[2] * _inputShape[3];
        if (dy.Length != planes)
            throw new ArgumentException($"GlobalAvgPool.Backward expects ∂C/∂y of shape {Tensor.ShapeText(_output!.Shape)} but got {Tensor.ShapeText(dy.Shape)}.");
        var dx = Tensor.Ensure(ref _inputGradient, _inputShape);
        // Every pixel contributed 1/(H·W) of its channel's mean.
        for (int pl = 0; pl < planes; pl++) dx.Span.Slice(pl * hw, hw).Fill(dy[pl] / hw);
        return dx;
    }
}
