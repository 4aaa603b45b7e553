using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>[N×C×H×W] → [N×C·H·W]: the hinge between convolutional features and fully connected layers (ONNX Flatten, axis 1).</summary>
/// <remarks>Row-major NCHW is already laid out as the flattened rows, so forward and backward are copies with a new shape.</remarks>
[LayerKind("flatten")]
public sealed class Flatten : Layer
{
    private Tensor? _output, _inputGradient;
    private int[] _inputShape = [];

    public Flatten() { }

    public Flatten(LayerSpec spec) { }

    public override LayerSpec Spec => new("flatten");

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        int n = 1;
        foreach (int d in inputShape) n *= d;
        return [n];
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank < 1) throw new ArgumentException($"Flatten needs a batch axis but got a tensor of shape {Tensor.ShapeText(x.Shape)}.");
        if (!x.ShapeEquals(_inputShape)) _inputShape = x.ShapeArray();
        var y = Tensor.Ensure(ref _output, x.Dim(0), x.ItemLength);
        Elementwise.Copy(x, y);
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        if (_inputShape.Length == 0) throw new InvalidOperationException("Flatten.Backward called before Forward.");
        var dx = Tensor.Ensure(ref _inputGradient, _inputShape);
        if (dy.Length != dx.Length)
            throw new ArgumentException($"Flatten.Backward expects ∂C/∂y of shape {Tensor.ShapeText(_output!.Shape)} but got {Tensor.ShapeText(dy.Shape)}.");
        Elementwise.Copy(dy, dx);
        return dx;
    }
}
