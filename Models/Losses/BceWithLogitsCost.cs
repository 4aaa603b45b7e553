namespace NeuralPipelines.Models.Losses;

/// <summary>Binary cross-entropy on logits, the GAN discriminator's cost: Cₓ = Σⱼ max(zⱼ, 0) − zⱼyⱼ + ln(1 + e^{−|zⱼ|}),
/// which is −y ln σ(z) − (1 − y) ln(1 − σ(z)) written so that no exponential can overflow. Its gradient is σ(z) − y.</summary>
/// <remarks>
/// Mean over the batch as every <see cref="Loss"/>, so ∂C/∂z = (σ(z) − y)/N. With one logit per example (a discriminator)
/// this is PyTorch's <c>binary_cross_entropy_with_logits</c>. It is the same arithmetic as <see cref="CrossEntropyCost"/>
/// under the name the generative models and their papers use; targets may be any value in [0, 1] (label smoothing).
/// The gradient is computed from e^{−|z|} as well, so it too is exact at both ends: σ(z) = 1/(1 + e^{−z}) for z ≥ 0 and
/// e^{z}/(1 + e^{z}) below.
/// </remarks>
public sealed class BceWithLogitsCost : Loss
{
    public override string Name => "bce-with-logits";

    public override OutputActivation OutputActivation => OutputActivation.Sigmoid;

    protected override double Example(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> gradient, float scale)
    {
        double c = 0;
        for (int j = 0; j < z.Length; j++)
        {
            double zj = z[j], e = Math.Exp(-Math.Abs(zj));
            c += Math.Max(zj, 0) - zj * y[j] + Math.Log(1 + e);
            if (!gradient.IsEmpty)
            {
                double sigma = zj >= 0 ? 1 / (1 + e) : e / (1 + e);
                gradient[j] = scale * (float)(sigma - y[j]);
            }
        }
        return c;
    }

    public override void Activate(ReadOnlySpan<float> output, Span<float> scores) => TensorPrimitives.Sigmoid(output, scores);
}
