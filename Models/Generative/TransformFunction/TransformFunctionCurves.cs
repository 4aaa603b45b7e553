namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>What the plots of a learned transform function need: G beside F⁻¹ on a grid of u, and a histogram of G's draws
/// over the target density.</summary>
/// <param name="U">The grid u ∈ [0.01, 0.99].</param>
/// <param name="Generator">G(u) on the grid.</param>
/// <param name="Quantile">F⁻¹(u) on the grid.</param>
/// <param name="HistogramCenters">Centres of equal-width bins over the target's [F⁻¹(0.001), F⁻¹(0.999)].</param>
/// <param name="HistogramDensity">Fraction of all draws in each bin divided by the bin width (so it integrates like a density).</param>
/// <param name="DensityX">A fine grid over the same range.</param>
/// <param name="Density">The target density on <paramref name="DensityX"/>.</param>
public sealed record TransformFunctionCurves(
    double[] U, double[] Generator, double[] Quantile,
    double[] HistogramCenters, double[] HistogramDensity,
    double[] DensityX, double[] Density);
