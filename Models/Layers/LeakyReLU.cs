using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Layers;

/// <summary>a = z for z &gt; 0, else αz. The small slope α keeps a gradient flowing through units that a plain ReLU would leave dead.</summary>
[LayerKind("leaky-relu")]
public sealed class LeakyReLU : Activation, IFusibleActivation
{
    public LeakyReLU(float slope = 0.01f)
    {
        if (!(slope >= 0f && slope < 1f)) throw new ArgumentException($"LeakyReLU slope must be in [0, 1), got {slope}.");
        Slope = slope;
    }

    public LeakyReLU(LayerSpec spec) : this(spec.GetFloat("slope", 0.01f)) { }

    public float Slope { get; }

    public PlaneActivation Kernel => PlaneActivation.Leaky(Slope);

    public override LayerSpec Spec => new LayerSpec("leaky-relu").With("slope", Slope);

    protected override void Activate(ReadOnlySpan<float> z, Span<float> a) => LeakyRectifier.Forward(z, Slope, a);

    protected override void MultiplyByDerivative(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dy, Span<float> dx) =>
        LeakyRectifier.Backward(z, dy, Slope, dx);
}
