namespace NeuralPipelines.Models.Generative.Sampling;

/// <summary>The exponential distribution with rate λ: F(x) = 1 − e^{−λx} for x ≥ 0, so F⁻¹(u) = −ln(1 − u)/λ.</summary>
public sealed class ExponentialDistribution : IInverseCdf
{
    public ExponentialDistribution(double rate = 1.0)
    {
        if (!(rate > 0) || double.IsInfinity(rate)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "The exponential rate λ must be positive and finite.");
        Rate = rate;
    }

    /// <summary>λ; the mean is 1/λ.</summary>
    public double Rate { get; }

    // −ln(1 − u) rather than −ln u: the same distribution, but this F⁻¹ is increasing, which the learned transform
    // function of the experiment is compared against point by point.
    public double Quantile(double u) => -Math.Log(1 - u) / Rate;

    public double Cdf(double x) => x <= 0 ? 0 : 1 - Math.Exp(-Rate * x);

    /// <summary>f(x) = λe^{−λx} for x ≥ 0.</summary>
    public double Density(double x) => x < 0 ? 0 : Rate * Math.Exp(-Rate * x);
}
