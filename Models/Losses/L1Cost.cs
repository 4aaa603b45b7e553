namespace NeuralPipelines.Models.Losses;

/// <summary>Mean absolute error: Cₓ = (1/k) Σⱼ |aⱼ − yⱼ| over an example's k outputs, averaged over the batch like every
/// <see cref="Loss"/>, so C is the mean over all N·k values (PyTorch's <c>l1_loss</c>). ∂C/∂aⱼ = sign(aⱼ − yⱼ)/(N·k).</summary>
/// <remarks>pix2pix's reconstruction term: unlike the quadratic cost it does not let a few large errors dominate, and it
/// blurs less (Isola et al. 2017, §3.1). At aⱼ = yⱼ the subgradient 0 is taken.</remarks>
public sealed class L1Cost : Loss
{
    public override string Name => "l1";

    public override OutputActivation OutputActivation => OutputActivation.None;

    protected override double Example(ReadOnlySpan<float> a, ReadOnlySpan<float> y, Span<float> gradient, float scale)
    {
        double c = 0;
        float perValue = scale / a.Length;
        for (int j = 0; j < a.Length; j++)
        {
            float d = a[j] - y[j];
            c += Math.Abs(d);
            if (!gradient.IsEmpty) gradient[j] = d > 0 ? perValue : d < 0 ? -perValue : 0f;
        }
        return c / a.Length;
    }
}
