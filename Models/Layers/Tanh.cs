namespace NeuralPipelines.Models.Layers;

/// <summary>tanh(z) = 2σ(2z) − 1, a sigmoid rescaled to (−1, 1). Its derivative is 1 − tanh²(z), computed from the output.</summary>
[LayerKind("tanh")]
public sealed class Tanh : Activation
{
    public Tanh() { }

    public Tanh(LayerSpec spec) { }

    public override LayerSpec Spec => new("tanh");

    protected override void Activate(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Tanh(z, a);

    protected override void MultiplyByDerivative(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = dy[i] * (1f - a[i] * a[i]);
    }
}
