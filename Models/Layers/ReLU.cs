using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>a = max(0, z). σ'(z) is 1 where z &gt; 0, else 0.</summary>
[LayerKind("relu")]
public sealed class ReLU : Layer, IFusibleActivation
{
    private Tensor? _output, _inputGradient;

    public ReLU() { }

    public ReLU(LayerSpec spec) { }

    public override LayerSpec Spec => new("relu");

    public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();

    public override Tensor Forward(Tensor x, bool training)
    {
        var y = OutputFor(x);
        Elementwise.For(x.Length, (x, y), static (t, s, n) => Rectifier.Forward(t.x.Span.Slice(s, n), t.y.Span.Slice(s, n)));
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        var (y, dx) = GradientBuffers(dy);
        Elementwise.For(dx.Length, (y, dy, dx), static (t, s, n) => Rectifier.Mask(t.y.Span.Slice(s, n), t.dy.Span.Slice(s, n), t.dx.Span.Slice(s, n)));
        return dx;
    }

    public PlaneActivation Kernel => PlaneActivation.Rectifier;

    public Tensor OutputFor(Tensor z) => Tensor.Ensure(ref _output, z.Shape);

    /// <summary>The buffer for a = σ(z) of this shape, for a producer that applies σ as it writes z (a U-Net level's join:
    /// <see cref="Conv.UNetSkipBlock"/>). ReLU's backward reads only a, so z itself need never be stored.</summary>
    internal Tensor OutputFor(ReadOnlySpan<int> shape) => Tensor.Ensure(ref _output, shape);

    public (Tensor Output, Tensor InputGradient) GradientBuffers(Tensor outputGradient)
    {
        var y = _output ?? throw new InvalidOperationException("ReLU.Backward called before Forward.");
        var dx = Tensor.Ensure(ref _inputGradient, outputGradient.Shape);
        if (dx.Length > y.Length || dx.Length > outputGradient.Length) throw new ArgumentException($"ReLU.Backward expects ∂C/∂y of shape {Tensor.ShapeText(y.Shape)} but got {Tensor.ShapeText(outputGradient.Shape)}.");
        return (y, dx);
    }
}
