using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>a = max(0, z). σ'(z) is 1 where z &gt; 0, else 0.</summary>
[LayerKind("relu")]
public sealed class ReLU : Layer
{
    private Tensor? _output, _inputGradient;

    public ReLU() { }

    public ReLU(LayerSpec spec) { }

    public override LayerSpec Spec => new("relu");

    public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();

    public override Tensor Forward(Tensor x, bool training)
    {
        var y = Tensor.Ensure(ref _output, x.Shape);
        TensorPrimitives.Max(x.Span, 0f, y.Span);
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        var y = _output ?? throw new InvalidOperationException("ReLU.Backward called before Forward.");
        var dx = Tensor.Ensure(ref _inputGradient, dy.Shape);
        // δ = ∂C/∂a ⊙ σ'(z); the output is positive exactly where z was.
        var ys = y.Span; var dys = dy.Span; var dxs = dx.Span;
        for (int i = 0; i < dxs.Length; i++) dxs[i] = ys[i] > 0f ? dys[i] : 0f;
        return dx;
    }
}
