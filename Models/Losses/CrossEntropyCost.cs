namespace NeuralPipelines.Models.Losses;

/// <summary>Nielsen's cross-entropy for sigmoid output neurons, Cₓ = −Σⱼ [yⱼ ln aⱼ + (1−yⱼ) ln(1−aⱼ)] with aⱼ = σ(zⱼ),
/// fused with that output sigmoid: it takes the logits zᴸ and its gradient is δᴸ = σ(zᴸ) − y.</summary>
/// <remarks>
/// Why fused: on the sigmoid's output the honest gradient is (a − y)/(a(1 − a)), and the sigmoid layer then multiplies
/// by σ' = a(1 − a). In exact arithmetic they cancel (Nielsen's point: no σ' term, so no learning slowdown), but in float32
/// σ(z) rounds to exactly 1 for z ≳ 17, and the two factors become ∞·0 — precisely the saturated neurons that cross-entropy
/// is meant to rescue. On logits the same cost is Σⱼ softplus(zⱼ) − yⱼzⱼ, finite for every z, and the cancellation is done
/// once, on paper. Networks trained with it therefore end in a Dense layer; the sigmoid is applied when reading outputs.
/// </remarks>
public sealed class CrossEntropyCost : Loss
{
    public override string Name => "cross-entropy";

    public override OutputActivation OutputActivation => OutputActivation.Sigmoid;

    protected override double Example(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> gradient, float scale)
    {
        double c = 0;
        for (int j = 0; j < z.Length; j++)
        {
            double zj = z[j];
            // −y ln σ(z) − (1−y) ln(1−σ(z)) = softplus(z) − y·z, with softplus(z) = max(z,0) + ln(1 + e^{−|z|}).
            c += Math.Max(zj, 0) + Math.Log(1 + Math.Exp(-Math.Abs(zj))) - y[j] * zj;
            if (!gradient.IsEmpty) gradient[j] = scale * (float)(Sigma(zj) - y[j]);
        }
        return c;
    }

    private static double Sigma(double z) => 1.0 / (1.0 + Math.Exp(-z));

    public override void Activate(ReadOnlySpan<float> output, Span<float> scores) => TensorPrimitives.Sigmoid(output, scores);
}
