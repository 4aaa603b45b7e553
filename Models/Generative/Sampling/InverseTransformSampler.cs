namespace NeuralPipelines.Models.Generative.Sampling;

/// <summary>Draws from a distribution by pushing uniform numbers through its quantile function: x = F⁻¹(u), u ~ U(0, 1).</summary>
/// <remarks>Deterministic: the same <see cref="Random"/> state gives the same draws.</remarks>
public sealed class InverseTransformSampler(IInverseCdf distribution)
{
    public IInverseCdf Distribution { get; } = distribution ?? throw new ArgumentNullException(nameof(distribution));

    /// <summary>One draw F⁻¹(u).</summary>
    public double Next(Random rng) => Distribution.Quantile(OpenUniform(rng));

    /// <summary>Fills <paramref name="destination"/> with independent draws.</summary>
    public void Sample(Random rng, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)Next(rng);
    }

    /// <summary>A uniform number strictly inside (0, 1).</summary>
    /// <remarks>
    /// <see cref="Random.NextDouble"/> returns k·2⁻⁵³ for k in [0, 2⁵³): it can return exactly 0, where the logistic and
    /// Cauchy quantiles are −∞, but never 1, so its largest value keeps −ln(1 − u) finite (≈ 36.7). Drawing again on 0
    /// removes the one bad value. (Shifting the grid by half a step instead would not work: (k + ½)·2⁻⁵³ is not a double
    /// above ½, and the top value would round to exactly 1.)
    /// </remarks>
    public static double OpenUniform(Random rng)
    {
        double u;
        do u = rng.NextDouble(); while (u == 0);
        return u;
    }
}
