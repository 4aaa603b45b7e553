using NeuralPipelines.Models.Generative.Sampling;

namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>A one-dimensional distribution for a transform function to learn: its F and F⁻¹, its density (for plots) and its
/// standard deviation (the length scale the MMD bandwidths are set from).</summary>
public sealed record TransformTarget(string Name, IInverseCdf Distribution, Func<double, double> Density, double Deviation)
{
    /// <summary>The exponential distribution with λ = 1: F⁻¹(u) = −ln(1 − u), standard deviation 1.</summary>
    public static TransformTarget Exponential()
    {
        var d = new ExponentialDistribution(1.0);
        return new("exponential", d, d.Density, 1.0 / d.Rate);
    }

    /// <summary>0.3·N(−2, 0.5²) + 0.7·N(1.5, 0.7²), whose F⁻¹ is found by bisection (standard deviation ≈ 1.8).</summary>
    public static TransformTarget TwoGaussians()
    {
        var m = GaussianMixture1d.TwoBumps();
        return new("gaussian-mixture", m, m.Density, m.Deviation);
    }

    /// <summary>The targets the transform-function experiment trains on, in the order docs/EXPERIMENTS.md gives them.</summary>
    public static IReadOnlyList<TransformTarget> All() => [Exponential(), TwoGaussians()];
}
