namespace NeuralPipelines.Models.Losses;

/// <summary>Cₓ = ½‖y − a‖² (Nielsen ch. 1); ∂Cₓ/∂a = a − y. With a sigmoid output, δᴸ = (a − y) ⊙ σ'(zᴸ) learns slowly when saturated.</summary>
public sealed class QuadraticCost : Loss
{
    public override string Name => "quadratic";

    public override OutputActivation OutputActivation => OutputActivation.None;

    protected override double Example(ReadOnlySpan<float> a, ReadOnlySpan<float> y, Span<float> gradient, float scale)
    {
        double c = 0;
        for (int j = 0; j < a.Length; j++)
        {
            float d = a[j] - y[j];
            c += 0.5 * d * d;
            if (!gradient.IsEmpty) gradient[j] = scale * d;
        }
        return c;
    }
}
