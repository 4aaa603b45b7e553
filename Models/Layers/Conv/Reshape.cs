using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers.Conv;

/// <summary>[N×…] → [N×shape]: gives each example a new shape of the same size, e.g. a dense layer's 6272 values as a
/// 128×7×7 image (the "view" in DCGAN's generator). ONNX Reshape with the batch axis kept.</summary>
/// <remarks>Row-major storage is already laid out in the new shape, so forward and backward are copies with a new shape,
/// as in <see cref="Flatten"/>; copying (rather than aliasing the input's array) keeps the rule that a layer owns what it returns.</remarks>
[LayerKind("reshape")]
public sealed class Reshape : Layer
{
    private readonly int[] _shape;
    private readonly int[] _outputShape;
    private Tensor? _output, _inputGradient;
    private int[] _inputShape = [];

    public Reshape(params int[] shape)
    {
        if (shape.Length == 0 || shape.Any(d => d <= 0))
            throw new ArgumentException($"Reshape needs a non-empty per-example shape of positive sizes, got {Tensor.ShapeText(shape)}.");
        _shape = (int[])shape.Clone();
        _outputShape = new int[shape.Length + 1];
        ItemLength = shape.Aggregate(1L, (a, d) => a * d) is var n && n <= int.MaxValue ? (int)n
            : throw new ArgumentException($"Reshape: {Tensor.ShapeText(shape)} has more than {int.MaxValue} values per example.");
    }

    public Reshape(LayerSpec spec) : this(spec.GetInts("shape")) { }

    /// <summary>The per-example output shape (the batch axis excluded).</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>Values per example, in and out.</summary>
    public int ItemLength { get; }

    public override LayerSpec Spec => new LayerSpec("reshape").With("shape", _shape);

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        long n = 1;
        foreach (int d in inputShape) n *= d;
        if (n != ItemLength)
            throw new ArgumentException($"Reshape to {Tensor.ShapeText(_shape)} needs {ItemLength} values per example but got shape {Tensor.ShapeText(inputShape)} ({n} values).");
        return Shape;
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank < 1 || x.ItemLength != ItemLength)
            throw new ArgumentException($"Reshape to {Tensor.ShapeText(_shape)} needs {ItemLength} values per example but got a tensor of shape {Tensor.ShapeText(x.Shape)}.");
        if (_inputShape.Length != x.Rank) _inputShape = new int[x.Rank];
        x.Shape.CopyTo(_inputShape);
        _outputShape[0] = x.Dim(0);
        _shape.CopyTo(_outputShape, 1);
        var y = Tensor.Ensure(ref _output, _outputShape);
        Elementwise.Copy(x, y);
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        if (_inputShape.Length == 0) throw new InvalidOperationException("Reshape.Backward called before Forward.");
        CheckGradient(dy, _output!);
        var dx = Tensor.Ensure(ref _inputGradient, _inputShape);
        Elementwise.Copy(dy, dx);
        return dx;
    }
}
