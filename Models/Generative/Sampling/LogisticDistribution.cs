namespace NeuralPipelines.Models.Generative.Sampling;

/// <summary>The logistic distribution with location μ and scale s: F(x) = 1/(1 + e^{−(x−μ)/s}), so F⁻¹(u) = μ + s·ln(u/(1 − u)).</summary>
public sealed class LogisticDistribution : IInverseCdf
{
    public LogisticDistribution(double location = 0.0, double scale = 1.0)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "The logistic scale s must be positive and finite.");
        if (!double.IsFinite(location)) throw new ArgumentOutOfRangeException(nameof(location), location, "The logistic location μ must be finite.");
        Location = location;
        Scale = scale;
    }

    /// <summary>μ, the mean and median.</summary>
    public double Location { get; }

    /// <summary>s; the standard deviation is sπ/√3.</summary>
    public double Scale { get; }

    public double Quantile(double u) => Location + Scale * Math.Log(u / (1 - u));

    public double Cdf(double x) => 1 / (1 + Math.Exp(-(x - Location) / Scale));
}
