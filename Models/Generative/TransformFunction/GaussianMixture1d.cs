using NeuralPipelines.Models.Generative.Sampling;

namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>A mixture of normal distributions on the line, F(x) = Σₖ wₖ Φ((x − μₖ)/σₖ). Its F⁻¹ has no closed form and is
/// found by <see cref="Bisection"/> on F.</summary>
public sealed class GaussianMixture1d : IInverseCdf
{
    private readonly (double Weight, double Mean, double Deviation)[] _components;
    private readonly double _low, _high;

    /// <param name="components">Weights (summing to 1), means and standard deviations.</param>
    public GaussianMixture1d(params (double Weight, double Mean, double Deviation)[] components)
    {
        if (components.Length == 0) throw new ArgumentException("A mixture needs at least one component.");
        foreach (var c in components)
            if (!(c.Weight > 0) || !(c.Deviation > 0) || !double.IsFinite(c.Mean))
                throw new ArgumentException($"Mixture component ({c.Weight}, {c.Mean}, {c.Deviation}): the weight and deviation must be positive, the mean finite.");
        double total = components.Sum(c => c.Weight);
        if (Math.Abs(total - 1) > 1e-9) throw new ArgumentException($"Mixture weights sum to {total}, not 1.");
        _components = components.ToArray();
        // A bracket that holds all but a vanishing part of every component; Bisection widens it if a quantile lies outside.
        _low = components.Min(c => c.Mean - 8 * c.Deviation);
        _high = components.Max(c => c.Mean + 8 * c.Deviation);
    }

    /// <summary>0.3·N(−2, 0.5²) + 0.7·N(1.5, 0.7²): two well-separated bumps of different widths and weights, so a transform
    /// function has to jump across the empty gap between them.</summary>
    public static GaussianMixture1d TwoBumps() => new((0.3, -2.0, 0.5), (0.7, 1.5, 0.7));

    public IReadOnlyList<(double Weight, double Mean, double Deviation)> Components => _components;

    public double Mean => _components.Sum(c => c.Weight * c.Mean);

    /// <summary>The standard deviation: the components' variances plus the spread of their means.</summary>
    public double Deviation
    {
        get
        {
            double mean = Mean;
            return Math.Sqrt(_components.Sum(c => c.Weight * (c.Deviation * c.Deviation + (c.Mean - mean) * (c.Mean - mean))));
        }
    }

    public double Cdf(double x)
    {
        double f = 0;
        foreach (var (w, mu, s) in _components) f += w * StandardNormal.Cdf((x - mu) / s);
        return f;
    }

    public double Density(double x)
    {
        double f = 0;
        foreach (var (w, mu, s) in _components) f += w * StandardNormal.Density((x - mu) / s) / s;
        return f;
    }

    public double Quantile(double u)
    {
        if (!(u > 0 && u < 1)) throw new ArgumentOutOfRangeException(nameof(u), u, "A quantile level must lie in (0, 1).");
        return Bisection.Solve(Cdf, u, _low, _high, tolerance: 1e-9);
    }
}
