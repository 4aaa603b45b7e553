using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>An elementwise nonlinearity a = σ(z). Backward multiplies by σ'(z): the "⊙ σ'(z)" factor of BP1 and BP2.</summary>
/// <remarks>Subclasses give σ and σ' (in whichever of z or a is cheaper); the bookkeeping lives here once.</remarks>
public abstract class Activation : Layer
{
    private Tensor? _input, _output, _inputGradient;

    public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();

    public override Tensor Forward(Tensor x, bool training)
    {
        var a = OutputFor(x);
        // Elementwise, so a long activation's chunks can go to both cores without changing a bit.
        Elementwise.For(x.Length, (layer: this, x, a), static (t, s, n) => t.layer.Activate(t.x.Span.Slice(s, n), t.a.Span.Slice(s, n)));
        return a;
    }

    public override Tensor Backward(Tensor dy)
    {
        var (a, dx) = GradientBuffers(dy);
        // δ = ∂C/∂a ⊙ σ'(z)   (BP1 at the output layer, the second half of BP2 below it)
        Elementwise.For(dx.Length, (layer: this, z: _input!, a, dy, dx), static (t, s, n) =>
            t.layer.MultiplyByDerivative(t.z.Span.Slice(s, n), t.a.Span.Slice(s, n), t.dy.Span.Slice(s, n), t.dx.Span.Slice(s, n)));
        return dx;
    }

    /// <summary>Remembers z as the input and returns the buffer for a = σ(z).</summary>
    public Tensor OutputFor(Tensor z)
    {
        _input = z;
        return Tensor.Ensure(ref _output, z.Shape);
    }

    /// <summary>Checks ∂C/∂a against the last input and returns a = σ(z) and the buffer for ∂C/∂z.</summary>
    public (Tensor Output, Tensor InputGradient) GradientBuffers(Tensor outputGradient)
    {
        var z = _input ?? throw new InvalidOperationException($"{GetType().Name}.Backward called before Forward.");
        CheckGradient(outputGradient, z);
        return (_output!, Tensor.Ensure(ref _inputGradient, outputGradient.Shape));
    }

    /// <summary>a = σ(z), elementwise.</summary>
    protected abstract void Activate(ReadOnlySpan<float> z, Span<float> a);

    /// <summary>dx = dy ⊙ σ'(z); both z and a = σ(z) are given so σ' can use the cheaper one.</summary>
    protected abstract void MultiplyByDerivative(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dy, Span<float> dx);
}
