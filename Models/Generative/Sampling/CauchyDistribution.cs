namespace NeuralPipelines.Models.Generative.Sampling;

/// <summary>The Cauchy distribution with location x₀ and scale γ: F(x) = ½ + arctan((x − x₀)/γ)/π, so F⁻¹(u) = x₀ + γ·tan(π(u − ½)).</summary>
/// <remarks>It has no mean or variance, so a sample's mean never settles; a test on the draws has to look at the whole CDF
/// (Kolmogorov–Smirnov does) rather than at moments.</remarks>
public sealed class CauchyDistribution : IInverseCdf
{
    public CauchyDistribution(double location = 0.0, double scale = 1.0)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "The Cauchy scale γ must be positive and finite.");
        if (!double.IsFinite(location)) throw new ArgumentOutOfRangeException(nameof(location), location, "The Cauchy location x₀ must be finite.");
        Location = location;
        Scale = scale;
    }

    /// <summary>x₀, the median.</summary>
    public double Location { get; }

    /// <summary>γ, half the interquartile range.</summary>
    public double Scale { get; }

    public double Quantile(double u) => Location + Scale * Math.Tan(Math.PI * (u - 0.5));

    public double Cdf(double x) => 0.5 + Math.Atan((x - Location) / Scale) / Math.PI;
}
