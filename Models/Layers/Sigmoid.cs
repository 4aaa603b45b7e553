namespace NeuralPipelines.Models.Layers;

/// <summary>σ(z) = 1/(1+e⁻ᶻ), Nielsen's sigmoid neuron. σ'(z) = σ(z)(1−σ(z)), computed from the output.</summary>
[LayerKind("sigmoid")]
public sealed class Sigmoid : Activation
{
    public Sigmoid() { }

    public Sigmoid(LayerSpec spec) { }

    public override LayerSpec Spec => new("sigmoid");

    protected override void Activate(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Sigmoid(z, a);

    protected override void MultiplyByDerivative(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = dy[i] * a[i] * (1f - a[i]);
    }
}
