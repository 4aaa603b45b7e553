namespace NeuralPipelines.Models.Losses;

/// <summary>Softmax output with the log-likelihood cost (Nielsen ch. 3), fused: Cₓ = −Σⱼ yⱼ ln softmax(z)ⱼ, taking logits.
/// δᴸ = softmax(zᴸ) − y.</summary>
/// <remarks>ln softmax(z)ⱼ = zⱼ − m − ln Σₖ e^{zₖ−m} with m = max z, so no exponential overflows and no log sees zero.</remarks>
public sealed class LogLikelihoodCost : Loss
{
    public override string Name => "log-likelihood";

    public override OutputActivation OutputActivation => OutputActivation.Softmax;

    protected override double Example(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> gradient, float scale)
    {
        float max = TensorPrimitives.Max(z);
        double sum = 0;
        for (int j = 0; j < z.Length; j++) sum += Math.Exp(z[j] - max);
        double logSum = Math.Log(sum);
        double c = 0, ySum = 0;
        for (int j = 0; j < z.Length; j++)
        {
            double logP = z[j] - max - logSum;
            c -= y[j] * logP;
            ySum += y[j];
        }
        if (!gradient.IsEmpty)
            for (int j = 0; j < z.Length; j++)
                // ∂Cₓ/∂zⱼ = (Σₖ yₖ)·softmax(z)ⱼ − yⱼ, which is softmax − y for a one-hot (or any normalised) target.
                gradient[j] = scale * (float)(ySum * Math.Exp(z[j] - max - logSum) - y[j]);
        return c;
    }

    public override void Activate(ReadOnlySpan<float> output, Span<float> scores) => Layers.Softmax.Apply(output, scores);
}
